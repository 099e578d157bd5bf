// What MilvusStore needs from a Milvus front door, in neutral words. Two implementations:
// milvusHttp.ts (REST v2, SDK HttpClient) and milvusGrpc.ts (SDK MilvusClient). Each turns
// failures into StoreUnavailableError / StoreAuthError / StoreRequestError.

import type { JsonValue, Row } from '../../engine/schema/types';
import type { MilvusCollectionPlan } from './milvusSchema';
import type { StoredField } from './schemaCheck';

/** Loupe reads its own writes (a file indexed, then searched); Milvus's default is Bounded. */
export const CONSISTENCY = 'Strong';

export interface ScopedFilter {
  filter: string;
  filterParams: Record<string, JsonValue>;
}

export interface SubSearch extends ScopedFilter {
  /** A dense vector, or raw text for the BM25 field. */
  data: number[] | string;
  annsField: string;
  /** Search-time params (ef, nprobe). */
  params?: Record<string, number>;
}

export interface WireHit {
  /** The stored primary key. */
  id: unknown;
  distance: number;
  row: Row;
}

export interface MilvusTransport {
  /** For messages: "milvus http://host:19530 (db default)". */
  readonly where: string;
  /** The collection's fields, or undefined when it does not exist. */
  describe(collection: string): Promise<StoredField[] | undefined>;
  create(plan: MilvusCollectionPlan): Promise<void>;
  upsert(collection: string, rows: Row[]): Promise<number>;
  delete(collection: string, filter: ScopedFilter): Promise<number>;
  /** limit 0: none (a `count(*)` query takes no limit). */
  query(collection: string, filter: ScopedFilter, outputFields: string[], limit: number): Promise<Row[]>;
  search(collection: string, search: SubSearch, limit: number, outputFields: string[]): Promise<WireHit[]>;
  /** Sub-searches fused by RRF with constant k. */
  hybrid(collection: string, searches: SubSearch[], k: number, limit: number, outputFields: string[]): Promise<WireHit[]>;
  flush(collection: string): Promise<void>;
  drop(collection: string): Promise<void>;
  close(): Promise<void>;
}
