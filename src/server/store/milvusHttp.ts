// MilvusTransport over REST v2 with the official SDK's HttpClient: for a Milvus (or Zilliz
// Cloud, or Loupe's own REST server) where only HTTP is open. Milvus answers HTTP 200 with
// `{code, message}` for most failures, so both thrown errors and non-zero codes are mapped.

import { HttpClient, HttpError } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import type { Row } from '../../engine/schema/types';
import { type MilvusCollectionPlan, restCreateBody, storedFieldsFromRest } from './milvusSchema';
import { CONSISTENCY, type MilvusTransport, type ScopedFilter, type SubSearch, type WireHit } from './milvusTransport';
import type { StoredField } from './schemaCheck';
import { StoreAuthError, StoreError, StoreRequestError, StoreUnavailableError } from './storeErrors';

export interface MilvusHttpOptions {
  uri: string;
  token?: string;
  database?: string;
  /** Per request, ms (default 30 s). */
  timeoutMs?: number;
}

/** Milvus codes that mean "who are you" / "not allowed": 1800 need authenticate, 1402 privilege not permitted. */
const AUTH_CODES = new Set([1800, 1402]);
const COLLECTION_NOT_FOUND = 100;

/** The request type of one HttpClient method (our bodies are built as plain objects, then checked by tests). */
type Req<K extends 'createCollection' | 'delete' | 'query' | 'search' | 'hybridSearch'> = Parameters<HttpClient[K]>[0];

interface RestReply {
  code: number;
  message?: string;
  data?: unknown;
}

export class MilvusHttpTransport implements MilvusTransport {
  readonly where: string;
  private readonly client: HttpClient;
  private readonly timeoutMs: number;

  constructor(options: MilvusHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.where = `milvus ${options.uri} (db ${options.database ?? 'default'}, REST)`;
    this.client = new HttpClient({ endpoint: options.uri, token: options.token, database: options.database, timeout: this.timeoutMs });
  }

  async describe(collection: string): Promise<StoredField[] | undefined> {
    const r = await this.send('describe collection', (c) => c.describeCollection({ collectionName: collection }));
    if (r.code === COLLECTION_NOT_FOUND || (r.code !== 0 && /not ?found|can't find|does not exist/i.test(r.message ?? ''))) return undefined;
    this.check(r, 'describe collection');
    return storedFieldsFromRest((r.data as { fields?: unknown }).fields);
  }

  async create(plan: MilvusCollectionPlan): Promise<void> {
    const body = restCreateBody(plan) as unknown as Req<'createCollection'>;
    this.check(await this.send(`create collection "${plan.name}"`, (c) => c.createCollection(body)), `create collection "${plan.name}"`);
  }

  async upsert(collection: string, rows: Row[]): Promise<number> {
    const r = this.check(await this.send('upsert', (c) => c.upsert({ collectionName: collection, data: rows })), 'upsert');
    return Number((r.data as { upsertCount?: number } | undefined)?.upsertCount ?? rows.length);
  }

  async delete(collection: string, f: ScopedFilter): Promise<number> {
    const body = { collectionName: collection, filter: f.filter, exprParams: f.filterParams } as Req<'delete'>;
    const r = this.check(await this.send('delete', (c) => c.delete(body)), 'delete');
    return Number((r.data as { deleteCount?: number } | undefined)?.deleteCount ?? 0);
  }

  async query(collection: string, f: ScopedFilter, outputFields: string[], limit: number): Promise<Row[]> {
    const body = { collectionName: collection, filter: f.filter, exprParams: f.filterParams, outputFields, consistencyLevel: CONSISTENCY, ...(limit > 0 ? { limit } : {}) } as Req<'query'>;
    const r = this.check(await this.send('query', (c) => c.query(body)), 'query');
    return (r.data as Row[] | undefined) ?? [];
  }

  async search(collection: string, s: SubSearch, limit: number, outputFields: string[]): Promise<WireHit[]> {
    const body: Record<string, unknown> = { collectionName: collection, data: [s.data], annsField: s.annsField, filter: s.filter, exprParams: s.filterParams, limit, outputFields, consistencyLevel: CONSISTENCY };
    if (s.params) body.searchParams = { params: s.params };
    return hitsOf(this.check(await this.send('search', (c) => c.search(body as unknown as Req<'search'>)), 'search'));
  }

  async hybrid(collection: string, searches: SubSearch[], k: number, limit: number, outputFields: string[]): Promise<WireHit[]> {
    const search = searches.map((s) => ({ data: [s.data], annsField: s.annsField, filter: s.filter, exprParams: s.filterParams, limit, ...(s.params ? { params: s.params } : {}) }));
    const body = { collectionName: collection, search, rerank: { strategy: 'rrf', params: { k } }, limit, outputFields, consistencyLevel: CONSISTENCY };
    return hitsOf(this.check(await this.send('hybrid search', (c) => c.hybridSearch(body as unknown as Req<'hybridSearch'>)), 'hybrid search'));
  }

  async flush(collection: string): Promise<void> {
    this.check(await this.send('flush', (c) => c.flushCollection({ collectionName: collection })), 'flush');
  }

  async drop(collection: string): Promise<void> {
    this.check(await this.send(`drop collection "${collection}"`, (c) => c.dropCollection({ collectionName: collection })), `drop collection "${collection}"`);
  }

  async close(): Promise<void> {
    // REST holds no connection of ours open.
  }

  /** One SDK call; network, HTTP and auth failures become typed store errors. */
  private async send(what: string, call: (c: HttpClient) => Promise<unknown>): Promise<RestReply> {
    let reply: RestReply;
    try {
      reply = (await call(this.client)) as RestReply;
    } catch (err) {
      throw httpFailure(err, this.where, what, this.timeoutMs);
    }
    if (AUTH_CODES.has(reply.code)) throw new StoreAuthError(this.where, `${what}: the server rejected the credentials (code ${reply.code}: ${reply.message ?? ''}); check the Milvus token`);
    return reply;
  }

  private check(r: RestReply, what: string): RestReply {
    if (r.code !== 0) throw new StoreRequestError(this.where, r.code, `${what} failed: ${r.message ?? `code ${r.code}`}`);
    return r;
  }
}

function hitsOf(r: RestReply): WireHit[] {
  return ((r.data as Row[] | undefined) ?? []).map((row) => {
    const { distance, ...rest } = row;
    return { id: rest.id, distance: Number(distance), row: rest };
  });
}

/** A thrown fetch/HTTP failure → the store error the indexer can act on. */
export function httpFailure(err: unknown, where: string, path: string, timeoutMs: number): StoreError {
  if (err instanceof HttpError) {
    if (err.status === 401 || err.status === 403) {
      return new StoreAuthError(where, `${path}: HTTP ${err.status}, the server rejected the credentials; check the Milvus token`, { cause: err });
    }
    return new StoreUnavailableError(where, `${path}: HTTP ${err.status} ${err.statusText}; is this a Milvus REST v2 endpoint?`, { cause: err });
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new StoreUnavailableError(where, `${path}: no answer within ${timeoutMs} ms`, { cause: err });
  }
  const code = e?.cause?.code;
  const detail = code ? `${code}${e.cause?.message ? ` (${e.cause.message})` : ''}` : (e?.message ?? String(err));
  return new StoreUnavailableError(where, `${path}: cannot reach the server: ${detail}`, { cause: err });
}
