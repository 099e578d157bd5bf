// FLAT: exact search over a copy of the vectors (faiss IndexFlat). The baseline every other
// index is measured against, and the right choice for small segments.

import { invalid } from '../errors';
import { checkQuery, keyFunction, normalizeRows, TopK } from './distance';
import type { IndexFileReader } from './indexFile';
import { IndexFileWriter } from './indexFile';
import type { LabelFilter, MetricType, SearchHits, SearchParams, VectorIndex } from './types';

/** Grows a row-major store by doubling, so repeated `add` calls stay amortized O(n). */
export class VectorStore {
  data: Float32Array;
  labels: Uint32Array;
  size = 0;

  constructor(
    readonly dim: number,
    capacity = 0,
  ) {
    this.data = new Float32Array(capacity * dim);
    this.labels = new Uint32Array(capacity);
  }

  append(labels: Uint32Array, vectors: Float32Array): void {
    const n = labels.length;
    if (this.size + n > this.labels.length) {
      const cap = Math.max(this.size + n, this.labels.length * 2, 16);
      const data = new Float32Array(cap * this.dim);
      data.set(this.data.subarray(0, this.size * this.dim));
      const ls = new Uint32Array(cap);
      ls.set(this.labels.subarray(0, this.size));
      this.data = data;
      this.labels = ls;
    }
    this.data.set(vectors.subarray(0, n * this.dim), this.size * this.dim);
    this.labels.set(labels, this.size);
    this.size += n;
  }

  /** Drops spare capacity (before saving or after a bulk build). */
  trim(): void {
    if (this.labels.length === this.size) return;
    this.data = this.data.slice(0, this.size * this.dim);
    this.labels = this.labels.slice(0, this.size);
  }
}

/** Checks an `add` call's shapes; shared by every index. */
export function checkAdd(where: string, dim: number, labels: Uint32Array, vectors: Float32Array): void {
  if (vectors.length !== labels.length * dim) {
    throw invalid(
      `${where}.add: got ${labels.length} labels but ${vectors.length / dim} vectors of dim ${dim} (${vectors.length} floats)`,
    );
  }
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      throw invalid(`${where}.add: vector for label ${labels[Math.floor(i / dim)]} has a non-finite value at position ${i % dim}`);
    }
  }
}

export class FlatIndex implements VectorIndex {
  readonly type = 'FLAT' as const;
  readonly needsTraining = false;
  readonly isTrained = true;
  private readonly store: VectorStore;

  constructor(
    readonly metric: MetricType,
    readonly dim: number,
  ) {
    this.store = new VectorStore(dim);
  }

  get size(): number {
    return this.store.size;
  }

  train(): void {
    // FLAT needs no training; accepted so callers can treat every index alike.
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    checkAdd('FLAT', this.dim, labels, vectors);
    const v = this.metric === 'COSINE' ? normalizeRows(Float32Array.from(vectors), this.dim) : vectors;
    this.store.append(labels, v);
  }

  search(query: Float32Array, k: number, _params?: SearchParams, allow?: LabelFilter): SearchHits {
    checkQuery(query, this.dim, 'FLAT.search', k);
    const q = this.metric === 'COSINE' ? normalizeRows(Float32Array.from(query), this.dim) : query;
    const key = keyFunction(this.metric);
    const top = new TopK(Math.min(k, this.size));
    const { data, labels, size } = this.store;
    const dim = this.dim;
    for (let r = 0; r < size; r++) {
      if (allow && !allow(labels[r])) continue;
      top.push(key(q, 0, data, r * dim, dim), labels[r]);
    }
    return top.toHits(this.metric);
  }

  memoryBytes(): number {
    return this.store.data.byteLength + this.store.labels.byteLength;
  }

  async save(file: string): Promise<void> {
    this.store.trim();
    await new IndexFileWriter({ indexType: 'FLAT', metric: this.metric, dim: this.dim })
      .array(this.store.labels)
      .array(this.store.data)
      .writeTo(file);
  }

  static read(r: IndexFileReader): FlatIndex {
    const { metric, dim } = r.header;
    const index = new FlatIndex(metric, dim);
    const labels = r.u32s('labels');
    const data = r.f32('vectors', labels.length * dim);
    r.end();
    index.store.data = data;
    index.store.labels = labels;
    index.store.size = labels.length;
    return index;
  }
}
