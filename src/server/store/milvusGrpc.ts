// MilvusTransport over gRPC with the official SDK's MilvusClient, for a real Milvus server or
// cluster (port 19530). The request objects are built by small pure functions (unit-tested);
// the client is loaded only when first used, so REST-only users never load gRPC.

import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Row } from '../../engine/schema/types';
import { type MilvusCollectionPlan, grpcCreateRequest, storedFieldsFromGrpc } from './milvusSchema';
import { CONSISTENCY, type MilvusTransport, type ScopedFilter, type SubSearch, type WireHit } from './milvusTransport';
import type { StoredField } from './schemaCheck';
import { StoreAuthError, StoreError, StoreRequestError, StoreUnavailableError } from './storeErrors';

export interface MilvusGrpcOptions {
  uri: string;
  token?: string;
  database?: string;
  timeoutMs?: number;
}

export function grpcUpsertRequest(collection: string, rows: Row[]): Record<string, unknown> {
  return { collection_name: collection, data: rows };
}

export function grpcDeleteRequest(collection: string, f: ScopedFilter): Record<string, unknown> {
  return { collection_name: collection, filter: f.filter, exprValues: f.filterParams, consistency_level: CONSISTENCY };
}

export function grpcQueryRequest(collection: string, f: ScopedFilter, outputFields: string[], limit: number): Record<string, unknown> {
  const req: Record<string, unknown> = { collection_name: collection, filter: f.filter, exprValues: f.filterParams, output_fields: outputFields, consistency_level: CONSISTENCY };
  if (limit > 0) req.limit = limit;
  return req;
}

export function grpcSearchRequest(collection: string, s: SubSearch, limit: number, outputFields: string[]): Record<string, unknown> {
  const req: Record<string, unknown> = {
    collection_name: collection,
    data: s.data,
    anns_field: s.annsField,
    filter: s.filter,
    exprValues: s.filterParams,
    limit,
    output_fields: outputFields,
    consistency_level: CONSISTENCY,
  };
  if (s.params) req.params = { ...s.params };
  return req;
}

export function grpcHybridRequest(collection: string, searches: SubSearch[], k: number, limit: number, outputFields: string[]): Record<string, unknown> {
  return {
    collection_name: collection,
    data: searches.map((s) => ({ data: s.data, anns_field: s.annsField, expr: s.filter, exprValues: s.filterParams, params: { ...(s.params ?? {}) } })),
    rerank: { strategy: 'rrf', params: { k } },
    limit,
    output_fields: outputFields,
    consistency_level: CONSISTENCY,
  };
}

interface GrpcStatus {
  status?: { error_code?: string | number; code?: number; reason?: string };
}

export class MilvusGrpcTransport implements MilvusTransport {
  readonly where: string;
  private clientPromise: Promise<MilvusClient> | undefined;

  constructor(private readonly options: MilvusGrpcOptions) {
    this.where = `milvus ${options.uri} (db ${options.database ?? 'default'}, gRPC)`;
  }

  async describe(collection: string): Promise<StoredField[] | undefined> {
    const c = await this.client();
    const has = await this.call('has collection', () => c.hasCollection({ collection_name: collection }));
    if (!has.value) return undefined;
    const d = await this.call('describe collection', () => c.describeCollection({ collection_name: collection }));
    return storedFieldsFromGrpc(d.schema?.fields);
  }

  async create(plan: MilvusCollectionPlan): Promise<void> {
    const c = await this.client();
    // The SDK's union of create shapes is wide; the builder's output is one of them (tested).
    await this.call(`create collection "${plan.name}"`, () => c.createCollection(grpcCreateRequest(plan, this.options.database) as unknown as Parameters<MilvusClient['createCollection']>[0]));
  }

  async upsert(collection: string, rows: Row[]): Promise<number> {
    const c = await this.client();
    const r = await this.call('upsert', () => c.upsert(grpcUpsertRequest(collection, rows) as unknown as Parameters<MilvusClient['upsert']>[0]));
    return Number(r.upsert_cnt ?? rows.length);
  }

  async delete(collection: string, f: ScopedFilter): Promise<number> {
    const c = await this.client();
    const r = await this.call('delete', () => c.delete(grpcDeleteRequest(collection, f) as unknown as Parameters<MilvusClient['delete']>[0]));
    return Number(r.delete_cnt ?? 0);
  }

  async query(collection: string, f: ScopedFilter, outputFields: string[], limit: number): Promise<Row[]> {
    const c = await this.client();
    const r = await this.call('query', () => c.query(grpcQueryRequest(collection, f, outputFields, limit) as unknown as Parameters<MilvusClient['query']>[0]));
    return r.data;
  }

  async search(collection: string, s: SubSearch, limit: number, outputFields: string[]): Promise<WireHit[]> {
    const c = await this.client();
    const r = await this.call('search', () => c.search(grpcSearchRequest(collection, s, limit, outputFields) as unknown as Parameters<MilvusClient['search']>[0]));
    return hitsOf(r.results as unknown as Row[]);
  }

  async hybrid(collection: string, searches: SubSearch[], k: number, limit: number, outputFields: string[]): Promise<WireHit[]> {
    const c = await this.client();
    const r = await this.call('hybrid search', () => c.hybridSearch(grpcHybridRequest(collection, searches, k, limit, outputFields) as unknown as Parameters<MilvusClient['hybridSearch']>[0]));
    return hitsOf(r.results as unknown as Row[]);
  }

  async flush(collection: string): Promise<void> {
    const c = await this.client();
    await this.call('flush', () => c.flushSync({ collection_names: [collection] }));
  }

  async drop(collection: string): Promise<void> {
    const c = await this.client();
    await this.call(`drop collection "${collection}"`, () => c.dropCollection({ collection_name: collection }));
  }

  async close(): Promise<void> {
    if (this.clientPromise) await (await this.clientPromise).closeConnection();
  }

  private client(): Promise<MilvusClient> {
    this.clientPromise ??= import('@zilliz/milvus2-sdk-node').then(({ MilvusClient: Client }) => {
      const client = new Client({ address: this.options.uri, token: this.options.token, database: this.options.database, timeout: this.options.timeoutMs ?? 30_000 });
      // The SDK connects in its constructor and leaves that promise unhandled when the server is
      // down, which would crash the process; our calls report the failure themselves.
      (client as unknown as { connectPromise?: Promise<unknown> }).connectPromise?.catch(() => undefined);
      return client;
    });
    return this.clientPromise;
  }

  /** After an outage, the next call makes a fresh client (and connection) instead of a broken one. */
  private forgetClient(): void {
    const old = this.clientPromise;
    this.clientPromise = undefined;
    void old?.then((c) => c.closeConnection()).catch(() => undefined);
  }

  /** Runs one SDK call; gRPC status codes and Milvus error codes become typed store errors. */
  private async call<T extends GrpcStatus | object>(what: string, fn: () => Promise<T>): Promise<T> {
    let r: T;
    try {
      r = await fn();
    } catch (err) {
      const failure = grpcFailure(err, this.where, what);
      if (failure instanceof StoreUnavailableError) this.forgetClient();
      throw failure;
    }
    const status = (r as GrpcStatus).status;
    const code = Number(status?.code ?? 0);
    const errorCode = status?.error_code;
    if (code !== 0 || (errorCode !== undefined && errorCode !== 'Success' && errorCode !== 0)) {
      if (code === 1800 || errorCode === 'AuthenticationFailed' || code === 1402) {
        throw new StoreAuthError(this.where, `${what}: the server rejected the credentials (${status?.reason ?? code})`);
      }
      throw new StoreRequestError(this.where, code, `${what} failed: ${status?.reason ?? errorCode}`);
    }
    return r;
  }
}

function hitsOf(results: Row[] | undefined): WireHit[] {
  return (results ?? []).map((r) => {
    const { score, id, ...rest } = r;
    return { id, distance: Number(score), row: { id, ...rest } };
  });
}

/** gRPC status codes (grpc-js): 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 16 UNAUTHENTICATED, 7 PERMISSION_DENIED. */
export function grpcFailure(err: unknown, where: string, what: string): StoreError {
  const e = err as { code?: number; details?: string; message?: string };
  const detail = e?.details || e?.message || String(err);
  if (e?.code === 16 || e?.code === 7) return new StoreAuthError(where, `${what}: the server rejected the credentials (${detail})`, { cause: err });
  if (e?.code === 14 || e?.code === 4 || /ECONNREFUSED|UNAVAILABLE|DEADLINE|timeout/i.test(detail)) {
    return new StoreUnavailableError(where, `${what}: cannot reach the server: ${detail}`, { cause: err });
  }
  return new StoreRequestError(where, Number(e?.code ?? 0), `${what} failed: ${detail}`, { cause: err });
}
