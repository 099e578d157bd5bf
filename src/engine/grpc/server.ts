// The Milvus gRPC front door (milvus.proto.milvus.MilvusService, from the .proto JSON the Node SDK
// ships), on its own port, loopback by default, with the REST door's users and privileges: the
// `authorization` metadata carries base64 of the server token or `user:password`, `dbname` names
// the database. It serves the handshake, databases, collections, indexes and rows (insert, upsert,
// delete, query, search, hybrid search, compaction: dataMethods.ts), partitions, aliases and users
// (catalogMethods.ts); every other method answers UNIMPLEMENTED, saying so.

import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import type { Catalog } from '../catalog/catalog';
import { DEFAULT_DB } from '../catalog/catalog';
import type { TokenAuth } from '../catalog/tokenAuth';
import { EngineError, ErrorCode } from '../errors';
import { needOf } from '../rest/privileges';
import { type RouteContext, aliasView } from '../rest/route';
import { catalogMethods } from './catalogMethods';
import { indexMethods } from './indexMethods';
import { accessMethods } from './accessMethods';
import { SUCCESS, dataMethods } from './dataMethods';
import { RestError, WireObject } from '../rest/wire';

// The SDK's own protobuf JSON and loader options, so both ends read the same messages.
// (`require`: the SDK ships this as a CommonJS module without types.)
const MILVUS_PROTO = (require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus') as { default: ProtoJson }).default;
/** Methods that answer a bare common.Status (CreateDatabase, DropCollection, …), not a message holding one. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const STATUS_METHODS = new Set(
  Object.entries(MILVUS_PROTO.nested.milvus.nested.proto.nested.milvus.nested.MilvusService.methods)
    .filter(([, m]) => m.responseType === 'common.Status')
    .map(([name]) => name),
);

interface ProtoJson {
  nested: { milvus: { nested: { proto: { nested: { milvus: { nested: { MilvusService: { methods: Record<string, { responseType: string }> } } } } } } } };
}
const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export interface GrpcServerOptions {
  catalog: Catalog;
  auth: TokenAuth;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  log?: (line: string) => void;
}

export interface GrpcServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

interface Caller {
  user: string;
  dbName: string;
}

/** A wire request: protobuf fields by their proto names (keepCase). */
type Req = Record<string, unknown>;
type Handler = (req: Req, caller: Caller) => Promise<Req> | Req;


export async function startGrpcServer(opts: GrpcServerOptions): Promise<GrpcServer> {
  const { catalog, auth } = opts;
  const log = opts.log ?? (() => undefined);
  const pkg = grpc.loadPackageDefinition(fromJSON(MILVUS_PROTO as object, LOADER_OPTIONS)) as unknown as {
    milvus: { proto: { milvus: { MilvusService: { service: grpc.ServiceDefinition } } } };
  };
  const service = pkg.milvus.proto.milvus.MilvusService.service;

  // gRPC method → [the REST endpoint whose privilege it needs, the work].
  const handlers: Record<string, [string | undefined, Handler]> = {
    Connect: [undefined, () => ({ status: SUCCESS, server_info: { build_tags: 'loupe', reserved: {} }, identifier: String(Date.now() % 1e9) })],
    GetVersion: [undefined, () => ({ status: SUCCESS, version: 'v2.5.0-loupe' })],
    CheckHealth: [undefined, () => ({ status: SUCCESS, isHealthy: true, reasons: [] })],
    CreateDatabase: ['databases/create', async (req) => {
      await catalog.createDatabase(String(req.db_name ?? ''), keyValues(req.properties));
      return SUCCESS;
    }],
    DropDatabase: ['databases/drop', async (req) => {
      await catalog.dropDatabase(String(req.db_name ?? ''));
      return SUCCESS;
    }],
    AlterDatabase: ['databases/alter', async (req) => {
      const name = String(req.db_name ?? '');
      await catalog.alterProperties(name, keyValues(req.properties));
      const keys = Array.isArray(req.delete_keys) ? req.delete_keys.map(String) : [];
      if (keys.length) await catalog.dropProperties(name, keys);
      return SUCCESS;
    }],
    ListDatabases: ['databases/list', () => {
      const names = catalog.listDatabases();
      const infos = names.map((n) => catalog.describeDatabase(n));
      return { status: SUCCESS, db_names: names, created_timestamp: infos.map((i) => String(i.createdTimestamp)), db_ids: infos.map((i) => String(i.dbID)) };
    }],
    DescribeDatabase: ['databases/describe', (req) => {
      const i = catalog.describeDatabase(String(req.db_name ?? ''));
      return { status: SUCCESS, db_name: i.dbName, dbID: String(i.dbID), created_timestamp: String(i.createdTimestamp), properties: i.properties };
    }],
    ShowCollections: ['collections/list', (req, caller) => {
      const names = catalog.database(dbOf(req, caller)).listCollections();
      return { status: SUCCESS, collection_names: names, collection_ids: names.map(() => '0'), created_timestamps: names.map(() => '0'), created_utc_timestamps: names.map(() => '0'), inMemory_percentages: names.map(() => '100') };
    }],
    HasCollection: ['collections/has', (req, caller) => ({ status: SUCCESS, value: catalog.database(dbOf(req, caller)).hasCollection(String(req.collection_name ?? '')) })],
    DropCollection: ['collections/drop', async (req, caller) => {
      const dbName = dbOf(req, caller);
      const name = String(req.collection_name ?? '');
      const aliases = catalog.listAliases(dbName, name);
      if (aliases.length > 0) throw new EngineError(ErrorCode.InvalidParameter, `collection "${name}" has aliases (${aliases.join(', ')}); drop them first`);
      await catalog.database(dbName).dropCollection(name);
      return SUCCESS;
    }],
  };

  for (const [method, [endpoint, fn]] of Object.entries({ ...dataMethods, ...indexMethods, ...catalogMethods, ...accessMethods })) {
    handlers[method] = [endpoint, (req, caller) => {
      const dbName = dbOf(req, caller);
      const ctx: RouteContext = { catalog, access: auth.access, user: caller.user, dbName, importRoot: undefined };
      return fn(req, aliasView(catalog, dbName, catalog.database(dbName)), ctx);
    }];
  }

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(service)) {
    const entry = handlers[method];
    const returnsStatus = STATUS_METHODS.has(method);
    implementation[method] = (call: grpc.ServerUnaryCall<Req, Req>, callback: grpc.sendUnaryData<Req>) => {
      if (!entry) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `Loupe's gRPC door does not serve ${method} yet; use the REST v2 API (POST /v2/vectordb/...) for it` });
        return;
      }
      const user = auth.userOf(tokenOf(call.metadata));
      if (user === undefined) {
        callback({ code: grpc.status.UNAUTHENTICATED, details: "user hasn't authenticated: send the server's token or user:password as the client's token" });
        return;
      }
      const caller: Caller = { user, dbName: String(call.metadata.get('dbname')[0] ?? '') || DEFAULT_DB };
      const [endpoint, work] = entry;
      void (async () => {
        try {
          if (endpoint) {
            const dbName = endpoint.startsWith('databases/') ? DEFAULT_DB : dbOf(call.request, caller);
            // Flush names its collections in a list; every other call names one.
            const names = Array.isArray(call.request.collection_names) ? call.request.collection_names : [call.request.collection_name ?? call.request.oldName];
            for (const collectionName of names) {
              const body = WireObject.of({ collectionName, userName: call.request.username, dbName: caller.dbName }, '');
              auth.access.authorize(user, needOf(endpoint, body, dbName, (n) => catalog.resolve(dbName, n)));
            }
          }
          callback(null, await work(call.request, caller));
        } catch (e) {
          const status = statusOf(e);
          if (!(e instanceof EngineError || e instanceof RestError)) log(`grpc: ${method} failed: ${e instanceof Error ? e.stack : String(e)}`);
          callback(null, returnsStatus ? status : { status });
        }
      })();
    };
  }

  // Milvus's proxy takes messages up to 64 MB (grpc-js defaults to 4 MB): a 20,000-row insert
  // of the SDK's test collection is about 7 MB.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES });
  server.addService(service, implementation);
  const host = opts.host ?? '127.0.0.1';
  const bindHost = host.includes(':') ? `[${host}]` : host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${bindHost}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `${bindHost}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** The database a request names (`db_name`), else the connection's `dbname` metadata. */
function dbOf(req: Req, caller: Caller): string {
  return typeof req.db_name === 'string' && req.db_name !== '' ? req.db_name : caller.dbName;
}

function tokenOf(metadata: grpc.Metadata): string {
  const raw = metadata.get('authorization')[0];
  return raw === undefined ? '' : Buffer.from(String(raw), 'base64').toString('utf8');
}

function keyValues(v: unknown): Record<string, string> {
  if (!Array.isArray(v)) return {};
  return Object.fromEntries(v.map((kv: { key?: unknown; value?: unknown }) => [String(kv.key), String(kv.value)]));
}

/**
 * Milvus's legacy error_code names beside the code (merr's oldCode); clients such as the SDK
 * compare them: a bad parameter (1100) is `IllegalArgument`, anything unlisted `UnexpectedError`.
 */
const LEGACY: Record<number, string> = { [ErrorCode.CollectionNotFound]: 'CollectionNotExists', [ErrorCode.IndexNotFound]: 'IndexNotExist', [ErrorCode.InvalidParameter]: 'IllegalArgument' };

function statusOf(e: unknown): { error_code: string; code: number; reason: string } {
  if (e instanceof EngineError || e instanceof RestError) return { error_code: LEGACY[e.code] ?? 'UnexpectedError', code: e.code, reason: e.message };
  return { error_code: 'UnexpectedError', code: ErrorCode.Unexpected, reason: `unexpected error: ${e instanceof Error ? e.message : String(e)}` };
}

