// The VectorStore on a Milvus server through the official SDK: REST v2 (HttpClient) where only
// HTTP is open, gRPC (MilvusClient) for a real cluster's 19530. Many people and branches share one
// collection: every row carries its `workspace` (the partition key) and a workspace-scoped
// primary key — see workspaceScope.ts for the reasoning.

import type { JsonValue, Row } from '../../engine/schema/types';
import { CHUNK_COLLECTION, type ChunkModels, type ChunkRow, F, modelsOfSchema } from '../indexer/chunkSchema';
import { defaultOutputFields, denseIndexes, storeSchema } from './chunkCollection';
import { TERMS_FIELD, codeTerms, milvusChunkSchema } from './codeTerms';
import { MilvusGrpcTransport } from './milvusGrpc';
import { MilvusHttpTransport } from './milvusHttp';
import type { MilvusTransport, SubSearch, WireHit } from './milvusTransport';
import { schemaDifference } from './schemaCheck';
import { StoreRequestError, StoreSchemaError } from './storeErrors';
import type {
  EnsureCollectionOptions,
  EnsureCollectionResult,
  PreparedFilter,
  StoreDelete,
  StoreFilter,
  StoreHit,
  StoreHybridSearch,
  StoreQuery,
  StoreSearch,
  StoreTextSearch,
  VectorStore,
} from './vectorStore';
import { WorkspaceScope } from './workspaceScope';

export interface MilvusStoreOptions {
  /** http(s)://host:port for REST v2 (protocol 'http'), host:19530 for gRPC. */
  uri: string;
  /** 'http' (HttpClient, REST v2) or 'grpc' (MilvusClient). Default: 'grpc' for port 19530 without a scheme, else 'http'. */
  protocol?: 'http' | 'grpc';
  /** An API key, or "user:password". */
  token?: string;
  /** Milvus database; default "default". */
  database?: string;
  /** Prepended to the collection name ("team_" → "team_loupe_chunks"), to share one Milvus between tools. */
  collectionPrefix?: string;
  /** This store's workspace, e.g. "github.com/acme/app@main". */
  workspace: string;
  /** Analyzer for the BM25 text field; default { type: 'standard' } (Milvus has no "code" analyzer). */
  analyzerParams?: Record<string, JsonValue>;
  timeoutMs?: number;
}

const DEFAULT_QUERY_LIMIT = 1000;
/** Milvus refuses a query limit (plus offset) above this. */
const MAX_QUERY_LIMIT = 16_384;

export class MilvusStore implements VectorStore {
  readonly description: string;
  readonly workspace: string;
  readonly collectionName: string;
  private readonly scope: WorkspaceScope;
  /**
   * Whether the collection's BM25 reads Loupe's code tokens (codeTerms.ts); false for one made
   * before that field existed, which keeps working on raw text. Undefined until looked up.
   */
  private terms: boolean | undefined;

  constructor(
    private readonly options: MilvusStoreOptions,
    private readonly transport: MilvusTransport = transportFor(options),
  ) {
    this.scope = new WorkspaceScope(options.workspace);
    this.workspace = options.workspace;
    this.collectionName = `${options.collectionPrefix ?? ''}${CHUNK_COLLECTION}`;
    this.description = transport.where;
  }

  async ensureCollection(models: ChunkModels, options: EnsureCollectionOptions = {}): Promise<EnsureCollectionResult> {
    const schema = milvusChunkSchema(models);
    const stored = await this.transport.describe(this.collectionName);
    if (stored) {
      const diff = schemaDifference(schema, stored);
      const legacy = diff && !stored.some((f) => f.name === TERMS_FIELD) && !schemaDifference(storeSchema(models), stored);
      if (diff && !legacy) throw new StoreSchemaError(this.description, this.collectionName, diff.field, diff.message);
      this.terms = !legacy;
      return { created: false, collection: this.collectionName };
    }
    await this.transport.create({
      name: this.collectionName,
      schema,
      dense: denseIndexes(models, options.denseIndex),
      analyzerParams: this.options.analyzerParams ?? { type: 'standard' },
    });
    this.terms = true;
    return { created: true, collection: this.collectionName };
  }

  async storedModels(): Promise<ChunkModels | undefined> {
    const stored = await this.transport.describe(this.collectionName);
    return stored ? modelsOfSchema({ fields: stored }) : undefined;
  }

  async upsert(rows: ChunkRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const terms = await this.usesTerms();
    return this.transport.upsert(
      this.collectionName,
      rows.map((r) => {
        const stored = this.scope.toStored(r);
        if (terms) stored[TERMS_FIELD] = codeTerms(String(r[F.text] ?? ''));
        return stored;
      }),
    );
  }

  async delete(req: StoreDelete): Promise<number> {
    if (!req.ids && !req.filter?.trim()) throw new StoreRequestError(this.description, 0, 'delete needs ids or a filter (refusing to delete a whole workspace by accident)');
    if (req.ids?.length === 0) return 0;
    return this.transport.delete(this.collectionName, this.scope.filter(req));
  }

  /** Nothing to compile here: the server parses the text, sent with every call (and the workspace clause). */
  prepareFilter(req: StoreFilter): PreparedFilter {
    const { filter, filterParams } = this.scope.filter(req, false);
    return Object.freeze({ filter, filterParams: Object.freeze(filterParams) });
  }

  async query(req: StoreQuery): Promise<Row[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const limit = Math.min(req.limit ?? DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT);
    const rows = await this.transport.query(this.collectionName, this.scope.filter(req), withId(outputFields), limit);
    return rows.map((r) => this.scope.fromStored(r, outputFields));
  }

  async search(req: StoreSearch): Promise<StoreHit[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const hits = await this.transport.search(this.collectionName, this.dense(req, req), req.limit, outputFields);
    return this.hits(hits, outputFields);
  }

  async textSearch(req: StoreTextSearch): Promise<StoreHit[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const hits = await this.transport.search(this.collectionName, { data: await this.queryText(req.text), annsField: F.sparse, ...this.scope.filter(req) }, req.limit, outputFields);
    return this.hits(hits, outputFields);
  }

  async hybridSearch(req: StoreHybridSearch): Promise<StoreHit[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const searches: SubSearch[] = req.dense.map((d) => this.dense(d, req));
    if (req.text !== undefined) searches.push({ data: await this.queryText(req.text), annsField: F.sparse, ...this.scope.filter(req) });
    if (searches.length === 0) throw new StoreRequestError(this.description, 0, 'hybrid search needs at least one dense vector or a text');
    const hits = await this.transport.hybrid(this.collectionName, searches, req.k ?? 60, req.limit, outputFields);
    return this.hits(hits, outputFields);
  }

  async flush(): Promise<void> {
    await this.transport.flush(this.collectionName);
  }

  async count(filter: StoreFilter = {}): Promise<number> {
    const rows = await this.transport.query(this.collectionName, this.scope.filter(filter), ['count(*)'], 0);
    return Number(rows[0]?.['count(*)'] ?? 0);
  }

  async dropCollection(): Promise<void> {
    if (await this.transport.describe(this.collectionName)) await this.transport.drop(this.collectionName);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async usesTerms(): Promise<boolean> {
    this.terms ??= (await this.transport.describe(this.collectionName))?.some((f) => f.name === TERMS_FIELD) ?? true;
    return this.terms;
  }

  /** Query text split as the stored text was; text with no tokens at all is sent as it is. */
  private async queryText(text: string): Promise<string> {
    if (!(await this.usesTerms())) return text;
    return codeTerms(text) || text;
  }

  private dense(d: { annsField: string; vector: Float32Array | number[]; params?: { ef?: number; nprobe?: number } }, f: StoreFilter): SubSearch {
    const s: SubSearch = { data: Array.from(d.vector), annsField: d.annsField, ...this.scope.filter(f) };
    if (d.params) s.params = { ...d.params } as Record<string, number>;
    return s;
  }

  private hits(hits: WireHit[], outputFields: string[]): StoreHit[] {
    return hits.map((h) => {
      const row = this.scope.fromStored(h.row, outputFields);
      row[F.id] = this.scope.chunkId(h.id);
      return { id: this.scope.chunkId(h.id), score: h.distance, row };
    });
  }
}

function withId(fields: string[]): string[] {
  return fields.includes(F.id) ? fields : [F.id, ...fields];
}

export function transportFor(options: MilvusStoreOptions): MilvusTransport {
  const protocol = options.protocol ?? (/^https?:\/\//i.test(options.uri) ? 'http' : 'grpc');
  return protocol === 'http'
    ? new MilvusHttpTransport({ uri: options.uri, token: options.token, database: options.database, timeoutMs: options.timeoutMs })
    : new MilvusGrpcTransport({ uri: options.uri, token: options.token, database: options.database, timeoutMs: options.timeoutMs });
}
