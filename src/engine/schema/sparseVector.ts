// Sparse vectors a user gives (a SparseFloatVector field that is not a BM25 output): a map of
// dimension index → weight, as Milvus's dict form. Indices are integers 0 .. 2^32 − 2 and weights
// finite numbers; zeros are dropped. Searched by inner product (IP), exactly.

import { invalid } from '../errors';
import type { SparseVector } from './types';

const MAX_INDEX = 2 ** 32 - 2;

/** Checks one sparse vector (a dict, or Milvus's {indices, values} form); throws naming `where`. */
export function checkSparseVector(value: unknown, where: string): SparseVector {
  if (value === null || typeof value !== 'object') throw invalid(`${where}: expected a sparse vector (an object of index: weight), got ${value === null ? 'null' : typeof value}`);
  const v = value as Record<string, unknown>;
  const pairs: Array<[unknown, unknown]> = Array.isArray(v.indices) && Array.isArray(v.values)
    ? (v.indices as unknown[]).map((ix, j) => [ix, (v.values as unknown[])[j]])
    : Object.entries(v);
  const out: SparseVector = {};
  for (const [rawIndex, weight] of pairs) {
    const index = typeof rawIndex === 'string' && /^\d+$/.test(rawIndex) ? Number(rawIndex) : rawIndex;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_INDEX) {
      throw invalid(`${where}: sparse index ${JSON.stringify(rawIndex)} must be an integer from 0 to ${MAX_INDEX}`);
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw invalid(`${where}: the weight at index ${index} is ${JSON.stringify(weight)}; weights must be finite numbers`);
    }
    if (weight !== 0) out[index] = weight;
  }
  return out;
}

/** Inner product of two sparse vectors (iterates over the smaller). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const [small, large] = ka.length <= kb.length ? [a, b] : [b, a];
  let s = 0;
  for (const k of ka.length <= kb.length ? ka : kb) {
    const w = (large as Record<string, number>)[k];
    if (w !== undefined) s += (small as Record<string, number>)[k] * w;
  }
  return s;
}
