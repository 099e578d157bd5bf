// The seam between Loupe's indexer/search and where the chunks live: the embedded engine in this
// process (EmbeddedStore) or a Milvus server (MilvusStore). Both store Loupe's one chunk schema
// (server/indexer/chunkSchema.ts) and answer in one shape, so callers never know which it is.
//
// A store is bound to one workspace (e.g. "github.com/acme/app@main" or a folder path). Rows
// of other workspaces in the same collection are invisible to it and never touched by it.

import type { JsonValue, Row } from '../../engine/schema/types';
import type { ChunkModels, ChunkRow } from '../indexer/chunkSchema';

/** How dense vector fields are indexed; the metric is COSINE (embeddings are unit length). */
export type DenseIndex =
  | { indexType: 'HNSW'; M?: number; efConstruction?: number }
  | { indexType: 'IVF_FLAT'; nlist?: number };

export interface EnsureCollectionOptions {
  /** Default HNSW (M 16, efConstruction 200), as chunkIndexes() gives the embedded engine. */
  denseIndex?: DenseIndex;
}

export interface EnsureCollectionResult {
  /** True when this call created the collection; false when a matching one was there. */
  created: boolean;
  collection: string;
}

/** A filter in Milvus's expression language, with values for its `{name}` placeholders. */
export interface StoreFilter {
  filter?: string;
  filterParams?: Record<string, JsonValue>;
  /** A filter made ready once for one request's several calls (VectorStore.prepareFilter); ANDed with `filter`. */
  prepared?: PreparedFilter;
}

/**
 * A filter prepared for the several store calls of one request (a search's BM25, dense and name
 * look-ups): the embedded store checks and compiles it once, with the workspace scope; a Milvus
 * server is sent its text with each call. The store that made it is the one to pass it to.
 */
export interface PreparedFilter {
  readonly filter: string;
  readonly filterParams: Readonly<Record<string, JsonValue>>;
}

export interface StoreDelete extends StoreFilter {
  /** Chunk ids (as in ChunkRow.id); combined with the filter by AND when both are given. */
  ids?: string[];
}

export interface StoreQuery extends StoreFilter {
  outputFields?: string[];
  /** Default 1,000; Milvus caps a query at 16,384. */
  limit?: number;
}

interface SearchCommon extends StoreFilter {
  limit: number;
  outputFields?: string[];
}

/** Search-time knobs for the dense index: HNSW `ef`, IVF `nprobe` (Milvus names). */
export interface DenseSearchParams {
  ef?: number;
  nprobe?: number;
}

export interface StoreSearch extends SearchCommon {
  /** A dense vector field: 'text_vector' or 'image_vector'. */
  annsField: string;
  vector: Float32Array | number[];
  params?: DenseSearchParams;
}

/** BM25 over the chunk text: the server tokenizes `text` with the field's analyzer. */
export interface StoreTextSearch extends SearchCommon {
  text: string;
}

/** Dense and BM25 searches fused by Reciprocal Rank Fusion (score = Σ 1 / (k + rank)). */
export interface StoreHybridSearch extends SearchCommon {
  dense: Array<{ annsField: string; vector: Float32Array | number[]; params?: DenseSearchParams }>;
  text?: string;
  /** RRF smoothing constant; default 60 (as Milvus and the RRF paper). */
  k?: number;
}

/** One result, the same from every backend. */
export interface StoreHit {
  /** The chunk id as the indexer wrote it (ChunkRow.id). */
  id: string;
  /** Larger is better: COSINE similarity, BM25 score, or RRF score. */
  score: number;
  /** The requested output fields (and `id`). */
  row: Row;
}

export interface VectorStore {
  /** Where the rows live, for messages and status ("embedded /path", "milvus http://..."). */
  readonly description: string;
  readonly workspace: string;
  /** Creates the chunk collection for these models, or checks an existing one (StoreSchemaError if it differs). */
  ensureCollection(models: ChunkModels, options?: EnsureCollectionOptions): Promise<EnsureCollectionResult>;
  /** The models the stored collection was built with (from its vector fields), or undefined when there is none. */
  storedModels(): Promise<ChunkModels | undefined>;
  /** Inserts or replaces rows by chunk id, in this workspace only. Returns the count written. */
  upsert(rows: ChunkRow[]): Promise<number>;
  /** Deletes this workspace's rows that match; returns how many. A delete with neither ids nor filter is refused. */
  delete(req: StoreDelete): Promise<number>;
  /** Checks (embedded: compiles) a filter once for several calls; a bad filter throws StoreRequestError. */
  prepareFilter(filter: StoreFilter): PreparedFilter;
  query(req: StoreQuery): Promise<Row[]>;
  search(req: StoreSearch): Promise<StoreHit[]>;
  textSearch(req: StoreTextSearch): Promise<StoreHit[]>;
  hybridSearch(req: StoreHybridSearch): Promise<StoreHit[]>;
  /** Makes written rows durable (embedded: segment files; Milvus: sealed segments). */
  flush(): Promise<void>;
  /** Rows of this workspace (matching the filter, if given). */
  count(filter?: StoreFilter): Promise<number>;
  /** Drops the whole collection, every workspace's rows (to rebuild after a model change). */
  dropCollection(): Promise<void>;
  close(): Promise<void>;
}

export type { ChunkModels, ChunkRow };
