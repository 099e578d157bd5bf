// The Milvus REST v2 front door on node:http. It authenticates, reads a bounded JSON body,
// hands it to a route (collections / entities / indexes) and answers as Milvus does:
// HTTP 200 with `{code: 0, data}` or `{code, message}`; 401 for auth, 404 for unknown paths,
// 413 for oversized bodies. Slow senders are cut off by node's request timeout.
//
// Security: binds 127.0.0.1 unless told otherwise; every request, /metrics included, needs
// `Authorization: Bearer <token>`: the server's token (root, compared in constant time) or a
// user's `user:password`. Each endpoint then needs its Milvus privilege (privileges.ts).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { AccessControl } from '../catalog/accessControl';
import { TokenAuth } from '../catalog/tokenAuth';
import { Catalog, DEFAULT_DB } from '../catalog/catalog';
import { EngineError } from '../errors';
import { roleRoutes, userRoutes } from './accessRoutes';
import { aliasRoutes } from './aliasRoutes';
import { collectionRoutes } from './collectionRoutes';
import { collectionSchemaRoutes } from './collectionSchemaRoutes';
import { databaseRoutes } from './databaseRoutes';
import { entityRoutes } from './entityRoutes';
import { importRoutes } from './importJobs';
import { indexRoutes } from './indexRoutes';
import { RestMetrics } from './metrics';
import { partitionRoutes } from './partitionRoutes';
import { needOf } from './privileges';
import { type RestDatabase, type Route, type RouteContext, aliasView } from './route';
import { RestCode, RestError, WireObject } from './wire';

export interface RestServerOptions {
  db: RestDatabase;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** Default 19530 (Milvus's port); 0 picks a free one. */
  port?: number;
  /** Required; clients send `Authorization: Bearer <token>` (the Milvus SDKs' `token`); it acts as root. */
  token: string;
  /** Sets root's password (`root:<password>` tokens); without it a first start picks one (see `access`). */
  rootPassword?: string;
  /** Databases and aliases; default: the catalog in `db`'s directory, opened (and closed) here. */
  catalog?: Catalog;
  /** Users and roles; default: those in `db`'s directory. */
  access?: AccessControl;
  /** Default 64 MiB. */
  maxBodyBytes?: number;
  /** A request (headers and body) must arrive within this; default 30 s. */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** After refusing an unread body, keep the connection this long so the client reads our answer. */
const LINGER_MS = 1000;

const ROUTES = new Map<string, { endpoint: string; route: Route }>();
for (const [category, routes] of [
  ['collections', collectionRoutes],
  ['collections', collectionSchemaRoutes],
  ['entities', entityRoutes],
  ['indexes', indexRoutes],
  ['partitions', partitionRoutes],
  ['aliases', aliasRoutes],
  ['databases', databaseRoutes],
  ['users', userRoutes],
  ['roles', roleRoutes],
  ['jobs/import', importRoutes],
] as const) {
  for (const [action, route] of Object.entries(routes)) ROUTES.set(`/v2/vectordb/${category}/${action}`, { endpoint: `${category}/${action}`, route });
}

export async function startRestServer(opts: RestServerOptions): Promise<RestServer> {
  if (typeof opts.token !== 'string' || opts.token.length === 0) {
    throw new Error('startRestServer: a non-empty token is required (clients send it as "Authorization: Bearer <token>")');
  }
  const host = opts.host ?? '127.0.0.1';
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const metrics = new RestMetrics();
  const log = opts.log ?? (() => undefined);
  const catalog = opts.catalog ?? (await Catalog.attach(opts.db));
  const access = opts.access ?? (await AccessControl.open(opts.db.dir, opts.rootPassword)).access;
  const importRoot = opts.db.dir ? path.join(opts.db.dir, 'import') : undefined;

  const auth = new TokenAuth(opts.token, access);

  /** The user a request speaks for, or undefined. */
  function userOf(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    return auth.userOf(m ? m[1].trim() : '');
  }

  const server = http.createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 60_000),
      // Node checks the timeouts on this period (default 30 s); check often enough to honour them.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
    },
    (req, res) => void handle(req, res),
  );

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const route = req.method === 'POST' ? ROUTES.get(path) : undefined;
    const isMetrics = req.method === 'GET' && path === '/metrics';
    const endpoint = route || isMetrics ? path : 'unknown';
    let code: number = RestCode.Success;
    try {
      const user = userOf(req.headers.authorization);
      if (user === undefined) {
        throw new RestError(
          RestCode.NeedAuthenticate,
          "user hasn't authenticated: send the server's token, or user:password, as 'Authorization: Bearer <token>'",
          401,
        );
      }
      if (isMetrics) {
        send(req, res, 200, 'text/plain; version=0.0.4; charset=utf-8', metrics.render(opts.db));
        return;
      }
      if (!route) {
        const hint = ROUTES.has(path) ? `use POST for ${path}` : 'endpoints are POST /v2/vectordb/{collections,entities,indexes,partitions,aliases,databases,users,roles,jobs/import}/<action>';
        throw new RestError(RestCode.NotFound, `no such endpoint: ${req.method} ${path}; ${hint}`, 404);
      }
      const body = WireObject.of(parseJson(await readBody(req, maxBodyBytes)), '');
      // databases/* name their subject in dbName; everything else runs in the database named.
      const dbName = route.endpoint.startsWith('databases/') ? DEFAULT_DB : body.optStr('dbName') || DEFAULT_DB;
      const db = aliasView(catalog, dbName, catalog.database(dbName));
      access.authorize(user, needOf(route.endpoint, body, dbName, (name) => catalog.resolve(dbName, name)));
      const ctx: RouteContext = { catalog, access, user, dbName, importRoot };
      const result = await route.route(db, body, ctx);
      sendJson(req, res, 200, { code: RestCode.Success, data: result.data ?? {}, ...result.extra });
    } catch (e) {
      const err = toWireError(e);
      code = err.code;
      if (err.code === RestCode.Unexpected) log(`rest: ${req.method} ${path} failed: ${e instanceof Error ? e.stack : String(e)}`);
      sendJson(req, res, err.status, { code: err.code, message: err.message });
    } finally {
      metrics.observe(endpoint, code, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 19530, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log(`rest: server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => (opts.catalog ? undefined : catalog.close())),
  };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const tooLarge = (size: string): RestError =>
    new RestError(RestCode.PayloadTooLarge, `request body is too large: ${size} bytes, the limit is ${max} bytes`, 413);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(tooLarge(String(declared)));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        reject(tooLarge(`more than ${max}`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new RestError(RestCode.IncorrectParameterFormat, 'the request body ended early (client went away)'));
    });
  });
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') {
    throw new RestError(RestCode.IncorrectParameterFormat, 'can only accept json format request: the body is empty; send a JSON object (at least {})');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RestError(RestCode.IncorrectParameterFormat, `can only accept json format request: ${(e as Error).message}`);
  }
}

function toWireError(e: unknown): { status: number; code: number; message: string } {
  if (e instanceof RestError) return { status: e.httpStatus, code: e.code, message: e.message };
  if (e instanceof EngineError) return { status: 200, code: e.code, message: e.message };
  return { status: 200, code: RestCode.Unexpected, message: `unexpected error: ${e instanceof Error ? e.message : String(e)}` };
}

/**
 * Vectors come back from the engine as Float32Array; JSON needs plain arrays. An Int64 beyond 2^53
 * (a bigint) is sent as its decimal text, which a JSON number could not carry exactly.
 */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function sendJson(req: http.IncomingMessage, res: http.ServerResponse, status: number, payload: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(payload, replacer);
  } catch (e) {
    status = 200;
    text = JSON.stringify({ code: RestCode.Unexpected, message: `unexpected error: cannot encode the result: ${(e as Error).message}` });
  }
  send(req, res, status, 'application/json; charset=utf-8', text);
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, text: string): void {
  if (res.headersSent || res.destroyed) return;
  const unread = !req.complete;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
    // We answered before reading the whole body: this connection cannot carry another request.
    ...(unread ? { Connection: 'close' } : {}),
  });
  res.end(text);
  if (unread) {
    // Swallow what is still arriving so the client can finish writing and read our answer,
    // then cut the connection; a sender that never stops is not allowed to hold it.
    req.resume();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  }
}
