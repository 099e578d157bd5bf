// k-means clustering (L2), as faiss's Clustering: k-means++ seeding, Lloyd iterations, a seeded
// RNG, and training on a sample when n is large. Used by the IVF coarse quantizer and by PQ.

import { invalid } from '../errors';
import { dot, l2sq } from './distance';
import { SeededRandom } from './rng';

export interface KMeansOptions {
  /** Lloyd iterations (default 10). */
  iterations?: number;
  seed?: number;
  /** Train on at most k × this many points, sampled at random (default 32; faiss uses 256,
   *  but a JS Lloyd step over 256·k points is too slow for interactive index builds) */
  maxPointsPerCentroid?: number;
}

export interface KMeansResult {
  /** k × dim, row-major. */
  centroids: Float32Array;
  k: number;
  /** Mean squared distance of the training points to their centroid after the last iteration. */
  inertia: number;
}

/** Squared norms of each row. */
export function rowNorms(vectors: Float32Array, dim: number): Float32Array {
  const n = vectors.length / dim;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) out[r] = dot(vectors, r * dim, vectors, r * dim, dim);
  return out;
}

/**
 * For each row of `vectors`, the nearest centroid by L2 (ties → lower index), and optionally its
 * squared distance. Uses ||x-c||² = ||x||² - 2x·c + ||c||², blocked four rows × two centroids
 * (this loop dominates IVF build time; blocking measured 3.7 vs 2.6 GFLOP/s unblocked).
 */
export function assignNearest(
  vectors: Float32Array,
  dim: number,
  centroids: Float32Array,
  centroidNorms: Float32Array = rowNorms(centroids, dim),
  distancesOut?: Float32Array,
): Int32Array {
  const n = vectors.length / dim;
  const k = centroids.length / dim;
  const assign = new Int32Array(n);
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const o0 = r * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    let b0 = Infinity, b1 = Infinity, b2 = Infinity, b3 = Infinity;
    let i0 = 0, i1 = 0, i2 = 0, i3 = 0;
    // Two centroids per pass: eight independent sums, each loaded element used four times.
    for (let c = 0; c < k; c += 2) {
      const ca = c * dim;
      const cb = c + 1 < k ? ca + dim : ca; // odd k: the last centroid is paired with itself
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
      for (let d = 0; d < dim; d++) {
        const ya = centroids[ca + d];
        const yb = centroids[cb + d];
        const x0 = vectors[o0 + d], x1 = vectors[o1 + d], x2 = vectors[o2 + d], x3 = vectors[o3 + d];
        a0 += x0 * ya; a1 += x1 * ya; a2 += x2 * ya; a3 += x3 * ya;
        e0 += x0 * yb; e1 += x1 * yb; e2 += x2 * yb; e3 += x3 * yb;
      }
      const na = centroidNorms[c];
      let d0 = na - 2 * a0, d1 = na - 2 * a1, d2 = na - 2 * a2, d3 = na - 2 * a3;
      if (d0 < b0) { b0 = d0; i0 = c; }
      if (d1 < b1) { b1 = d1; i1 = c; }
      if (d2 < b2) { b2 = d2; i2 = c; }
      if (d3 < b3) { b3 = d3; i3 = c; }
      if (c + 1 < k) {
        const nb = centroidNorms[c + 1];
        d0 = nb - 2 * e0; d1 = nb - 2 * e1; d2 = nb - 2 * e2; d3 = nb - 2 * e3;
        if (d0 < b0) { b0 = d0; i0 = c + 1; }
        if (d1 < b1) { b1 = d1; i1 = c + 1; }
        if (d2 < b2) { b2 = d2; i2 = c + 1; }
        if (d3 < b3) { b3 = d3; i3 = c + 1; }
      }
    }
    assign[r] = i0;
    assign[r + 1] = i1;
    assign[r + 2] = i2;
    assign[r + 3] = i3;
  }
  for (; r < n; r++) {
    let best = Infinity;
    let bi = 0;
    for (let c = 0; c < k; c++) {
      const d = centroidNorms[c] - 2 * dot(vectors, r * dim, centroids, c * dim, dim);
      if (d < best) { best = d; bi = c; }
    }
    assign[r] = bi;
  }
  if (distancesOut) {
    for (let i = 0; i < n; i++) distancesOut[i] = l2sq(vectors, i * dim, centroids, assign[i] * dim, dim);
  }
  return assign;
}

/** k-means++ seeding: each next centroid is drawn with probability ∝ squared distance. */
function seedPlusPlus(points: Float32Array, dim: number, k: number, rng: SeededRandom): Float32Array {
  const n = points.length / dim;
  const centroids = new Float32Array(k * dim);
  const minDist = new Float64Array(n).fill(Infinity);
  let chosen = rng.int(n);
  for (let c = 0; c < k; c++) {
    centroids.set(points.subarray(chosen * dim, chosen * dim + dim), c * dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = l2sq(points, i * dim, centroids, c * dim, dim);
      if (d < minDist[i]) minDist[i] = d;
      total += minDist[i];
    }
    if (c + 1 === k) break;
    if (total <= 0) {
      chosen = rng.int(n); // all points coincide with a centroid: any point will do
      continue;
    }
    let target = rng.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= minDist[i];
      if (target <= 0) { chosen = i; break; }
    }
  }
  return centroids;
}

/** Clusters n = vectors.length / dim points into k centroids. Requires n ≥ k ≥ 1. */
export function kmeans(vectors: Float32Array, dim: number, k: number, options: KMeansOptions = {}): KMeansResult {
  const n = vectors.length / dim;
  if (!Number.isInteger(k) || k < 1) throw invalid(`k-means: k must be a positive integer, got ${k}`);
  if (n < k) throw invalid(`k-means: needs at least k=${k} training vectors, got ${n}`);
  const rng = new SeededRandom(options.seed ?? 42);
  const iterations = options.iterations ?? 10;
  const maxPoints = k * (options.maxPointsPerCentroid ?? 32);

  let points = vectors;
  if (n > maxPoints) {
    const idx = rng.sample(n, maxPoints);
    points = new Float32Array(maxPoints * dim);
    for (let i = 0; i < maxPoints; i++) points.set(vectors.subarray(idx[i] * dim, idx[i] * dim + dim), i * dim);
  }
  const np = points.length / dim;
  const centroids = seedPlusPlus(points, dim, k, rng);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * dim);
  const dist = new Float32Array(np);
  let inertia = 0;
  for (let it = 0; it < iterations; it++) {
    const assign = assignNearest(points, dim, centroids, rowNorms(centroids, dim), dist);
    inertia = 0;
    for (let i = 0; i < np; i++) inertia += dist[i];
    inertia /= np;
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < np; i++) {
      const c = assign[i];
      counts[c]++;
      const oc = c * dim;
      const op = i * dim;
      for (let d = 0; d < dim; d++) sums[oc + d] += points[op + d];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      const inv = 1 / counts[c];
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d] * inv;
    }
    splitEmptyClusters(centroids, counts, dim, rng);
  }
  return { centroids, k, inertia };
}

/** As faiss: an empty cluster takes a slightly perturbed copy of a large cluster's centroid. */
function splitEmptyClusters(centroids: Float32Array, counts: Float64Array, dim: number, rng: SeededRandom): void {
  const k = counts.length;
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue;
    // Pick a donor with probability ∝ (size - 1), so singletons are never split.
    let spare = 0;
    for (let j = 0; j < k; j++) spare += Math.max(0, counts[j] - 1);
    if (spare <= 0) return;
    const p = rng.next() * spare;
    let acc = 0;
    let donor = -1;
    for (let j = 0; j < k && donor < 0; j++) {
      acc += Math.max(0, counts[j] - 1);
      if (counts[j] > 1 && acc >= p) donor = j;
    }
    if (donor < 0) donor = counts.indexOf(Math.max(...counts));
    const eps = 1 / 1024;
    for (let d = 0; d < dim; d++) {
      const v = centroids[donor * dim + d];
      const sign = d % 2 === 0 ? 1 : -1;
      centroids[c * dim + d] = v * (1 + sign * eps);
      centroids[donor * dim + d] = v * (1 - sign * eps);
    }
    counts[c] = Math.floor(counts[donor] / 2);
    counts[donor] -= counts[c];
  }
}
