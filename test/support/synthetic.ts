// Seeded synthetic vectors for index tests and benchmarks: clusters with a low intrinsic
// dimension (as real embeddings have), exact ground truth, and recall@k.

import { exactSearch } from '../../src/engine/search/filteredSearch';
import { SeededRandom } from '../../src/engine/index/rng';
import type { MetricType } from '../../src/engine/index/types';

export interface SyntheticOptions {
  n: number;
  dim: number;
  /** Number of cluster centres (default 64). */
  clusters?: number;
  /** Spread of points around their centre, relative to the spread of centres (default 0.6). */
  noise?: number;
  /** Dimension of the subspace the within-cluster variation lives in (default min(dim, 16)). */
  intrinsicDim?: number;
  seed?: number;
}

export interface Dataset {
  dim: number;
  /** n × dim, row-major. */
  vectors: Float32Array;
  /** Draws more points from the same distribution (e.g. queries), with their own seed. */
  sample(count: number, seed: number): Float32Array;
}

export function clusteredDataset(opts: SyntheticOptions): Dataset {
  const { dim } = opts;
  const clusters = opts.clusters ?? 64;
  const noise = opts.noise ?? 0.6;
  const intrinsic = Math.min(dim, opts.intrinsicDim ?? 16);
  const rng = new SeededRandom(opts.seed ?? 1);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.gaussian();
  // Each cluster varies along its own random intrinsic-dimensional subspace, plus a little
  // isotropic noise so no two points coincide.
  const bases = new Float32Array(clusters * intrinsic * dim);
  const scale = noise / Math.sqrt(intrinsic);
  for (let i = 0; i < bases.length; i++) bases[i] = rng.gaussian() * scale;
  const sample = (count: number, seed: number): Float32Array => {
    const r = new SeededRandom(seed);
    const out = new Float32Array(count * dim);
    const z = new Float64Array(intrinsic);
    for (let p = 0; p < count; p++) {
      const c = r.int(clusters);
      for (let j = 0; j < intrinsic; j++) z[j] = r.gaussian();
      const o = p * dim;
      for (let d = 0; d < dim; d++) out[o + d] = centres[c * dim + d] + 0.05 * noise * r.gaussian();
      for (let j = 0; j < intrinsic; j++) {
        const b = (c * intrinsic + j) * dim;
        const zj = z[j];
        for (let d = 0; d < dim; d++) out[o + d] += zj * bases[b + d];
      }
    }
    return out;
  };
  return { dim, vectors: sample(opts.n, (opts.seed ?? 1) + 1000), sample };
}

/** Exact top-k labels for each of the nq = queries.length / dim queries. */
export function groundTruth(
  vectors: Float32Array,
  dim: number,
  metric: MetricType,
  queries: Float32Array,
  k: number,
  allow?: Uint8Array,
): number[][] {
  const nq = queries.length / dim;
  const out: number[][] = [];
  for (let i = 0; i < nq; i++) out.push(exactSearch(vectors, dim, metric, queries.subarray(i * dim, (i + 1) * dim), k, allow).labels);
  return out;
}

/** Mean fraction of each query's true top-k found in its returned top-k. */
export function recallAtK(found: number[][], truth: number[][], k: number): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = new Set(truth[i].slice(0, k));
    const denom = Math.min(k, t.size);
    if (denom === 0) {
      sum += 1;
      continue;
    }
    let hit = 0;
    for (const l of found[i].slice(0, k)) if (t.has(l)) hit++;
    sum += hit / denom;
  }
  return sum / truth.length;
}

/** A bitset allowing about `fraction` of n rows, chosen at random with a seed. */
export function randomAllow(n: number, fraction: number, seed: number): { bits: Uint8Array; count: number } {
  const r = new SeededRandom(seed);
  const bits = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (r.next() < fraction) {
      bits[i] = 1;
      count++;
    }
  }
  return { bits, count };
}
