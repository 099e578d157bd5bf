// The VectorStore over the embedded engine, in this process: a Database directory and one
// collection in it. Calls go straight to Collection; only the workspace scoping, the result
// shape and prepared filters (compiled once per request, passed to the engine as compiledFilter)
// are added here.

import type { HybridSearchRequest, SearchHit } from '../../engine/api';
import type { Collection } from '../../engine/collection';
import type { Database } from '../../engine/database';
import { EngineError } from '../../engine/errors';
import type { CompiledFilter } from '../../engine/expr';
import type { JsonValue, Row } from '../../engine/schema/types';
import { CHUNK_COLLECTION, type ChunkModels, type ChunkRow, F, modelsOfSchema } from '../indexer/chunkSchema';
import { defaultOutputFields, denseIndexes, storeSchema } from './chunkCollection';
import { schemaDifference } from './schemaCheck';
import { StoreError, StoreRequestError, StoreSchemaError } from './storeErrors';
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

export interface EmbeddedStoreOptions {
  workspace: string;
  /** Default 'loupe_chunks'. */
  collectionName?: string;
  /** Close the database with the store (default false: the caller owns it). */
  ownsDatabase?: boolean;
  /** The database holds this workspace only (its own data directory): reads skip the workspace clause. */
  privateCollection?: boolean;
}

const DEFAULT_QUERY_LIMIT = 1000;

/** A request's filter as the engine takes it: text to compile, and/or a predicate compiled before. */
interface EngineFilter {
  filter?: string;
  filterParams?: Record<string, JsonValue>;
  compiledFilter?: CompiledFilter;
}

export class EmbeddedStore implements VectorStore {
  readonly description: string;
  readonly workspace: string;
  private readonly scope: WorkspaceScope;
  private readonly name: string;
  /** The filters this store prepared, compiled with the workspace clause (null: every row); gone with the request. */
  private readonly compiled = new WeakMap<PreparedFilter, CompiledFilter | null>();

  constructor(
    private readonly db: Database,
    private readonly options: EmbeddedStoreOptions,
  ) {
    this.scope = new WorkspaceScope(options.workspace, !options.privateCollection);
    this.workspace = options.workspace;
    this.name = options.collectionName ?? CHUNK_COLLECTION;
    this.description = `embedded ${db.dir ?? '(memory)'}`;
  }

  /**
   * The engine filter for a read: a filter this store prepared goes as its compiled predicate
   * (its text and the workspace clause are in it), only the request's own `filter` is compiled
   * anew; anything else is the scope's text. An empty one (a private collection, no filter asked)
   * is left out.
   */
  private where(req: StoreFilter = {}): EngineFilter {
    const compiled = req.prepared ? this.compiled.get(req.prepared) : undefined;
    if (compiled === undefined) return this.whereText(req);
    const rest = this.scope.filter({ ...(req.filter ? { filter: req.filter } : {}), ...(req.filterParams ? { filterParams: req.filterParams } : {}) }, false);
    return { ...(rest.filter ? rest : {}), ...(compiled ? { compiledFilter: compiled } : {}) };
  }

  /** The scope's filter as text (deletes always go this way). */
  private whereText(req?: StoreFilter & Pick<StoreDelete, 'ids'>): { filter?: string; filterParams?: Record<string, JsonValue> } {
    const scoped = this.scope.filter(req);
    return scoped.filter ? scoped : {};
  }

  prepareFilter(req: StoreFilter): PreparedFilter {
    const text = this.scope.filter(req, false);
    const prepared: PreparedFilter = Object.freeze({ filter: text.filter, filterParams: Object.freeze(text.filterParams) });
    const scoped = this.options.privateCollection ? text : this.scope.filter({ filter: prepared.filter, filterParams: text.filterParams });
    const compiled = scoped.filter ? this.engineCall(() => this.collection().compileFilter(scoped.filter, scoped.filterParams)) : null;
    this.compiled.set(prepared, compiled);
    return prepared;
  }

  async ensureCollection(models: ChunkModels, options: EnsureCollectionOptions = {}): Promise<EnsureCollectionResult> {
    const expected = storeSchema(models);
    if (this.db.hasCollection(this.name)) {
      const stored = this.db.collection(this.name).schema.fields.map((f) => ({ name: f.name, dataType: f.dataType, dim: f.dim, description: f.description }));
      const diff = schemaDifference(expected, stored);
      if (diff) throw new StoreSchemaError(this.description, this.name, diff.field, diff.message);
      return { created: false, collection: this.name };
    }
    await this.call(() => this.db.createCollection(this.name, expected, { indexes: denseIndexes(models, options.denseIndex) }));
    return { created: true, collection: this.name };
  }

  async storedModels(): Promise<ChunkModels | undefined> {
    return this.db.hasCollection(this.name) ? modelsOfSchema(this.db.collection(this.name).schema) : undefined;
  }

  async upsert(rows: ChunkRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.call(() => this.collection().upsert(rows.map((row) => this.scope.toStored(row))));
    return r.upsertCount;
  }

  async delete(req: StoreDelete): Promise<number> {
    if (!req.ids && !req.filter?.trim()) throw new StoreRequestError(this.description, 0, 'delete needs ids or a filter (refusing to delete a whole workspace by accident)');
    if (req.ids?.length === 0) return 0;
    const r = await this.call(() => this.collection().delete(this.whereText(req)));
    return r.deleteCount;
  }

  async query(req: StoreQuery): Promise<Row[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const rows = await this.call(() => this.collection().query({ ...this.where(req), outputFields, limit: req.limit ?? DEFAULT_QUERY_LIMIT }));
    return rows.map((r) => this.scope.fromStored(r, outputFields));
  }

  async search(req: StoreSearch): Promise<StoreHit[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const res = await this.call(() =>
      this.collection().search({ data: [req.vector], annsField: req.annsField, limit: req.limit, outputFields, ...this.where(req), ...(req.params ? { params: req.params } : {}) }),
    );
    return this.hits(res[0] ?? [], outputFields);
  }

  async textSearch(req: StoreTextSearch): Promise<StoreHit[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const res = await this.call(() => this.collection().search({ data: [req.text], annsField: F.sparse, limit: req.limit, outputFields, ...this.where(req) }));
    return this.hits(res[0] ?? [], outputFields);
  }

  async hybridSearch(req: StoreHybridSearch): Promise<StoreHit[]> {
    const outputFields = defaultOutputFields(req.outputFields);
    const scoped = this.where(req);
    const searches: HybridSearchRequest['searches'] = req.dense.map((d) => ({ data: [d.vector], annsField: d.annsField, limit: req.limit, ...scoped, ...(d.params ? { params: d.params } : {}) }));
    if (req.text !== undefined) searches.push({ data: [req.text], annsField: F.sparse, limit: req.limit, ...scoped });
    if (searches.length === 0) throw new StoreRequestError(this.description, 0, 'hybrid search needs at least one dense vector or a text');
    const hits = await this.call(() => this.collection().hybridSearch({ searches, rerank: { strategy: 'rrf', params: { k: req.k ?? 60 } }, limit: req.limit, outputFields }));
    return this.hits(hits, outputFields);
  }

  async flush(): Promise<void> {
    await this.call(() => this.collection().flush());
  }

  async count(filter: StoreFilter = {}): Promise<number> {
    const rows = await this.call(() => this.collection().query({ ...this.where(filter), outputFields: ['count(*)'] }));
    return Number(rows[0]?.['count(*)'] ?? 0);
  }

  async dropCollection(): Promise<void> {
    if (this.db.hasCollection(this.name)) await this.call(() => this.db.dropCollection(this.name));
  }

  async close(): Promise<void> {
    if (this.options.ownsDatabase) await this.db.close();
  }

  private collection(): Collection {
    if (!this.db.hasCollection(this.name)) throw new StoreError(this.description, `collection "${this.name}" does not exist; call ensureCollection first`);
    return this.db.collection(this.name);
  }

  private hits(hits: SearchHit[], outputFields: string[]): StoreHit[] {
    return hits.map((h) => ({ id: this.scope.chunkId(h.id), score: h.distance, row: this.scope.fromStored(h.entity, outputFields) }));
  }

  /** Engine errors (bad filter, bad row) become StoreRequestError naming the store. */
  private async call<T>(fn: () => Promise<T> | T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.storeError(err);
    }
  }

  private engineCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.storeError(err);
    }
  }

  private storeError(err: unknown): unknown {
    return err instanceof EngineError ? new StoreRequestError(this.description, err.code, err.message, { cause: err }) : err;
  }
}
