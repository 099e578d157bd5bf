// The engine's request and result shapes, in Milvus's words (camelCase as in its REST v2 API and
// Node SDK). The REST front door translates wire JSON to these; the server and CLI call them.

import type { CompiledFilter } from './expr';
import type { JsonValue, Row } from './schema/types';
import type { MetricType, SearchParams } from './index/types';

/** An Int64 key beyond 2^53 is a bigint (schema/int64.ts). */
export type PrimaryKey = number | bigint | string;

export interface InsertResult {
  insertCount: number;
  ids: PrimaryKey[];
}

export interface UpsertResult {
  upsertCount: number;
  ids: PrimaryKey[];
}

export interface DeleteRequest {
  ids?: PrimaryKey[];
  /** Only rows in these partitions (all when absent). */
  partitionNames?: string[];
  filter?: string;
  /** Values for `{name}` placeholders in the filter (Milvus filter templating). */
  filterParams?: Record<string, JsonValue>;
}

export interface DeleteResult {
  deleteCount: number;
}

export interface QueryRequest {
  filter?: string;
  /** Only rows in these partitions (every loaded partition when absent). */
  partitionNames?: string[];
  filterParams?: Record<string, JsonValue>;
  /** A filter compiled once for several requests (Collection.compileFilter); ANDed with `filter`. */
  compiledFilter?: CompiledFilter;
  ids?: PrimaryKey[];
  /** Fields to return; the primary key is always returned. `['count(*)']` counts instead. */
  outputFields?: string[];
  limit?: number;
  offset?: number;
}

/** Search-time parameters, including range search (Milvus: radius and range_filter). */
export interface SearchTimeParams extends SearchParams {
  /** Outer bound of a range search: L2 keeps distance < radius; IP/COSINE keep score > radius. */
  radius?: number;
  /** Inner bound: L2 keeps distance >= range_filter; IP/COSINE keep score <= range_filter. */
  rangeFilter?: number;
}

export interface SearchRequest {
  /** One or many query vectors; for a BM25 sparse field, raw query text. */
  /** Dense vectors, BM25 query text, or sparse vectors (index → weight) for a user sparse field. */
  data: Array<Float32Array | number[] | string | Record<number, number>>;
  /**
   * Search by primary keys (Milvus's `ids`): the stored vectors of these rows, in this order,
   * are the queries; `data` is then empty.
   */
  ids?: PrimaryKey[];
  /** The vector field to search; may be omitted when the collection has exactly one. */
  annsField?: string;
  limit: number;
  offset?: number;
  filter?: string;
  filterParams?: Record<string, JsonValue>;
  /** A filter compiled once for several requests (Collection.compileFilter); ANDed with `filter`. */
  compiledFilter?: CompiledFilter;
  /** Only rows in these partitions (every loaded partition when absent). */
  partitionNames?: string[];
  outputFields?: string[];
  /** If given, must match the index's metric (Milvus checks this). */
  metricType?: MetricType;
  params?: SearchTimeParams;
  /** Group results by this scalar field: at most `groupSize` hits per distinct value. */
  groupByField?: string;
  groupSize?: number;
}

export interface SearchHit {
  id: PrimaryKey;
  /** Milvus-convention distance: L2 squared distance (smaller better); IP/COSINE/BM25 score (larger better). */
  distance: number;
  /** The requested output fields (the primary key included). */
  entity: Row;
}

/** One list of hits per query vector, best first. */
export type SearchResult = SearchHit[][];

export type Ranker =
  | { strategy: 'rrf'; params?: { k?: number } }
  | { strategy: 'weighted'; params: { weights: number[]; normScore?: boolean } };

export interface HybridSearchRequest {
  /** One sub-search per vector field; each may carry its own filter and params. */
  searches: Array<Omit<SearchRequest, 'outputFields' | 'groupByField' | 'groupSize' | 'offset'>>;
  rerank: Ranker;
  limit: number;
  offset?: number;
  outputFields?: string[];
}

export interface CollectionStats {
  rowCount: number;
}
