// `loupe serve`, `backup` and `restore`: commands on a database folder, no index or models.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { backupDatabase, restoreDatabase } from '../engine/backup';
import { Database } from '../engine/database';
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
  const host = option(args, 'host') ?? '127.0.0.1';
  const token = option(args, 'token') ?? process.env.LOUPE_TOKEN ?? randomBytes(18).toString('base64url');
  const db = await Database.open(dir, { onWarning: (w) => note(`loupe: ${w}`) });
  // gRPC on its own port (REST keeps Milvus's 19530); `--port 0` picks free ports for both.
  const grpcOff = option(args, 'grpc-port') === 'off';
  const grpcPort = grpcOff ? undefined : (intOption(args, 'grpc-port', 0, 65535) ?? (port === 0 ? 0 : 19531));
  const server = await startRestServer({ db, host, port, token });
  const grpcServer = grpcPort === undefined ? undefined : await startGrpcServer({ db, host, port: grpcPort, token, log: (l) => note(`loupe: ${l}`) });
  out(`Milvus REST API on ${server.url} (database ${dir})`);
  if (grpcServer) out(`Milvus gRPC API on ${grpcServer.address}`);
  if (!option(args, 'token') && !process.env.LOUPE_TOKEN) out(`token: ${token}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await grpcServer?.close();
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
