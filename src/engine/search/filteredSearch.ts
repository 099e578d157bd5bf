// Vector search under a filter, with Milvus's policy: when few rows pass the filter, scan just
// those rows exactly (cheaper than walking an index that mostly rejects, and exact); otherwise
// search inside the index with the bitset as the allow callback, widening IVF's nprobe as the
// filter gets more selective so recall holds.

import { dot, keyFunction, TopK } from '../index/distance';
import type { IndexType, LabelFilter, MetricType, SearchHits, SearchParams, VectorIndex } from '../index/types';
import { DEFAULT_NPROBE } from '../index/ivfFlat';

/**
 * Exact top-k over row-major `vectors` (n = vectors.length / dim rows), skipping rows that
 * `allow` rejects (a callback, or a bitset with 1 = allowed). COSINE is computed from the raw
 * vectors (they need not be normalized).
 */
export function exactSearch(
  vectors: Float32Array,
  dim: number,
  metric: MetricType,
  query: Float32Array,
  k: number,
  allow?: LabelFilter | Uint8Array,
): SearchHits {
  const n = Math.floor(vectors.length / dim);
  const top = new TopK(Math.max(0, Math.min(k, n)));
  const bits = allow instanceof Uint8Array ? allow : undefined;
  const fn = typeof allow === 'function' ? allow : undefined;
  if (metric === 'COSINE') {
    const qn = Math.sqrt(dot(query, 0, query, 0, dim)) || 1;
    for (let r = 0; r < n; r++) {
      if ((bits && bits[r] !== 1) || (fn && !fn(r))) continue;
      const o = r * dim;
      const xn = Math.sqrt(dot(vectors, o, vectors, o, dim));
      top.push(xn > 0 ? -dot(query, 0, vectors, o, dim) / (qn * xn) : 0, r);
    }
  } else {
    const key = keyFunction(metric);
    for (let r = 0; r < n; r++) {
      if ((bits && bits[r] !== 1) || (fn && !fn(r))) continue;
      top.push(key(query, 0, vectors, r * dim, dim), r);
    }
  }
  return top.toHits(metric);
}

export interface FilteredSearchRequest {
  index: VectorIndex;
  /** The segment's raw vectors, row-major, row = label. */
  vectors: Float32Array;
  /** Rows in the segment. */
  count: number;
  /** 1 = allowed (filter and deletes folded in); absent = every row allowed. */
  allow?: Uint8Array;
  /** Number of 1s in `allow` (counted here when absent). */
  allowCount?: number;
  query: Float32Array;
  k: number;
  params?: SearchParams;
}

/**
 * hnswlib's filtered search visits about ef / s nodes (s = allowed / rows), calling back into JS
 * for each, while an exact scan of the allowed rows costs s · n distances: they break even near
 * s² · n = HNSW_BREAK_EVEN. Measured on 30k × 384 (bench/RESULTS.md): HNSW filtered wins from
 * about 15% allowed, the exact scan below — so break-even ≈ 0.15² × 30000 ≈ 700.
 */
const HNSW_BREAK_EVEN = 700;

/**
 * Up to this many allowed rows an exact scan wins (Milvus's "bitset + brute force" path): for
 * HNSW √(700 · n) rows (8.4k of 100k, 26k of 1M); for IVF, whose list scan skips disallowed
 * rows cheaply, 2% of rows; never fewer than max(2000, 50·k).
 */
export function bruteForceThreshold(indexType: IndexType, count: number, k: number): number {
  const floor = Math.max(2000, k * 50);
  if (indexType === 'HNSW') return Math.max(floor, Math.ceil(Math.sqrt(HNSW_BREAK_EVEN * count)));
  return Math.max(floor, Math.ceil(count * 0.02));
}

function popcount(bits: Uint8Array, count: number): number {
  let c = 0;
  for (let i = 0; i < count; i++) c += bits[i] === 1 ? 1 : 0;
  return c;
}

/**
 * IVF with a filter of selectivity s: each probed list holds a fraction s of usable rows, so
 * probe 1/√s times more lists (capped); skipping a disallowed row costs one bitset read.
 * HNSW needs no such widening: hnswlib counts only allowed nodes toward ef and keeps walking
 * until it has ef of them (measured recall@10 1.000 at 10–30% with ef=64; doubling ef there
 * only doubled the cost).
 */
function widen(base: number, selectivity: number, cap: number): number {
  if (selectivity >= 0.5) return base;
  return Math.min(cap, Math.ceil(base / Math.sqrt(selectivity)));
}

export function filteredSearch(req: FilteredSearchRequest): SearchHits {
  const { index, vectors, count, allow, query, k } = req;
  const params: SearchParams = { ...req.params };
  index.setRawVectors?.(vectors);
  if (!allow) return index.search(query, k, params);
  const allowed = req.allowCount ?? popcount(allow, count);
  if (allowed === 0) return { labels: [], distances: [] };
  if (allowed <= bruteForceThreshold(index.type, count, k) && allowed < count) {
    return exactSearch(vectors.subarray(0, count * index.dim), index.dim, index.metric, query, k, allow);
  }
  const selectivity = allowed / count;
  if (index.type === 'IVF_FLAT' || index.type === 'IVF_PQ') params.nprobe = widen(params.nprobe ?? DEFAULT_NPROBE, selectivity, 65536);
  const pass: LabelFilter = (label) => allow[label] === 1;
  return index.search(query, k, params, allowed === count ? undefined : pass);
}
