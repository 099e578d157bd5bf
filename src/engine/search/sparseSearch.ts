// Exact inner-product search over a segment's user sparse vectors (kept in the rows). Milvus's
// SPARSE_INVERTED_INDEX / SPARSE_WAND answer the same top k; a scan is exact and, at editor
// scale, quick.

import { TopK } from '../index/distance';
import { sparseDot } from '../schema/sparseVector';
import type { SparseVector } from '../schema/types';
import type { Segment } from '../segment';
import type { Candidate } from './segmentSearch';

export function sparseSearch(seg: Segment, field: string, query: SparseVector, k: number, allow: (label: number) => boolean): Candidate[] {
  const top = new TopK(Math.max(0, Math.min(k, seg.size)));
  for (let i = 0; i < seg.size; i++) {
    if (!allow(i)) continue;
    const row = seg.rows[i][field] as SparseVector | null | undefined;
    if (!row) continue;
    top.push(-sparseDot(query, row), i);
  }
  const { keys, labels } = top.sorted();
  return labels.map((label, i) => ({ label, distance: -keys[i] }));
}
