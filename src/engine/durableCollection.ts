// A collection's on-disk life: create its folder, reopen it after anything (recovery), and write
// checkpoints (flush). Layout under <db>/<collection>/:
//   manifest.json           replaced atomically; the commit point of every flush
//   wal/wal-<seq>.log       operations acknowledged since the last flush
//   segment-N.*             sealed segments (columnar), delta logs, one index file per vector field
// A newcomer can read the order of a flush in `checkpoint` below; the crash reasoning is in wal.ts.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Collection, type CollectionLog } from './collection';
import { EngineError, ErrorCode } from './errors';
import type { IndexSpec } from './index/types';
import { loadIndex } from './index/factory';
import { type CollectionSchema, type Row, PARTITION_KEY, isDenseVectorType } from './schema/types';
import { Segment } from './segment';
import { type SegmentSetOptions, SegmentSet } from './segmentSet';
import { readDeltaLog, writeDeltaLog } from './storage/deltaLog';
import { crashPoint } from './storage/crashPoint';
import { checksumFile, verifyFile } from './storage/fileChecksum';
import { type Manifest, type SegmentEntry, newManifest, readManifest, unreferencedFiles, writeManifest } from './storage/manifest';
import { type SegmentData, readSegment, writeSegment } from './storage/segmentFile';
import { WriteAheadLog } from './storage/wal';

export interface OpenReport {
  /** Things repaired or set aside on the way, one sentence each (torn WAL tail, rebuilt index, …). */
  warnings: string[];
  /** Segments that could not be read: the rest of the collection works without them. */
  damaged: Array<{ file: string; message: string }>;
}

const READ_ONLY_LOG: CollectionLog = {
  append: async () => {
    throw new EngineError(ErrorCode.StorageError, 'the store is open read-only (another process holds it); writes are refused');
  },
};

/** Per-segment bookkeeping of what is already on disk. */
interface Persisted {
  entry: SegmentEntry;
  deletedCount: number;
  indexed: Set<string>;
}

export class DurableCollection {
  private readonly persisted = new Map<Segment, Persisted>();
  private walSeq: number;

  private constructor(
    readonly dir: string,
    private manifest: Manifest,
    private readonly wal: WriteAheadLog,
    readonly collection: Collection,
    readonly report: OpenReport,
  ) {
    this.walSeq = manifest.walSeq;
  }

  static async create(dir: string, name: string, schema: CollectionSchema, options: SegmentSetOptions): Promise<DurableCollection> {
    await writeManifest(dir, newManifest(name, schema));
    return DurableCollection.open(dir, options);
  }

  /** Opens a collection folder: manifest → segments (+ delta logs, indexes) → WAL replay. */
  static async open(dir: string, options: SegmentSetOptions & { readOnly?: boolean }): Promise<DurableCollection> {
    const manifest = await readManifest(dir);
    if (!manifest) throw new Error(`${dir} holds no collection (manifest.json is missing)`);
    const report: OpenReport = { warnings: [], damaged: [] };
    const segments = new SegmentSet(manifest.schema, options);
    segments.indexes = manifest.indexes.map((e) => ({ ...e }));
    segments.nextAutoId = manifest.nextAutoId;
    segments.nextSegmentId = manifest.nextSegmentId;
    segments.growing = segments.newSegment(); // numbered after the manifest's segments
    const segDir = dir;
    const persisted = new Map<Segment, Persisted>();
    for (const entry of manifest.segments) {
      const seg = await loadSegment(segDir, entry, segments, report);
      if (!seg) continue;
      segments.addSealed(seg);
      persisted.set(seg, { entry, deletedCount: seg.deletedCount, indexed: new Set(Object.keys(entry.indexFiles)) });
    }
    const { wal, ops, warnings } = await WriteAheadLog.open(path.join(dir, 'wal'), { fromSeq: manifest.walSeq, readOnly: options.readOnly });
    report.warnings.push(...warnings);
    for (const op of ops) segments.apply(op, true);
    const log: CollectionLog = options.readOnly ? READ_ONLY_LOG : wal;
    const collection = new Collection(manifest.name, manifest.schema, segments, log, Date.parse(manifest.createdAt));
    const durable = new DurableCollection(dir, manifest, wal, collection, report);
    for (const [seg, p] of persisted) durable.persisted.set(seg, p);
    if (!options.readOnly) {
      segments.onFreeze = (cut) => wal.rotate(cut);
      segments.persist = (seq) => durable.checkpoint(seq);
      segments.indexFileFor = (seg, field) => path.join(dir, indexFileName(seg.id, field));
    }
    return durable;
  }

  /**
   * Writes everything not yet on disk, then commits it with one manifest replace:
   * new segments and their index files, fresh delta logs where deletes happened, then the
   * manifest (with the WAL sequence that the written state covers), then old WAL files and
   * unreferenced files are removed. A crash anywhere before the manifest write leaves the old
   * manifest and the WAL, which still hold every acknowledged operation.
   */
  private async checkpoint(walSeqPromise: Promise<number> | undefined): Promise<void> {
    // Never behind the last checkpoint: the log files before it are gone.
    const walSeq = Math.max(walSeqPromise ? await walSeqPromise : this.walSeq, this.walSeq);
    const segDir = this.dir;
    const segments = this.collection.segments;
    const entries: SegmentEntry[] = [];
    const live = new Set<Segment>();
    for (const seg of [...segments.sealed]) {
      // A segment frozen after this checkpoint's WAL cut still has its rows in the WAL it keeps.
      const frozen = segments.frozenSeqOf(seg);
      if (frozen && (await frozen) > walSeq) continue;
      live.add(seg);
      let p = this.persisted.get(seg);
      if (!p) {
        const info = await writeSegment(segDir, toSegmentData(seg, this.manifest.schema), this.manifest.schema);
        p = { entry: { id: seg.id, rowCount: seg.size, file: info.file, crc32: info.crc32, bytes: info.bytes, indexFiles: {} }, deletedCount: 0, indexed: new Set() };
        this.persisted.set(seg, p);
        crashPoint('flush:after-segment-write');
      }
      for (const [field, index] of seg.indexes) {
        if (p.indexed.has(field)) continue;
        const file = indexFileName(seg.id, field);
        // A worker build already wrote this file; otherwise write it now.
        if (segments.builtFiles.get(index) !== path.join(segDir, file)) await index.save(path.join(segDir, file));
        crashPoint('flush:after-index-write');
        const sum = await checksumFile(path.join(segDir, file));
        p.entry.indexFiles[field] = { file, crc32: sum.crc32, bytes: sum.bytes };
        p.indexed.add(field);
      }
      for (const field of Object.keys(p.entry.indexFiles)) {
        if (!seg.indexes.has(field)) {
          delete p.entry.indexFiles[field];
          p.indexed.delete(field);
        }
      }
      if (seg.deletedCount !== p.deletedCount) {
        const offsets: number[] = [];
        for (let i = 0; i < seg.size; i++) if (seg.isDeleted(i)) offsets.push(i);
        p.entry.deltaLog = await writeDeltaLog(segDir, seg.id, Uint32Array.from(offsets));
        p.deletedCount = offsets.length;
      }
      entries.push({ ...p.entry, indexFiles: { ...p.entry.indexFiles } });
    }
    for (const seg of [...this.persisted.keys()]) if (!live.has(seg)) this.persisted.delete(seg);
    this.manifest = {
      ...this.manifest,
      indexes: segments.indexes.map((e) => ({ ...e })),
      segments: entries,
      nextSegmentId: segments.nextSegmentId,
      nextAutoId: segments.nextAutoId,
      walSeq,
      updatedAt: new Date().toISOString(),
    };
    await writeManifest(this.dir, this.manifest);
    crashPoint('flush:after-manifest');
    this.walSeq = walSeq;
    await this.wal.dropBefore(walSeq);
    for (const name of await unreferencedFiles(this.dir, this.manifest)) await fs.rm(path.join(this.dir, name), { force: true });
  }

  async close(): Promise<void> {
    await this.collection.segments.settle();
    await this.wal.close();
  }
}

async function loadSegment(segDir: string, entry: SegmentEntry, segments: SegmentSet, report: OpenReport): Promise<Segment | undefined> {
  let data: SegmentData;
  try {
    data = await readSegment(segDir, { file: entry.file, crc32: entry.crc32, bytes: entry.bytes });
  } catch (err) {
    report.damaged.push({ file: path.join(segDir, entry.file), message: (err as Error).message });
    report.warnings.push(`segment ${entry.file} could not be read and is left out: ${(err as Error).message}`);
    return undefined;
  }
  const seg = segments.newSegment(entry.id);
  const rows: Row[] = data.pks.map((_, i) => {
    const row: Row = {};
    for (const [name, col] of Object.entries(data.columns)) row[name] = col[i] ?? null;
    return row;
  });
  seg.load(data.pks, rows, data.vectors);
  seg.seal();
  if (entry.deltaLog) {
    try {
      for (const off of await readDeltaLog(segDir, entry.deltaLog)) seg.markDeleted(off);
    } catch (err) {
      // Losing tombstones would resurrect deleted rows: refuse the segment rather than do that.
      report.damaged.push({ file: path.join(segDir, entry.deltaLog.file), message: (err as Error).message });
      report.warnings.push(`delete log ${entry.deltaLog.file} is damaged; segment ${entry.file} is left out`);
      return undefined;
    }
  }
  for (const ix of segments.indexes) {
    const info = entry.indexFiles[ix.fieldName];
    const file = info ? path.join(segDir, info.file) : undefined;
    try {
      if (!file || !info) throw new Error('no index file');
      await verifyFile(file, { crc32: info.crc32, bytes: info.bytes });
      seg.indexes.set(ix.fieldName, await loadIndex(file, ix.spec as IndexSpec, seg.dimOf(ix.fieldName)));
    } catch (err) {
      report.warnings.push(`index of "${ix.fieldName}" in ${entry.file} was rebuilt from the segment's vectors (${(err as Error).message})`);
      segments.buildIndex(seg, ix);
      delete entry.indexFiles[ix.fieldName];
    }
  }
  return seg;
}

function toSegmentData(seg: Segment, schema: CollectionSchema): SegmentData {
  const columns: Record<string, unknown[]> = {};
  // User sparse vectors live in the rows (a JSON column); BM25 outputs are rebuilt from their input.
  const names = schema.fields.filter((f) => !isDenseVectorType(f.dataType) && !f.isFunctionOutput).map((f) => f.name);
  if (schema.enableDynamicField) names.push('$meta');
  // Rows of a partition other than _default carry its name (an untyped JSON column).
  if (seg.rows.some((r) => r[PARTITION_KEY] !== undefined)) names.push(PARTITION_KEY);
  for (const name of names) columns[name] = seg.rows.map((r) => r[name] ?? null);
  const vectors: Record<string, Float32Array> = {};
  const dims: Record<string, number> = {};
  for (const f of schema.fields) {
    if (!isDenseVectorType(f.dataType)) continue;
    vectors[f.name] = seg.vectorsOf(f.name);
    dims[f.name] = f.dim as number;
  }
  return { id: seg.id, rowCount: seg.size, pks: seg.pks, columns, vectors, dims };
}

function indexFileName(segmentId: number, field: string): string {
  return `segment-${segmentId}-${field}.idx`;
}
