// The rows of a collection: one growing segment that takes writes and the sealed segments behind
// it, a primary-key map over all of them, and the index specs per vector field. Mutations arrive
// here as WAL operations (after they are logged), so replay after a crash takes the same path.

import { checkMetricFor } from './schema/denseVector';
import type { PrimaryKey } from './api';
import { EngineError, ErrorCode, invalid } from './errors';
import { Bm25Index } from './index/bm25';
import { createIndex } from './index/factory';
import { DEFAULT_WORKER_BUILD_ROWS, buildInWorker, buildInline } from './index/indexBuilder';
import type { IndexSpec, IndexType, VectorIndex } from './index/types';
import type { CheckedRows } from './schema/checkRows';
import { type CollectionSchema, isDenseVectorType } from './schema/types';
import { Segment } from './segment';
import { crashPoint } from './storage/crashPoint';
import type { WalOp } from './storage/walRecord';

export interface IndexEntry {
  fieldName: string;
  indexName: string;
  spec: IndexSpec;
}

export interface SegmentSetOptions {
  /** Seal the growing segment once its vectors take this many bytes (auto-flush by size). */
  sealBytes?: number;
  /** Compaction merges sealed segments smaller than this many rows. */
  smallSegmentRows?: number;
  /** Segments with at least this many rows get their indexes built in a worker thread (default 2,048: a bigger build would hold the event loop too long). */
  workerBuildRows?: number;
  /** Compact by itself after a flush when a segment is > 20% deleted or > 8 segments are small (default true). */
  autoCompact?: boolean;
  /** Called when background work (automatic compaction) fails; the data stays as it was. */
  onWarning?: (message: string) => void;
}

/** Milvus's AUTOINDEX lets the engine choose; ours is HNSW. */
export function normalizeSpec(spec: IndexSpec): IndexSpec {
  return { ...spec, indexType: ((spec.indexType as string) === 'AUTOINDEX' ? 'HNSW' : spec.indexType) as IndexType };
}

const DEFAULT_SEAL_BYTES = 64 * 1024 * 1024;
const DEFAULT_SMALL_ROWS = 4096;
/** Automatic compaction thresholds (Milvus compacts at 20% deleted too). */
const AUTO_DELETED_RATIO = 0.2;
const AUTO_SMALL_SEGMENTS = 8;
/** Compaction yields to the event loop after copying this many rows. */
const COMPACT_CHUNK_ROWS = 4096;

export class SegmentSet {
  readonly sealed: Segment[] = [];
  growing: Segment;
  indexes: IndexEntry[] = [];
  nextAutoId = 1;
  nextSegmentId = 1;
  private readonly pkMap = new Map<PrimaryKey, [Segment, number]>();
  private readonly pkField: string;
  private readonly bytesPerRow: number;
  private building: Promise<void> = Promise.resolve();
  private compacting: Promise<{ removed: number; merged: number }> | undefined;
  /**
   * The WAL sequence that starts after each segment's rows (from `onFreeze`). A checkpoint at
   * walSeq W may only name segments frozen at or before W: later ones still have their rows in
   * the WAL files it keeps, and would be replayed twice. Segments read from disk have none.
   */
  private readonly frozenAt = new WeakMap<Segment, Promise<number>>();
  /** Index files a worker already wrote for the durable store (so a flush need not rewrite them). */
  readonly builtFiles = new WeakMap<VectorIndex, string>();
  /** Durable stores say where a segment's index file goes, so the worker can write it there. */
  indexFileFor?: (seg: Segment, field: string) => string;
  /**
   * Durable stores hook in here. `onFreeze(cut)` cuts the WAL: it calls `cut` at the moment every
   * operation logged so far is applied and none logged later is (the growing segment is frozen
   * there, so it holds exactly the ops of the older log files), and resolves to the new WAL
   * sequence. `persist` then runs in the background queue, after the frozen segment is indexed,
   * and writes out whatever is not on disk yet (segments, indexes, deletes).
   */
  onFreeze?: (cut: () => void) => Promise<number>;
  persist?: (walSeq: Promise<number> | undefined) => Promise<void>;
  /** An automatic seal (by size) is asked for and its cut has not happened yet. */
  private autoSealPending = false;
  /** Some operation was applied since the last cut (else a flush has nothing to write). */
  private changedSinceCut = false;

  constructor(
    readonly schema: CollectionSchema,
    private readonly options: SegmentSetOptions = {},
  ) {
    this.pkField = (schema.fields.find((f) => f.isPrimary) as { name: string }).name;
    this.bytesPerRow = schema.fields.reduce((s, f) => s + (isDenseVectorType(f.dataType) ? 4 * (f.dim as number) : 0), 64);
    this.growing = this.newSegment();
  }

  newSegment(id = this.nextSegmentId++): Segment {
    return new Segment(id, this.schema, (fn) => {
      const input = this.schema.fields.find((f) => f.name === fn.inputFieldNames[0]);
      const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
      return new Bm25Index({ k1: num(fn.params?.bm25_k1), b: num(fn.params?.bm25_b), analyzerParams: input?.analyzerParams });
    });
  }

  all(): Segment[] {
    return [...this.sealed, this.growing];
  }

  get liveCount(): number {
    return this.all().reduce((s, seg) => s + seg.liveCount, 0);
  }

  has(pk: PrimaryKey): boolean {
    return this.pkMap.has(pk);
  }

  locate(pk: PrimaryKey): [Segment, number] | undefined {
    return this.pkMap.get(pk);
  }

  allocateId(): number {
    return this.nextAutoId++;
  }

  /**
   * Applies a logged mutation to memory. Never throws on a valid op (it was checked before logging).
   * Every op sets or removes its keys whatever was there (an insert too), so applying a suffix of
   * the log twice gives the same rows as applying it once. `replay`: while opening, no seal.
   */
  apply(op: WalOp, replay = false): void {
    this.changedSinceCut = true;
    if (op.type === 'delete') {
      for (const pk of op.pks) this.remove(pk);
      return;
    }
    const pks = op.rows.map((r) => r[this.pkField] as PrimaryKey);
    for (const pk of pks) this.remove(pk);
    const batch: CheckedRows = { rows: op.rows, vectors: op.vectors, pks };
    const start = this.growing.append(batch);
    pks.forEach((pk, i) => {
      this.pkMap.set(pk, [this.growing, start + i]);
      if (typeof pk === 'number' && pk >= this.nextAutoId) this.nextAutoId = pk + 1;
    });
    if (!replay && !this.autoSealPending && this.growing.size * this.bytesPerRow >= (this.options.sealBytes ?? DEFAULT_SEAL_BYTES)) {
      this.autoSealPending = true;
      this.sealGrowing().catch((e) => this.options.onWarning?.(`automatic flush failed: ${(e as Error).message}`));
    }
  }

  private remove(pk: PrimaryKey): void {
    const loc = this.pkMap.get(pk);
    if (!loc) return;
    loc[0].markDeleted(loc[1]);
    this.pkMap.delete(pk);
  }

  /** Registers a sealed segment loaded from disk (its rows become addressable). */
  addSealed(seg: Segment): void {
    this.sealed.push(seg);
    for (let i = 0; i < seg.size; i++) if (!seg.isDeleted(i)) this.pkMap.set(seg.pks[i], [seg, i]);
    if (seg.id >= this.nextSegmentId) this.nextSegmentId = seg.id + 1;
  }

  /**
   * Seals the growing segment (if it has rows) at a WAL cut, builds its indexes and, in a durable
   * store, writes out everything up to the cut (deletes included); resolves when done.
   */
  sealGrowing(): Promise<void> {
    let frozen: Segment | undefined;
    let cutSeq: (seq: Promise<number>) => void = () => undefined;
    const seqOfFrozen = new Promise<number>((resolve) => (cutSeq = (seq) => void seq.then(resolve, () => undefined)));
    const cut = (): void => {
      this.autoSealPending = false;
      this.changedSinceCut = false;
      if (this.growing.size === 0) return;
      frozen = this.growing;
      // Set before anything else can run: a checkpoint must never take this segment for one
      // whose rows are only in log files it is about to drop (see `frozenAt`).
      if (this.onFreeze) this.frozenAt.set(frozen, seqOfFrozen);
      frozen.seal();
      this.sealed.push(frozen);
      this.growing = this.newSegment();
    };
    let seq: Promise<number> | undefined;
    if (this.onFreeze) {
      seq = this.onFreeze(cut);
      cutSeq(seq);
    } else {
      cut();
    }
    const cutDone = seq ?? Promise.resolve(0);
    return this.enqueue(async () => {
      await cutDone;
      const seg = frozen;
      if (seg) for (const entry of this.indexes) if (!seg.indexes.has(entry.fieldName)) await this.buildIndexInBackground(seg, entry, true);
      if (this.persist) await this.persist(seq);
    });
  }

  /** The WAL sequence a segment's rows end before (see `frozenAt`); undefined = already on disk. */
  frozenSeqOf(seg: Segment): Promise<number> | undefined {
    return this.frozenAt.get(seg);
  }

  /** Runs `job` in the background queue, so no flush or compaction changes files meanwhile (backup). */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    let out: T;
    return this.enqueue(async () => {
      out = await job();
    }).then(() => out);
  }

  /** Waits for queued background work and any compaction in progress. */
  async settle(): Promise<void> {
    await this.compacting?.catch(() => undefined);
    await this.building;
  }

  /** Writes the manifest now (after a schema change: a new field, properties, partitions). */
  async checkpointNow(): Promise<void> {
    await this.enqueue(() => this.persistNow(undefined));
  }

  /** Seals what is growing and, in a durable store, writes everything out (deletes included). */
  async flush(): Promise<void> {
    // Cut even with nothing growing: deletes alone still need their delta logs written. Writes
    // still in flight are not acknowledged yet, so a flush with nothing applied since the last
    // cut has nothing to write (the timer calls this every minute).
    if (this.changedSinceCut || this.growing.size > 0) await this.sealGrowing();
    await this.building;
    if (this.options.autoCompact !== false && !this.compacting && this.wantsCompaction()) {
      this.compact().catch((e) => this.options.onWarning?.(`automatic compaction failed: ${(e as Error).message}`));
    }
  }

  private wantsCompaction(): boolean {
    const small = this.sealed.filter((s) => s.size < (this.options.smallSegmentRows ?? DEFAULT_SMALL_ROWS)).length;
    return small > AUTO_SMALL_SEGMENTS || this.sealed.some((s) => s.size > 0 && s.deletedCount / s.size > AUTO_DELETED_RATIO);
  }

  /**
   * Rewrites sealed segments without their deleted rows and merges small ones. The copy yields
   * to the event loop every few thousand rows and the new index is built in the background, so
   * writes and searches go on meanwhile; the swap happens in one step in the background queue.
   */
  compact(): Promise<{ removed: number; merged: number }> {
    if (!this.compacting) {
      this.compacting = this.compactNow().finally(() => {
        this.compacting = undefined;
      });
    }
    return this.compacting;
  }

  private async compactNow(): Promise<{ removed: number; merged: number }> {
    await this.flush();
    const victims = this.sealed.filter((s) => s.deletedCount > 0 || s.size < (this.options.smallSegmentRows ?? DEFAULT_SMALL_ROWS));
    if (victims.length === 0 || (victims.length === 1 && victims[0].deletedCount === 0)) return { removed: 0, merged: 0 };
    const out = this.newSegment();
    // Where each copied row came from: a delete or upsert that lands while we copy is applied
    // to the source, and carried over at the swap.
    const sources: Array<[Segment, number]> = [];
    let removed = 0;
    let copied = 0;
    for (const seg of victims) {
      const live: number[] = [];
      for (let i = 0; i < seg.size; i++) (seg.isDeleted(i) ? removed++ : live.push(i));
      for (let from = 0; from < live.length; from += COMPACT_CHUNK_ROWS) {
        const part = live.slice(from, from + COMPACT_CHUNK_ROWS);
        const vectors: Record<string, Float32Array> = {};
        for (const f of this.schema.fields) {
          if (!isDenseVectorType(f.dataType)) continue;
          const dim = f.dim as number;
          const src = seg.vectorsOf(f.name);
          const dst = new Float32Array(part.length * dim);
          part.forEach((off, j) => dst.set(src.subarray(off * dim, (off + 1) * dim), j * dim));
          vectors[f.name] = dst;
        }
        out.append({ rows: part.map((i) => seg.rows[i]), vectors, pks: part.map((i) => seg.pks[i]) });
        for (const off of part) sources.push([seg, off]);
        copied += part.length;
        if (copied % COMPACT_CHUNK_ROWS === 0) await new Promise<void>((r) => setImmediate(r));
      }
    }
    out.seal();
    const seqs = victims.map((v) => this.frozenAt.get(v)).filter((p): p is Promise<number> => p !== undefined);
    if (seqs.length) this.frozenAt.set(out, Promise.all(seqs).then((n) => Math.max(...n)));
    for (const entry of this.indexes) await this.buildIndexInBackground(out, entry, false);
    crashPoint('compact:after-merge');
    await this.enqueue(async () => {
      // Swap in one synchronous step so a concurrent search sees either the old or the new segments.
      const keep = this.sealed.filter((s) => !victims.includes(s));
      this.sealed.length = 0;
      this.sealed.push(...keep);
      if (out.size > 0) this.sealed.push(out);
      sources.forEach(([seg, off], j) => {
        if (seg.isDeleted(off)) out.markDeleted(j);
        else this.pkMap.set(out.pks[j], [out, j]);
      });
      // Checkpoint at least at the newest victim's cut: a checkpoint at an older one would skip
      // `out` (its rows reach past it) while the victims are already gone from the list.
      await this.persistNow(this.frozenAt.get(out));
    });
    return { removed, merged: victims.length };
  }

  async createIndex(fieldName: string, spec: IndexSpec, indexName = fieldName): Promise<void> {
    const field = this.schema.fields.find((f) => f.name === fieldName);
    if (!field) throw invalid(`createIndex: field "${fieldName}" does not exist`);
    if (field.dataType === 'SparseFloatVector') return; // BM25 fields always carry their inverted index
    if (!isDenseVectorType(field.dataType)) throw invalid(`createIndex: field "${fieldName}" is not a vector field`);
    const normalized = normalizeSpec(spec);
    const existing = this.indexes.find((e) => e.fieldName === fieldName);
    if (existing) {
      // Milvus answers the same create again with success; a different one is an error.
      if (existing.indexName === indexName && JSON.stringify(existing.spec) === JSON.stringify(normalized)) return;
      throw invalid(`createIndex: field "${fieldName}" already has index "${existing.indexName}" (${existing.spec.indexType}, ${existing.spec.metricType}); drop it first`);
    }
    checkMetricFor(field, normalized.metricType, 'createIndex');
    createIndex(normalized, field.dim as number); // validates the parameters now, not at build time
    const entry = { fieldName, indexName, spec: normalized };
    this.indexes = [...this.indexes, entry];
    await this.enqueue(async () => {
      for (const seg of [...this.sealed]) await this.buildIndexInBackground(seg, entry, true);
      await this.persistNow(undefined);
    });
  }

  async dropIndex(name: string): Promise<void> {
    const entry = this.indexes.find((e) => e.indexName === name || e.fieldName === name);
    if (!entry) throw new EngineError(ErrorCode.IndexNotFound, `index "${name}" not found`);
    await this.building;
    this.indexes = this.indexes.filter((e) => e !== entry);
    for (const seg of this.sealed) seg.indexes.delete(entry.fieldName);
    await this.enqueue(() => this.persistNow(undefined));
  }

  indexProgress(field: string): { indexed: number; total: number } {
    let indexed = 0;
    let total = 0;
    for (const seg of this.all()) {
      total += seg.size;
      if (seg.indexes.has(field)) indexed += seg.size;
    }
    return { indexed, total };
  }

  /** Builds on the main thread, now (small segments, index rebuilds while opening). */
  buildIndex(seg: Segment, entry: IndexEntry): VectorIndex {
    const index = buildInline(entry.spec, seg.dimOf(entry.fieldName), seg.vectorsOf(entry.fieldName));
    seg.indexes.set(entry.fieldName, index);
    return index;
  }

  /**
   * Builds large segments' indexes in a worker thread (the segment is searched exactly until
   * the index is set). With `toStore`, the worker writes straight to the segment's index file.
   */
  private async buildIndexInBackground(seg: Segment, entry: IndexEntry, toStore: boolean): Promise<void> {
    if (seg.size < (this.options.workerBuildRows ?? DEFAULT_WORKER_BUILD_ROWS)) {
      this.buildIndex(seg, entry);
      // Many small builds in a row (createIndex over many segments) must not hold the loop either.
      await new Promise<void>((r) => setImmediate(r));
      return;
    }
    const file = toStore ? this.indexFileFor?.(seg, entry.fieldName) : undefined;
    const index = await buildInWorker(entry.spec, seg.dimOf(entry.fieldName), seg.vectorsOf(entry.fieldName), file);
    if (file) this.builtFiles.set(index, file);
    // An index dropped meanwhile stays dropped.
    if (this.indexes.some((e) => e.fieldName === entry.fieldName)) seg.indexes.set(entry.fieldName, index);
  }

  private async persistNow(walSeq: Promise<number> | undefined): Promise<void> {
    if (this.persist) await this.persist(walSeq);
  }

  /** Background work runs one job at a time, after the caller returns. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.building.then(() => new Promise<void>((resolve, reject) => setImmediate(() => job().then(resolve, reject))));
    this.building = next.catch(() => undefined);
    return next;
  }
}
