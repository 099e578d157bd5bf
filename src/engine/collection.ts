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
import { compileFilter, type CompiledFilter } from './expr';
import type { IndexSpec } from './index/types';
import { checkRows } from './schema/checkRows';
import { type CollectionSchema, type JsonValue, type Row, DEFAULT_PARTITION, PARTITION_KEY } from './schema/types';
import { validateSchema } from './schema/validateSchema';
import { Partitions, both, partitionOf } from './partitions';
import { allowSet, matchingOffsets } from './search/allowBits';
import { resolveOutputFields, project } from './search/outputFields';
import { fuse, type RankedList } from './search/rankers';
import { resolveSearch } from './search/resolveSearch';
import { queriesByIds, storedVectorField } from './search/queriesByIds';
import { orderGroups, searchSegments, type Merged } from './search/vectorSearch';
import type { Segment } from './segment';
import { type IndexEntry, SegmentSet } from './segmentSet';
import type { ScalarIndexSchema } from './schema/scalarIndex';

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
  readonly partitions: Partitions;

  constructor(
    readonly name: string,
    readonly schema: CollectionSchema,
    readonly segments: SegmentSet,
    private readonly log: CollectionLog,
    readonly createdAt: number,
  ) {
    this.partitions = new Partitions(schema, name);
  }

  get indexes(): IndexEntry[] {
    return this.segments.indexes;
  }

  describe(): { collectionName: string; schema: CollectionSchema; indexes: IndexEntry[]; createdAt: number; loadState: LoadState } {
    return { collectionName: this.name, schema: this.schema, indexes: this.indexes, createdAt: this.createdAt, loadState: this.loadState };
  }

  stats(): CollectionStats {
    return { rowCount: this.segments.liveCount };
  }

  /** Live rows in one partition. */
  partitionStats(name: string): CollectionStats {
    this.partitions.check(name);
    return { rowCount: this.rowsWhere((r) => partitionOf(r) === name).length };
  }

  // ---- schema changes: a new field, properties, partitions -----------------------------

  /**
   * Applies `change` to a copy of the schema, checks the result as at create time, then makes it
   * the schema and writes the manifest before resolving; a rejected change alters nothing.
   */
  async alterSchema(change: (draft: CollectionSchema) => void): Promise<void> {
    const draft = structuredClone(this.schema);
    change(draft);
    const checked = validateSchema(draft);
    // Update in place: the segments, the manifest and the partitions share this object.
    for (const f of checked.fields) {
      const existing = this.schema.fields.find((e) => e.name === f.name);
      if (existing) Object.assign(existing, f);
      else this.schema.fields.push(f);
    }
    this.schema.description = checked.description;
    this.schema.properties = checked.properties;
    this.schema.indexProperties = checked.indexProperties;
    this.schema.scalarIndexes = checked.scalarIndexes;
    this.schema.partitions = checked.partitions;
    await this.segments.checkpointNow();
  }

  async createPartition(name: string): Promise<void> {
    const next = this.partitions.withNew(name);
    await this.alterSchema((d) => void (d.partitions = next));
  }

  /** Deletes the partition's rows (through the log), then forgets the partition. */
  async dropPartition(name: string): Promise<void> {
    const next = this.partitions.withoutOne(name);
    const pks = this.rowsWhere((r) => partitionOf(r) === name).map(([seg, off]) => seg.pks[off]);
    if (pks.length > 0) await this.logged({ type: 'delete', pks });
    await this.alterSchema((d) => void (d.partitions = next));
    this.partitions.forget(name);
  }

  // ---- writes: check, log, apply -------------------------------------------------------

  async insert(data: Row[], partitionName?: string): Promise<InsertResult> {
    const partition = this.targetPartition(partitionName);
    const checked = checkRows(this.schema, data, () => this.segments.allocateId());
    tagRows(checked.rows, partition);
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

  async upsert(data: Row[], partitionName?: string): Promise<UpsertResult> {
    const partition = this.targetPartition(partitionName);
    const checked = checkRows(this.schema, data, () => this.segments.allocateId(), true);
    tagRows(checked.rows, partition);
    await this.logged({ type: 'upsert', rows: checked.rows, vectors: checked.vectors });
    return { upsertCount: checked.pks.length, ids: checked.pks };
  }

  /** Logs an operation; it reaches memory when durable, in log order (never before). */
  private logged(op: WalOp): Promise<void> {
    return this.log.append(op, () => this.segments.apply(op));
  }

  async delete(req: DeleteRequest): Promise<DeleteResult> {
    let pks: PrimaryKey[];
    const scope = this.partitions.writeScope(req.partitionNames);
    if (req.ids !== undefined) {
      if (!Array.isArray(req.ids)) throw invalid('delete: ids must be an array');
      // The same id twice deletes one row and must count once.
      pks = [...new Set(req.ids)].filter((id) => {
        const loc = this.segments.locate(id);
        return loc !== undefined && (!scope || scope(loc[0].rows[loc[1]]));
      });
    } else if (typeof req.filter === 'string' && req.filter.trim() !== '') {
      const filter = both(this.compile(req.filter, req.filterParams), scope) as (row: Row) => boolean;
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
    const scope = this.partitions.readScope(req.partitionNames, 'query');
    const given = both(req.filter && req.filter.trim() !== '' ? this.compile(req.filter, req.filterParams) : undefined, req.compiledFilter);
    const filter = both(given, scope);
    const offset = nonNegativeInt(req.offset ?? 0, 'offset');
    const limit = req.limit === undefined ? undefined : nonNegativeInt(req.limit, 'limit');
    if (!counting && !given && req.ids === undefined && limit === undefined) {
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
      for (const seg of this.segments.all()) for (const off of matchingOffsets(seg, filter)) hits.push([seg, off]);
      // With a limit, Milvus pages through matches in primary-key order (its query iterator
      // relies on it: `pk > last` then the next `limit`); so does Loupe.
      if (!counting && limit !== undefined) hits.sort(([sa, oa], [sb, ob]) => comparePks(sa.pks[oa], sb.pks[ob]));
    }
    if (counting) return [{ 'count(*)': hits.length }];
    const page = hits.slice(offset, limit === undefined ? undefined : offset + limit);
    return page.map(([seg, off]) => project(projection!, seg, off));
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.ensureLoaded();
    if (req.ids !== undefined) req = { ...req, data: await this.storedQueries(req, req.ids) };
    const r = resolveSearch(this.schema, this.indexes, req);
    const scope = this.partitions.readScope(req.partitionNames, 'search');
    const given = both(req.filter && req.filter.trim() !== '' ? this.compile(req.filter, req.filterParams) : undefined, req.compiledFilter);
    const filter = both(given, scope);
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

  /** The stored vectors a search by primary keys uses as its queries. */
  private async storedQueries(req: SearchRequest, ids: PrimaryKey[]): Promise<SearchRequest['data']> {
    const field = storedVectorField(this.schema, req.annsField);
    const pk = this.schema.fields.find((f) => f.isPrimary)!.name;
    return queriesByIds(req, ids, field, pk, await this.get(ids, [field.name]));
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

  /** Declares a scalar index (schema/scalarIndex.ts); its name may not be a vector index's. */
  async createScalarIndex(ix: ScalarIndexSchema): Promise<void> {
    if (this.indexes.some((e) => e.indexName === ix.indexName)) throw invalid(`index "${ix.indexName}" already exists in collection "${this.name}"`);
    const existing = this.schema.scalarIndexes?.find((e) => e.indexName === ix.indexName || e.fieldName === ix.fieldName);
    if (existing) {
      // Milvus answers a repeated identical create with success.
      if (existing.indexName === ix.indexName && existing.fieldName === ix.fieldName && existing.indexType === ix.indexType) return;
      throw invalid(`field "${ix.fieldName}" already has index "${existing.indexName}"; drop it first`);
    }
    await this.alterSchema((d) => void (d.scalarIndexes = [...(d.scalarIndexes ?? []), ix]));
  }

  async dropIndex(name: string): Promise<void> {
    const scalar = this.schema.scalarIndexes?.find((e) => e.indexName === name || e.fieldName === name);
    if (scalar) {
      await this.alterSchema((d) => void (d.scalarIndexes = (d.scalarIndexes ?? []).filter((e) => e.indexName !== scalar.indexName)));
      return;
    }
    await this.segments.dropIndex(name);
  }

  /** Vector indexes, then declared scalar ones. */
  listIndexes(): DescribedIndex[] {
    return [...this.indexes, ...(this.schema.scalarIndexes ?? []).map(scalarEntry)];
  }

  describeIndex(name: string): DescribedIndex & { indexedRows: number; totalRows: number; state: 'Finished' | 'InProgress' } {
    const scalar = this.schema.scalarIndexes?.find((e) => e.indexName === name || e.fieldName === name);
    if (scalar && !this.indexes.some((e) => e.indexName === name)) {
      // Nothing to build: a scalar index covers every row as soon as it is declared.
      const rows = this.segments.liveCount;
      return { ...scalarEntry(scalar), indexedRows: rows, totalRows: rows, state: 'Finished' };
    }
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
    this.partitions.loadAll();
  }

  release(): void {
    this.loadState = 'LoadStateNotLoad';
  }

  getLoadState(): LoadState {
    return this.loadState;
  }

  // ---- helpers ------------------------------------------------------------------------

  private rowsWhere(pred: (row: Row) => boolean): Array<[Segment, number]> {
    const out: Array<[Segment, number]> = [];
    for (const seg of this.segments.all()) for (const off of matchingOffsets(seg, pred)) out.push([seg, off]);
    return out;
  }

  private targetPartition(name: string | undefined): string {
    return name === undefined || name === '' ? DEFAULT_PARTITION : this.partitions.check(name);
  }

  /**
   * A filter checked against this collection's schema and compiled, to pass as `compiledFilter`
   * to several searches and queries (one request's sub-searches) instead of compiling its text
   * in each.
   */
  compileFilter(text: string, params?: Record<string, JsonValue>): CompiledFilter {
    if (typeof text !== 'string') throw invalid('filter must be a string');
    return compileFilter(text, this.schema, params);
  }

  private compile(text: string, params?: Record<string, JsonValue>): (row: Row) => boolean {
    return this.compileFilter(text, params);
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

/** Rows of a partition other than _default carry its name (see partitions.ts). */
function tagRows(rows: Row[], partition: string): void {
  if (partition !== DEFAULT_PARTITION) for (const r of rows) r[PARTITION_KEY] = partition;
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
    const v = m.seg.rows[m.offset][field] ?? null;
    const key = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
    seen.add(key);
    return seen.size > skip;
  });
}

/** An index as listed and described: a vector index, or a declared scalar one (no metric). */
export interface DescribedIndex {
  fieldName: string;
  indexName: string;
  spec: { indexType: string; metricType: string; params: object };
}

function scalarEntry(ix: ScalarIndexSchema): DescribedIndex {
  return { fieldName: ix.fieldName, indexName: ix.indexName, spec: { indexType: ix.indexType, metricType: '', params: ix.params } };
}

/** Primary-key order: numbers and bigints by value, strings by code unit (as Milvus orders VarChar keys). */
function comparePks(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
