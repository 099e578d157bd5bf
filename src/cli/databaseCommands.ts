// `loupe serve`, `backup` and `restore`: commands on a database folder, no index or models.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { backupDatabase, restoreDatabase } from '../engine/backup';
import { Database } from '../engine/database';
import { AccessControl } from '../engine/catalog/accessControl';
import { Catalog } from '../engine/catalog/catalog';
import { TokenAuth } from '../engine/catalog/tokenAuth';
import { startGrpcServer } from '../engine/grpc/server';
import { startRestServer } from '../engine/rest/server';
import { databaseDir } from '../server/indexer/indexState';
import { intOption, option, UsageError, type ParsedArgs } from './args';
import { note, out } from './output';

export async function serveCommand(args: ParsedArgs): Promise<number> {
  const data = option(args, 'data');
  if (!data) throw new UsageError('serve needs --data DIR (a data directory from loupe index, or a database directory)');
  const dir = fs.existsSync(databaseDir(data)) ? databaseDir(data) : data;
  const port = intOption(args, 'port', 0, 65535) ?? 19530;
  // gRPC on its own port (REST keeps Milvus's 19530); `--port 0` picks free ports for both.
  const grpcPort = option(args, 'grpc-port') === 'off' ? undefined : (intOption(args, 'grpc-port', 0, 65535) ?? (port === 0 ? 0 : 19531));
  const host = option(args, 'host') ?? '127.0.0.1';
  const token = option(args, 'token') ?? process.env.LOUPE_TOKEN ?? randomBytes(18).toString('base64url');
  const db = await Database.open(dir, { onWarning: (w) => note(`loupe: ${w}`) });
  const rootPassword = option(args, 'root-password') ?? process.env.LOUPE_ROOT_PASSWORD;
  const { access, generatedRootPassword } = await AccessControl.open(dir, rootPassword);
  const catalog = await Catalog.attach(db, { onWarning: (w) => note(`loupe: ${w}`) });
  const server = await startRestServer({ db, host, port, token, access, catalog });
  out(`Milvus REST API on ${server.url} (database ${dir})`);
  const grpc = grpcPort === undefined ? undefined : await startGrpcServer({ catalog, auth: new TokenAuth(token, access), host, port: grpcPort, log: (l) => note(`loupe: ${l}`) });
  if (grpc) out(`Milvus gRPC API on ${grpc.address}`);
  if (!option(args, 'token') && !process.env.LOUPE_TOKEN) out(`token: ${token}`);
  // Shown once, on the first start: it is stored only as a hash.
  if (generatedRootPassword) out(`root password: ${generatedRootPassword} (clients may send root:<password> as the token)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await grpc?.close();
  await server.close();
  await catalog.close();
  await db.close();
  return 0;
}

export async function backupCommand(args: ParsedArgs): Promise<number> {
  const data = option(args, 'data');
  const file = option(args, 'out');
  if (!data || !file) throw new UsageError('backup needs --data DIR and --out FILE');
  const dir = fs.existsSync(databaseDir(data)) ? databaseDir(data) : data;
  if (!fs.existsSync(dir)) throw new UsageError(`backup: ${dir} does not exist`);
  // A running server holds the writer lock: then copy what it last flushed, read-only.
  const db = await Database.open(dir, { flushIntervalMs: 0 }).catch(async (err: Error) => {
    note(`loupe: ${err.message}; backing up its last flushed state read-only`);
    return Database.open(dir, { readOnly: true, flushIntervalMs: 0 });
  });
  try {
    const s = await backupDatabase(db, file);
    out(`backed up ${s.collections.length} collection(s), ${s.files} files, ${s.bytes} bytes to ${file}`);
  } finally {
    await db.close();
  }
  return 0;
}

export async function restoreCommand(args: ParsedArgs): Promise<number> {
  const from = option(args, 'from');
  const data = option(args, 'data');
  if (!from || !data) throw new UsageError('restore needs --from FILE and --data DIR');
  const s = await restoreDatabase(from, data);
  out(`restored ${s.collections.length} collection(s), ${s.files} files, ${s.bytes} bytes into ${data}`);
  return 0;
}
