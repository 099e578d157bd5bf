// The Milvus gRPC front door (milvus.proto.milvus.MilvusService over @grpc/grpc-js), so the SDK's
// MilvusClient and pymilvus work against Loupe unchanged. It answers the calls in rpcs.ts; every
// other call gets Milvus's "not supported" status rather than a transport error, so a client
// sees which feature it asked for.
//
// Security as the REST door: binds 127.0.0.1 unless told otherwise; every call carries the
// token in the `authorization` metadata (the SDK sends base64 of `token`), compared in constant
// time; without it the call fails UNAUTHENTICATED, as Milvus's own interceptor does.

import { createHash, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { EngineError } from '../errors';
import { checkDatabaseName, type RestDatabase } from '../rest/route';
import { RestCode, RestError, WireObject } from '../rest/wire';
import { milvusService } from './milvusProto';
import { rpcs } from './rpcs';

export interface GrpcServerOptions {
  db: RestDatabase;
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  log?: (line: string) => void;
}

export interface GrpcServer {
  port: number;
  address: string;
  close(): Promise<void>;
}

/** Milvus's legacy error_code names the SDK compares against ('Success' above all). */
function status(code: number, reason: string): Record<string, unknown> {
  if (code === 0) return { error_code: 'Success', code: 0, reason: '', retriable: false, detail: '' };
  const legacy = code === 100 ? 'CollectionNotExists' : code === 700 ? 'IndexNotExist' : 'UnexpectedError';
  return { error_code: legacy, code, reason, retriable: false, detail: reason };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<GrpcServer> {
  if (!opts.token) throw new Error('startGrpcServer: a non-empty token is required');
  const expected = digest(opts.token);
  const log = opts.log ?? (() => undefined);
  const definition = milvusService();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': 64 * 1024 * 1024 });

  const authorized = (md: grpc.Metadata): boolean => {
    const raw = md.get('authorization')[0];
    const presented = typeof raw === 'string' ? Buffer.from(raw, 'base64').toString('utf8') : '';
    return timingSafeEqual(digest(presented), expected) && presented.length > 0;
  };

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const rpc = rpcs[name];
    // Calls that answer a bare Status (create, drop, load...) versus a message holding one.
    const bareStatus = (method as unknown as { responseType?: { type?: { name?: string } } }).responseType?.type?.name === 'Status';
    implementation[name] = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const reply = (code: number, reason: string, payload: Record<string, unknown> = {}): void => {
        callback(null, bareStatus ? status(code, reason) : { ...payload, status: status(code, reason) });
      };
      // As Milvus's auth interceptor: a call without the right credentials fails at the transport.
      if (!authorized(call.metadata)) {
        callback({ code: grpc.status.UNAUTHENTICATED, details: "auth check failure: send the server's token (the SDK's `token` option)" });
        return;
      }
      void (async () => {
        try {
          if (!rpc) throw new RestError(RestCode.Unexpected, `${name} is not supported by Loupe`);
          const req = call.request;
          const dbName = (typeof req.db_name === 'string' && req.db_name) || String(call.metadata.get('dbname')[0] ?? '');
          checkDatabaseName(WireObject.of({ dbName }, ''));
          reply(0, '', await rpc(opts.db, req));
        } catch (e) {
          if (e instanceof RestError || e instanceof EngineError) reply(e.code, e.message);
          else {
            log(`grpc: ${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
            reply(RestCode.Unexpected, `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      })();
    };
  }
  server.addService(definition, implementation);
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Calls still open after a moment are cut, so close() never hangs on a slow client.
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  };
}
