// A collection composes the pieces: rows are checked (schema/), logged (storage/ via the
// CollectionLog seam), appended to the growing segment, sealed into indexed segments, and
// searched (search/). It holds state and order of operations; the work is done elsewhere.

import type {
  CollectionStats,
  DeleteRequest,
  DeleteResult,
  HybridSearchRequest,
  InsertResult,
  PrimaryKey,
  QueryRequest,
  SearchHit,
  SearchRequest,
  SearchResult,
  UpsertResult,
} from './api';
import { EngineError, ErrorCode, invalid } from './errors';
import { compileFilter } from './expr';
import type { IndexSpec } from './index/types';
import { checkRows } from './schema/checkRows';
import type { CollectionSchema, JsonValue, Row } from './schema/types';
import { allowSet, matchingOffsets } from './search/allowBits';
import { resolveOutputFields, project } from './search/outputFields';
import { fuse, type RankedList } from './search/rankers';
import { resolveSearch } from './search/resolveSearch';
import { orderGroups, searchSegments, type Merged } from './search/vectorSearch';
import type { Segment } from './segment';
import { type IndexEntry, SegmentSet } from './segmentSet';

export type { IndexEntry };
import type { WalOp } from './storage/walRecord';

/**
 * Where mutations go before they are applied: the WAL in a durable store, nowhere in memory.
 * `apply` runs once the operation is durable, in log order, before `append` resolves (wal.ts).
 */
export interface CollectionLog {
  append(op: WalOp, apply: () => void): Promise<void>;
}

export type LoadState = 'LoadStateLoaded' | 'LoadStateNotLoad';

export class Collection {
  private loadState: LoadState = 'LoadStateLoaded';
  private readonly inserting = new Set<PrimaryKey>();

  constructor(
    readonly name: string,
    readonly schema: CollectionSchema,
    readonly segments: SegmentSet,
    private readonly log: CollectionLog,
    readonly createdAt: number,
  ) {}

  get indexes(): IndexEntry[] {
    return this.segments.indexes;
  }

  describe(): { collectionName: string; schema: CollectionSchema; indexes: IndexEntry[]; createdAt: number; loadState: LoadState } {
    return { collectionName: this.name, schema: this.schema, indexes: this.indexes, createdAt: this.createdAt, loadState: this.loadState };
  }

  stats(): CollectionStats {
    return { rowCount: this.segments.liveCount };
  }

  // ---- writes: check, log, apply -------------------------------------------------------

  async insert(data: Row[]): Promise<InsertResult> {
    const checked = checkRows(this.schema, data, () => this.segments.allocateId());
    checked.pks.forEach((pk, i) => {
      if (this.segments.has(pk) || this.inserting.has(pk)) {
        throw invalid(`row ${i}: primary key ${JSON.stringify(pk)} already exists; use upsert to replace it`);
      }
    });
    // Keys of inserts still on their way to disk: a concurrent insert of the same key is refused too.
    for (const pk of checked.pks) this.inserting.add(pk);
    try {
      await this.logged({ type: 'insert', rows: checked.rows, vectors: checked.vectors });
    } finally {
      for (const pk of checked.pks) this.inserting.delete(pk);
    }
    return { insertCount: checked.pks.length, ids: checked.pks };
  }

  async upsert(data: Row[]): Promise<UpsertResult> {
    const checked = checkRows(this.schema, data, () => this.segments.allocateId(), true);
    await this.logged({ type: 'upsert', rows: checked.rows, vectors: checked.vectors });
    return { upsertCount: checked.pks.length, ids: checked.pks };
  }

  /** Logs an operation; it reaches memory when durable, in log order (never before). */
  private logged(op: WalOp): Promise<void> {
    return this.log.append(op, () => this.segments.apply(op));
  }

  async delete(req: DeleteRequest): Promise<DeleteResult> {
    let pks: PrimaryKey[];
    if (req.ids !== undefined) {
      if (!Array.isArray(req.ids)) throw invalid('delete: ids must be an array');
      // The same id twice deletes one row and must count once.
      pks = [...new Set(req.ids)].filter((id) => this.segments.has(id));
    } else if (typeof req.filter === 'string' && req.filter.trim() !== '') {
      const filter = this.compile(req.filter, req.filterParams);
      pks = [];
      for (const seg of this.segments.all()) for (const off of matchingOffsets(seg, filter)) pks.push(seg.pks[off]);
    } else {
      throw invalid('delete: give ids or a non-empty filter');
    }
    if (pks.length > 0) await this.logged({ type: 'delete', pks });
    return { deleteCount: pks.length };
  }

  // ---- reads --------------------------------------------------------------------------

  async get(ids: PrimaryKey[], outputFields?: string[]): Promise<Row[]> {
    return this.query({ ids, outputFields: outputFields ?? ['*'] });
  }

  async query(req: QueryRequest): Promise<Row[]> {
    this.ensureLoaded();
    const outputs = req.outputFields ?? [];
    const counting = outputs.length === 1 && outputs[0].toLowerCase() === 'count(*)';
    const filter = req.filter && req.filter.trim() !== '' ? this.compile(req.filter, req.filterParams) : undefined;
    const offset = nonNegativeInt(req.offset ?? 0, 'offset');
    const limit = req.limit === undefined ? undefined : nonNegativeInt(req.limit, 'limit');
    if (!counting && !filter && req.ids === undefined && limit === undefined) {
      throw invalid('query: give a filter, ids, or a limit (an empty filter with no limit would return everything)');
    }
    const projection = counting ? undefined : resolveOutputFields(this.schema, outputs.length ? outputs : ['*']);
    const hits: Array<[Segment, number]> = [];
    if (req.ids !== undefined) {
      for (const id of req.ids) {
        const loc = this.segments.locate(id);
        if (loc && (!filter || filter(loc[0].rows[loc[1]]))) hits.push(loc);
      }
    } else {
      const end = limit === undefined ? Infinity : offset + limit;
      outer: for (const seg of this.segments.all()) {
        for (const off of matchingOffsets(seg, filter)) {
          hits.push([seg, off]);
          if (!counting && hits.length >= end) break outer;
        }
      }
    }
    if (counting) return [{ 'count(*)': hits.length }];
    const page = hits.slice(offset, limit === undefined ? undefined : offset + limit);
    return page.map(([seg, off]) => project(projection!, seg, off));
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.ensureLoaded();
    const r = resolveSearch(this.schema, this.indexes, req);
    const filter = req.filter && req.filter.trim() !== '' ? this.compile(req.filter, req.filterParams) : undefined;
    const projection = resolveOutputFields(this.schema, req.outputFields);
    const segs = this.segments.all();
    const allows = segs.map((s) => allowSet(s, filter));
    return r.queries.map((query) => {
      let merged = searchSegments(segs, allows, { ...r.base, query });
      if (r.base.groupBy) {
        merged = dropGroups(orderGroups(merged, r.base.groupBy.field), r.base.groupBy.field, r.base.offset);
      } else {
        merged = merged.slice(r.base.offset);
      }
      return merged.map((m) => this.hit(m, projection));
    });
  }

  async hybridSearch(req: HybridSearchRequest): Promise<SearchHit[]> {
    this.ensureLoaded();
    if (!Array.isArray(req.searches) || req.searches.length === 0) throw invalid('hybrid search: give at least one search');
    const limit = nonNegativeInt(req.limit, 'limit');
    const offset = nonNegativeInt(req.offset ?? 0, 'offset');
    const lists: RankedList[] = [];
    for (const [i, sub] of req.searches.entries()) {
      if (!Array.isArray(sub.data) || sub.data.length !== 1) throw invalid(`hybrid search: search ${i} must have exactly one query`);
      const r = resolveSearch(this.schema, this.indexes, { ...sub, limit: sub.limit ?? limit });
      const [hits] = await this.search({ ...sub, limit: sub.limit ?? limit, outputFields: [] });
      lists.push({ hits, metric: r.base.metric });
    }
    const fused = fuse(lists, req.rerank).slice(offset, offset + limit);
    const projection = resolveOutputFields(this.schema, req.outputFields);
    return fused.map((h) => {
      const loc = this.segments.locate(h.id) as [Segment, number];
      return { id: h.id, distance: h.distance, entity: project(projection, loc[0], loc[1]) };
    });
  }

  // ---- indexes, flush, compaction -----------------------------------------------------

  async createIndex(fieldName: string, spec: IndexSpec, indexName?: string): Promise<void> {
    await this.segments.createIndex(fieldName, spec, indexName);
  }

  async dropIndex(name: string): Promise<void> {
    await this.segments.dropIndex(name);
  }

  listIndexes(): IndexEntry[] {
    return this.indexes;
  }

  describeIndex(name: string): IndexEntry & { indexedRows: number; totalRows: number; state: 'Finished' | 'InProgress' } {
    const entry = this.indexes.find((e) => e.indexName === name || e.fieldName === name);
    if (!entry) throw new EngineError(ErrorCode.IndexNotFound, `index "${name}" not found in collection "${this.name}"`);
    const { indexed, total } = this.segments.indexProgress(entry.fieldName);
    return { ...entry, indexedRows: indexed, totalRows: total, state: indexed >= total ? 'Finished' : 'InProgress' };
  }

  async flush(): Promise<void> {
    await this.segments.flush();
  }

  async compact(): Promise<void> {
    await this.segments.compact();
  }

  load(): void {
    this.loadState = 'LoadStateLoaded';
  }

  release(): void {
    this.loadState = 'LoadStateNotLoad';
  }

  getLoadState(): LoadState {
    return this.loadState;
  }

  // ---- helpers ------------------------------------------------------------------------

  private compile(text: string, params?: Record<string, JsonValue>): (row: Row) => boolean {
    if (typeof text !== 'string') throw invalid('filter must be a string');
    return compileFilter(text, this.schema, params);
  }

  private ensureLoaded(): void {
    if (this.loadState !== 'LoadStateLoaded') {
      throw new EngineError(ErrorCode.InvalidParameter, `collection "${this.name}" is released; load it before searching`);
    }
  }

  private hit(m: Merged, projection: ReturnType<typeof resolveOutputFields>): SearchHit {
    return { id: m.seg.pks[m.offset], distance: m.distance, entity: project(projection, m.seg, m.offset) };
  }
}

function nonNegativeInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Skips the first `skip` groups of an ordered, grouped hit list. */
function dropGroups(merged: Merged[], field: string, skip: number): Merged[] {
  if (skip === 0) return merged;
  const seen = new Set<string>();
  return merged.filter((m) => {
    const key = JSON.stringify(m.seg.rows[m.offset][field] ?? null);
    seen.add(key);
    return seen.size > skip;
  });
}
