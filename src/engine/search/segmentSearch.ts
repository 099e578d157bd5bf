// Searching one segment: BM25 text against its inverted index; dense vectors through the
// segment's index when it has one (filteredSearch decides between in-index filtering and an
// exact scan of the allowed rows), else an exact scan (growing segments).

import type { SearchTimeParams } from '../api';
import type { Bm25Stats } from '../index/bm25';
import type { MetricType } from '../index/types';
import type { SparseVector } from '../schema/types';
import type { Segment } from '../segment';
import { sparseSearch } from './sparseSearch';
import { exactSearch, filteredSearch } from './filteredSearch';
import type { ScoreKind } from './rankers';
import type { AllowSet } from './vectorSearch';

export interface Candidate {
  label: number;
  distance: number;
}

export function searchSegment(
  seg: Segment,
  allow: AllowSet,
  field: string,
  metric: ScoreKind,
  query: Float32Array | string | SparseVector,
  k: number,
  params: SearchTimeParams,
  bm25Stats?: Bm25Stats,
): Candidate[] {
  const allowFn = allowFunction(seg, allow);
  if (typeof query === 'string') {
    const bm = seg.bm25.get(field);
    if (!bm) return [];
    const hits = bm.search(query, k, allowFn, bm25Stats);
    return hits.labels.map((label, i) => ({ label, distance: hits.distances[i] }));
  }
  if (!(query instanceof Float32Array)) return sparseSearch(seg, field, query, k, allowFn);
  const vectors = seg.vectorsOf(field);
  const dim = seg.dimOf(field);
  const index = seg.indexes.get(field);
  const hits = index
    ? filteredSearch({ index, vectors, count: seg.size, allow: allow.bits ?? liveBits(seg), allowCount: allow.count, query, k, params })
    : exactSearch(vectors, dim, metric as MetricType, query, k, allowFn);
  return hits.labels.map((label, i) => ({ label, distance: hits.distances[i] }));
}

function allowFunction(seg: Segment, allow: AllowSet): (label: number) => boolean {
  const bits = allow.bits;
  if (bits) return (label) => bits[label] === 1;
  const deleted = seg.deleted;
  return (label) => deleted[label] !== 1;
}

/** An allow-bitset of the live rows, for indexes that want one when there is no filter. */
function liveBits(seg: Segment): Uint8Array {
  const bits = new Uint8Array(seg.size);
  for (let i = 0; i < seg.size; i++) bits[i] = seg.deleted[i] ? 0 : 1;
  return bits;
}
