// HNSW (Malkov & Yashunin) on hnswlib-node's HierarchicalNSW. Parameters as in the paper: M,
// efConstruction, ef. The allow callback is hnswlib's filter functor, applied during the graph
// search. COSINE vectors are normalized here and stored in hnswlib's 'ip' space, whose distance
// 1 − ⟨q, x⟩ is turned back into Milvus's score. Saved with hnswlib's own writeIndex format.

import { open } from 'node:fs/promises';
import type { HierarchicalNSW } from 'hnswlib-node';
import { EngineError, ErrorCode, invalid } from '../errors';
import { checkQuery, normalizeRows } from './distance';
import { checkAdd } from './flat';
import type { LabelFilter, MetricType, SearchHits, SearchParams, VectorIndex } from './types';

// Required on the first HNSW index, not on import: a text (BM25) search never loads the addon.
// (A require, not an import, also keeps the CommonJS addon usable from the CLI's ESM bundle.)
let hnswlib: typeof import('hnswlib-node') | undefined;
const nativeHnsw = (): typeof HierarchicalNSW => (hnswlib ??= require('hnswlib-node') as typeof import('hnswlib-node')).HierarchicalNSW;

export const DEFAULT_EF = 64;

export interface HnswParams {
  M: number;
  efConstruction: number;
  seed?: number;
}

/** The fields of hnswlib's file header that we check before handing the file to it. */
interface HnswHeader {
  maxElements: number;
  count: number;
  sizeDataPerElement: number;
  maxM0: number;
  M: number;
  efConstruction: number;
  dim: number;
}

/** Parses hnswlib's 96-byte header (hnswalg.h saveIndex: size_t fields, little-endian). */
export async function readHnswHeader(file: string): Promise<HnswHeader> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(96);
    const { bytesRead } = await fh.read(b, 0, 96, 0);
    const { size } = await fh.stat();
    const bad = (why: string): EngineError =>
      new EngineError(ErrorCode.StorageError, `HNSW index file ${file}: ${why}; rebuild the index`);
    if (bytesRead < 96) throw bad(`truncated header (${bytesRead} bytes)`);
    const u64 = (at: number): number => Number(b.readBigUInt64LE(at));
    const h = {
      maxElements: u64(8),
      count: u64(16),
      sizeDataPerElement: u64(24),
      maxM0: u64(64),
      M: u64(72),
      efConstruction: u64(88),
      dim: 0,
    };
    const offsetLevel0 = u64(0);
    // size_data_per_element = (maxM0 links + count) * 4 + dim * 4 + 8-byte label
    h.dim = (h.sizeDataPerElement - (h.maxM0 * 4 + 4) - 8) / 4;
    const sane =
      offsetLevel0 === 0 &&
      h.count <= h.maxElements &&
      h.M >= 2 && h.M <= 2048 &&
      h.maxM0 === 2 * h.M &&
      Number.isInteger(h.dim) && h.dim >= 1;
    if (!sane) throw bad('not an hnswlib index (inconsistent header)');
    if (size < 96 + h.count * (h.sizeDataPerElement + 4)) throw bad(`truncated (${size} bytes for ${h.count} vectors)`);
    return h;
  } finally {
    await fh.close();
  }
}

export class HnswIndex implements VectorIndex {
  readonly type = 'HNSW' as const;
  readonly needsTraining = false;
  readonly isTrained = true;
  private hnsw: HierarchicalNSW;
  private capacity = 0;
  private count = 0;
  /** hnswlib-node takes plain arrays; one reused array saves an allocation per query. */
  private readonly queryRow: number[];

  constructor(
    readonly metric: MetricType,
    readonly dim: number,
    readonly params: HnswParams,
  ) {
    // HAMMING over 0/1 rows is squared L2, so hnswlib's 'l2' space ranks it exactly.
    this.hnsw = new (nativeHnsw())(metric === 'L2' || metric === 'HAMMING' ? 'l2' : 'ip', dim);
    this.queryRow = new Array<number>(dim).fill(0);
  }

  get size(): number {
    return this.count;
  }

  train(): void {
    // HNSW builds its graph on add; nothing to train.
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    checkAdd('HNSW', this.dim, labels, vectors);
    if (labels.length === 0) return;
    const v = this.metric === 'COSINE' ? normalizeRows(Float32Array.from(vectors), this.dim) : vectors;
    const need = this.count + labels.length;
    if (this.capacity === 0) {
      this.hnsw.initIndex({ maxElements: need, m: this.params.M, efConstruction: this.params.efConstruction, randomSeed: this.params.seed ?? 100 });
      this.capacity = need;
    } else if (need > this.capacity) {
      this.capacity = Math.max(need, Math.ceil(this.capacity * 1.5));
      this.hnsw.resizeIndex(this.capacity);
    }
    const dim = this.dim;
    // hnswlib-node accepts only plain arrays; one reusable array avoids an allocation per row.
    const row: number[] = new Array<number>(dim).fill(0);
    for (let i = 0; i < labels.length; i++) {
      for (let d = 0; d < dim; d++) row[d] = v[i * dim + d];
      this.hnsw.addPoint(row, labels[i]);
    }
    this.count = need;
  }

  search(query: Float32Array, k: number, params: SearchParams = {}, allow?: LabelFilter): SearchHits {
    checkQuery(query, this.dim, 'HNSW.search', k);
    if (this.count === 0) return { labels: [], distances: [] };
    const kk = Math.min(k, this.count);
    const ef = params.ef ?? DEFAULT_EF;
    if (!Number.isInteger(ef) || ef < 1) throw invalid(`HNSW.search: ef must be a positive integer, got ${ef}`);
    this.hnsw.setEf(Math.max(ef, kk));
    const src = this.metric === 'COSINE' ? normalizeRows(Float32Array.from(query), this.dim) : query;
    const q = this.queryRow;
    for (let d = 0; d < this.dim; d++) q[d] = src[d];
    const res = this.hnsw.searchKnn(q, kk, allow);
    const distances = this.metric === 'L2' || this.metric === 'HAMMING' ? res.distances : res.distances.map((d) => 1 - d);
    return { labels: res.neighbors, distances };
  }

  /**
   * hnswlib does not report its memory; this follows its layout: level 0 holds, per element,
   * 2M links + count, the vector and the label; upper levels hold about 1/M as many M-link lists;
   * plus the label → id hash map and per-element locks.
   */
  memoryBytes(): number {
    const { M } = this.params;
    const level0 = this.capacity * ((2 * M + 1) * 4 + this.dim * 4 + 8);
    const upper = (this.count / (M - 1 || 1)) * (M + 1) * 4;
    const perElement = this.capacity * (8 + 40 + 1); // link list pointer, hash map entry, mutex byte
    return Math.round(level0 + upper + perElement);
  }

  async save(file: string): Promise<void> {
    if (this.capacity === 0) {
      // hnswlib can only write an initialized graph; an empty one is still a valid file.
      this.hnsw.initIndex({ maxElements: 1, m: this.params.M, efConstruction: this.params.efConstruction });
      this.capacity = 1;
    }
    await this.hnsw.writeIndex(file);
  }

  /** Loads a file written by `save`; the metric is not in hnswlib's file, so it is given. */
  static async read(file: string, metric: MetricType, params: Partial<HnswParams>, dim?: number): Promise<HnswIndex> {
    const h = await readHnswHeader(file);
    if (dim !== undefined && dim !== h.dim) {
      throw new EngineError(ErrorCode.StorageError, `HNSW index file ${file}: holds ${h.dim}-dimensional vectors, expected ${dim}`);
    }
    const index = new HnswIndex(metric, h.dim, { M: h.M, efConstruction: h.efConstruction, seed: params.seed });
    try {
      await index.hnsw.readIndex(file);
    } catch (e) {
      throw new EngineError(ErrorCode.StorageError, `HNSW index file ${file}: ${(e as Error).message}; rebuild the index`);
    }
    index.capacity = index.hnsw.getMaxElements();
    index.count = index.hnsw.getCurrentCount();
    return index;
  }

  /** The underlying hnswlib object (benchmarks compare against it directly). */
  get native(): HierarchicalNSW {
    return this.hnsw;
  }
}
