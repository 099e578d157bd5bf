// Distance kernels over row-major Float32Array storage, plus the bounded heap every index uses.
//
// Internally every index ranks by a "smaller is better" key: L2 → squared distance, IP and COSINE
// → negated inner product (COSINE vectors are normalized on add and query). `toMilvusDistance`
// turns the key back into Milvus's convention (L2 distance; IP / COSINE score) at the edge.

import { invalid } from '../errors';
import type { MetricType, SearchHits } from './types';

/** Squared Euclidean distance between a[aOff .. aOff+dim) and b[bOff .. bOff+dim). */
export function l2sq(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  // Four accumulators let V8 keep independent chains in flight (about 2× a single sum).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = dim - (dim & 3);
  for (; i < end4; i += 4) {
    const d0 = a[aOff + i] - b[bOff + i];
    const d1 = a[aOff + i + 1] - b[bOff + i + 1];
    const d2 = a[aOff + i + 2] - b[bOff + i + 2];
    const d3 = a[aOff + i + 3] - b[bOff + i + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < dim; i++) {
    const d = a[aOff + i] - b[bOff + i];
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/** Inner product of a[aOff ..) and b[bOff ..) over dim elements. */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = dim - (dim & 3);
  for (; i < end4; i += 4) {
    s0 += a[aOff + i] * b[bOff + i];
    s1 += a[aOff + i + 1] * b[bOff + i + 1];
    s2 += a[aOff + i + 2] * b[bOff + i + 2];
    s3 += a[aOff + i + 3] * b[bOff + i + 3];
  }
  for (; i < dim; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + s2 + s3;
}

/** The ranking key (smaller is better) of row `bOff` against the query at `aOff`. */
export type KeyFn = (a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number) => number;

function negDot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  return -dot(a, aOff, b, bOff, dim);
}

/**
 * Jaccard distance of two 0/1 rows (binary vectors unpacked to bits): 1 − |a∧b| / |a∨b|, with
 * |a∧b| = a·b and |a∨b| = |a| + |b| − a·b; two empty rows are at distance 0.
 */
export function jaccard(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < dim; i++) {
    const x = a[aOff + i];
    const y = b[bOff + i];
    both += x * y;
    either += x + y - x * y;
  }
  return either === 0 ? 0 : 1 - both / either;
}

/** Metrics whose Milvus value is a distance (smaller is better) rather than a score. */
export function smallerIsBetter(metric: string): boolean {
  return metric === 'L2' || metric === 'HAMMING' || metric === 'JACCARD';
}

/** HAMMING of 0/1 rows is their squared L2 distance: each differing bit adds exactly 1. */
export function keyFunction(metric: MetricType): KeyFn {
  if (metric === 'JACCARD') return jaccard;
  return metric === 'L2' || metric === 'HAMMING' ? l2sq : negDot;
}

/** Converts an internal key to Milvus's convention (L2, HAMMING, JACCARD: distance; IP/COSINE: score). */
export function toMilvusDistance(metric: MetricType, key: number): number {
  return smallerIsBetter(metric) ? key : -key;
}

/** True when Milvus distance `a` ranks before `b` under this metric. */
export function isBetter(metric: MetricType, a: number, b: number): boolean {
  return smallerIsBetter(metric) ? a < b : a > b;
}

/** Scales each row to unit length in place; zero rows stay zero (their cosine is then 0). */
export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  const n = vectors.length / dim;
  for (let r = 0; r < n; r++) {
    const off = r * dim;
    const norm = Math.sqrt(dot(vectors, off, vectors, off, dim));
    if (norm > 0) {
      const inv = 1 / norm;
      for (let i = 0; i < dim; i++) vectors[off + i] *= inv;
    }
  }
  return vectors;
}

/** A normalized copy for COSINE, the input itself otherwise (callers must not mutate it). */
export function prepareVectors(metric: MetricType, vectors: Float32Array, dim: number): Float32Array {
  return metric === 'COSINE' ? normalizeRows(Float32Array.from(vectors), dim) : vectors;
}

/**
 * Keeps the k smallest keys seen so far: a binary max-heap on typed arrays, so pushing a
 * candidate that is worse than the current k-th costs one comparison and no allocation.
 */
export class TopK {
  readonly keys: Float64Array;
  readonly labels: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.keys = new Float64Array(Math.max(1, k));
    this.labels = new Int32Array(Math.max(1, k));
  }

  /** The key a candidate must beat to enter (Infinity until the heap is full). */
  get worst(): number {
    return this.size < this.k ? Infinity : this.keys[0];
  }

  push(key: number, label: number): void {
    const { keys, labels } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p] >= key) break;
        keys[i] = keys[p];
        labels[i] = labels[p];
        i = p;
      }
      keys[i] = key;
      labels[i] = label;
      return;
    }
    if (this.k === 0 || key >= keys[0]) return;
    // Replace the root and sift down.
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r] > keys[l] ? r : l;
      if (keys[c] <= key) break;
      keys[i] = keys[c];
      labels[i] = labels[c];
      i = c;
    }
    keys[i] = key;
    labels[i] = label;
  }

  /** Best first, ties broken by smaller label so results are deterministic. */
  sorted(): { keys: number[]; labels: number[] } {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.keys[a] - this.keys[b] || this.labels[a] - this.labels[b]);
    return { keys: order.map((i) => this.keys[i]), labels: order.map((i) => this.labels[i]) };
  }

  /** The heap's contents as Milvus-convention hits. */
  toHits(metric: MetricType): SearchHits {
    const { keys, labels } = this.sorted();
    return { labels, distances: keys.map((k) => toMilvusDistance(metric, k)) };
  }
}

/** Checks a query's length against the index dimension, and that k is a positive integer. */
export function checkQuery(query: Float32Array, dim: number, where: string, k = 1): void {
  if (query.length !== dim) {
    throw invalid(`${where}: query vector has ${query.length} dimensions, index has ${dim}`);
  }
  if (!Number.isInteger(k) || k < 1) throw invalid(`${where}: k (limit) must be a positive integer, got ${k}`);
}
