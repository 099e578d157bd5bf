// Shared by the REST tests: a server on a free port over a database in a temp directory, and a
// raw POST.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AccessControl } from '../../../../src/engine/catalog/accessControl';
import { Catalog } from '../../../../src/engine/catalog/catalog';
import { TokenAuth } from '../../../../src/engine/catalog/tokenAuth';
import { Database } from '../../../../src/engine/database';
import { type GrpcServer, startGrpcServer } from '../../../../src/engine/grpc/server';
import { type RestServer, type RestServerOptions, startRestServer } from '../../../../src/engine/rest/server';

export const TOKEN = 'test-token-0123456789';

export interface TestServer {
  db: Database;
  server: RestServer;
  /** The gRPC door over the same databases and users, when asked for. */
  grpc?: GrpcServer;
  dir: string;
  /** Closes the server and the database and opens both again over the same directory. */
  restart(): Promise<void>;
  /** Closes the server, then the database, then removes its directory. */
  stop(): Promise<void>;
}

export async function startTestServer(opts: Partial<RestServerOptions> & { grpc?: boolean } = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-rest-'));
  const { grpc: withGrpc, ...restOpts } = opts;
  let catalog: Catalog | undefined;
  const open = async () => {
    const db = await Database.open(dir);
    if (!withGrpc) return { db, server: await startRestServer({ db, host: '127.0.0.1', port: 0, token: TOKEN, ...restOpts }) };
    // Both doors share one catalog and one set of users, as `loupe serve --grpc-port` does.
    catalog = await Catalog.attach(db);
    const { access } = await AccessControl.open(dir, restOpts.rootPassword);
    const server = await startRestServer({ db, host: '127.0.0.1', port: 0, token: TOKEN, ...restOpts, catalog, access });
    const grpc = await startGrpcServer({ catalog, auth: new TokenAuth(restOpts.token ?? TOKEN, access), port: 0 });
    return { db, server, grpc };
  };
  const close = async () => {
    await running.grpc?.close();
    await running.server.close();
    await catalog?.close();
    await running.db.close();
  };
  const running: TestServer = {
    ...(await open()),
    dir,
    restart: async () => {
      await close();
      Object.assign(running, await open());
    },
    stop: async () => {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return running;
}

export interface RawReply {
  status: number;
  // Wire JSON: any shape, inspected field by field in the tests.
  json: { code: number; message?: string; data?: unknown; [k: string]: unknown };
}

export async function post(server: RestServer, path: string, body: unknown, token: string | null = TOKEN): Promise<RawReply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as RawReply['json'] };
}
