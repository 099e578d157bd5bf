// One search request over all segments of a collection: build each segment's allow-bitset once
// (filter + tombstones), search every segment for the best candidates, merge, then apply range,
// group-by, offset and limit. The per-segment work is in segmentSearch.ts.

import type { PrimaryKey, SearchHit, SearchTimeParams } from '../api';
import { invalid } from '../errors';
import { smallerIsBetter } from '../index/distance';
import { type Bm25Stats, mergeBm25Stats } from '../index/bm25';
import type { Segment } from '../segment';
import type { SparseVector } from '../schema/types';
import type { ScoreKind } from './rankers';
import { type Candidate, searchSegment } from './segmentSearch';

export interface AllowSet {
  bits: Uint8Array | null; // null = every live row allowed
  count: number;
}

export interface VectorQuery {
  field: string;
  metric: ScoreKind;
  /** Dense vector, BM25 query text, or a user sparse vector. */
  query: Float32Array | string | SparseVector;
  limit: number;
  offset: number;
  params: SearchTimeParams;
  groupBy?: { field: string; size: number };
}

export interface Merged {
  seg: Segment;
  offset: number;
  distance: number;
}

export function largerIsBetter(metric: ScoreKind): boolean {
  return !smallerIsBetter(metric);
}

/** Returns the winners of one query, best first, with their segment and offset. */
export function searchSegments(segments: Segment[], allows: AllowSet[], q: VectorQuery): Merged[] {
  const totalAllowed = allows.reduce((s, a) => s + a.count, 0);
  const want = q.offset + q.limit;
  if (totalAllowed === 0 || want === 0) return [];
  const range = rangeOf(q);
  const grouping = q.groupBy;
  // Range and group-by need more candidates than `want`; widen until satisfied or exhausted.
  let k = grouping ? want * grouping.size * 4 : range ? Math.max(want * 2, 64) : want;
  for (;;) {
    k = Math.min(k, totalAllowed);
    const merged = mergeCandidates(segments, allows, q, k);
    let picked = range ? merged.filter((m) => range(m.distance)) : merged;
    let enough = true;
    if (grouping) {
      const grouped = groupCandidates(picked, grouping.field, grouping.size, want);
      enough = grouped.groups >= want;
      picked = grouped.hits;
    } else if (range) {
      // Every candidate inside the range → there may be more beyond k.
      enough = merged.length === 0 || !range(merged[merged.length - 1].distance) || picked.length >= want;
    }
    if (enough || k >= totalAllowed) {
      return grouping ? picked : picked.slice(0, want);
    }
    k *= 4;
  }
}

function mergeCandidates(segments: Segment[], allows: AllowSet[], q: VectorQuery, k: number): Merged[] {
  const all: Merged[] = [];
  const bm25 = typeof q.query === 'string' ? collectionBm25Stats(segments, q.field, q.query) : undefined;
  segments.forEach((seg, i) => {
    if (allows[i].count === 0) return;
    const hits: Candidate[] = searchSegment(seg, allows[i], q.field, q.metric, q.query, Math.min(k, allows[i].count), q.params, bm25);
    for (const h of hits) all.push({ seg, offset: h.label, distance: h.distance });
  });
  const better = largerIsBetter(q.metric);
  all.sort((a, b) => (better ? b.distance - a.distance : a.distance - b.distance));
  return all.slice(0, k);
}

/** BM25 statistics over every segment, so scores compare across segments. */
function collectionBm25Stats(segments: Segment[], field: string, text: string): Bm25Stats | undefined {
  const indexes = segments.map((s) => s.bm25.get(field)).filter((b): b is NonNullable<typeof b> => b !== undefined);
  if (indexes.length === 0) return undefined;
  const terms = indexes[0].analyzer.analyze(text);
  return mergeBm25Stats(indexes.map((b) => b.stats(terms)));
}

/** Milvus range search: L2 keeps rangeFilter <= d < radius; IP/COSINE keep radius < s <= rangeFilter. */
function rangeOf(q: VectorQuery): ((d: number) => boolean) | undefined {
  const { radius, rangeFilter } = q.params;
  if (radius === undefined) {
    if (rangeFilter !== undefined) throw invalid('search params: range_filter needs radius');
    return undefined;
  }
  if (typeof radius !== 'number' || !Number.isFinite(radius)) throw invalid(`search params: radius must be a number, got ${radius}`);
  if (largerIsBetter(q.metric)) {
    if (rangeFilter !== undefined && !(rangeFilter > radius)) {
      throw invalid(`search params: for ${q.metric}, range_filter (${rangeFilter}) must be greater than radius (${radius})`);
    }
    return (d) => d > radius && (rangeFilter === undefined || d <= rangeFilter);
  }
  if (rangeFilter !== undefined && !(rangeFilter < radius)) {
    throw invalid(`search params: for L2, range_filter (${rangeFilter}) must be less than radius (${radius})`);
  }
  return (d) => d < radius && (rangeFilter === undefined || d >= rangeFilter);
}

/** Keeps at most `size` hits per distinct value of `field`, for the first `groups` values. */
function groupCandidates(cands: Merged[], field: string, size: number, groups: number): { hits: Merged[]; groups: number } {
  const counts = new Map<unknown, number>();
  const hits: Merged[] = [];
  for (const c of cands) {
    const key = groupKey(c.seg.rows[c.offset][field]);
    const n = counts.get(key);
    if (n === undefined) {
      if (counts.size >= groups) continue;
      counts.set(key, 1);
    } else if (n >= size) {
      continue;
    } else {
      counts.set(key, n + 1);
    }
    hits.push(c);
  }
  return { hits, groups: counts.size };
}

function groupKey(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
}

/** The hits of a grouped result, ordered group by group (best group first), as Milvus returns them. */
export function orderGroups(merged: Merged[], field: string): Merged[] {
  const order: unknown[] = [];
  const byKey = new Map<unknown, Merged[]>();
  for (const m of merged) {
    const key = groupKey(m.seg.rows[m.offset][field]);
    let list = byKey.get(key);
    if (!list) {
      list = [];
      byKey.set(key, list);
      order.push(key);
    }
    list.push(m);
  }
  return order.flatMap((k) => byKey.get(k) as Merged[]);
}

export function toHits(merged: Merged[], pkOf: (m: Merged) => PrimaryKey, entity: (m: Merged) => SearchHit['entity']): SearchHit[] {
  return merged.map((m) => ({ id: pkOf(m), distance: m.distance, entity: entity(m) }));
}
