// The allow-set of a segment for one request: live rows that pass the filter. Milvus computes the
// same bitset before handing it to the index.

import type { Row } from '../schema/types';
import type { Segment } from '../segment';
import type { AllowSet } from './vectorSearch';

export function allowSet(seg: Segment, filter: ((row: Row) => boolean) | undefined): AllowSet {
  if (!filter) return { bits: null, count: seg.liveCount };
  const n = seg.size;
  const bits = new Uint8Array(n);
  let count = 0;
  const rows = seg.rows;
  const deleted = seg.deleted;
  for (let i = 0; i < n; i++) {
    if (deleted[i] !== 1 && filter(rows[i])) {
      bits[i] = 1;
      count++;
    }
  }
  return { bits, count };
}

/** Live offsets of a segment that pass the filter, in order. */
export function* matchingOffsets(seg: Segment, filter: ((row: Row) => boolean) | undefined): Generator<number> {
  const n = seg.size;
  for (let i = 0; i < n; i++) {
    if (seg.deleted[i] !== 1 && (!filter || filter(seg.rows[i]))) yield i;
  }
}
