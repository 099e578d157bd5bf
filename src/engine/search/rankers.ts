// Fusing several result lists into one, as Milvus's RRFRanker and WeightedRanker do.

import type { PrimaryKey, Ranker, SearchHit } from '../api';
import { invalid } from '../errors';

export type ScoreKind = 'L2' | 'IP' | 'COSINE' | 'HAMMING' | 'JACCARD' | 'BM25';

export interface RankedList {
  hits: SearchHit[];
  metric: ScoreKind;
}

/** Fuses lists; the result's `distance` is the fused score (larger is better). */
export function fuse(lists: RankedList[], ranker: Ranker): SearchHit[] {
  const scores = new Map<PrimaryKey, { score: number; hit: SearchHit }>();
  const add = (hit: SearchHit, s: number): void => {
    const cur = scores.get(hit.id);
    if (cur) cur.score += s;
    else scores.set(hit.id, { score: s, hit });
  };
  if (ranker.strategy === 'rrf') {
    const k = ranker.params?.k ?? 60;
    if (!(k > 0 && k < 16384)) throw invalid(`rerank: RRF k must be in (0, 16384), got ${k}`);
    for (const list of lists) list.hits.forEach((hit, rank) => add(hit, 1 / (k + rank + 1)));
  } else if (ranker.strategy === 'weighted') {
    const weights = ranker.params?.weights;
    if (!Array.isArray(weights) || weights.length !== lists.length) {
      throw invalid(`rerank: weighted needs one weight per search (${lists.length}), got ${JSON.stringify(weights)}`);
    }
    weights.forEach((w, i) => {
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) throw invalid(`rerank: weight ${i} must be in [0, 1], got ${w}`);
    });
    const norm = ranker.params.normScore !== false;
    lists.forEach((list, i) => {
      for (const hit of list.hits) add(hit, weights[i] * (norm ? normalize(hit.distance, list.metric) : hit.distance));
    });
  } else {
    throw invalid(`rerank: unknown strategy ${JSON.stringify((ranker as { strategy: unknown }).strategy)}; use "rrf" or "weighted"`);
  }
  return [...scores.values()]
    .sort((a, b) => b.score - a.score)
    .map(({ score, hit }) => ({ ...hit, distance: score }));
}

/** Maps a metric's score to [0, 1], larger better — Milvus's arctan normalisation. */
export function normalize(distance: number, metric: ScoreKind): number {
  switch (metric) {
    case 'L2':
    case 'HAMMING':
      return 1 - (2 * Math.atan(distance)) / Math.PI;
    case 'JACCARD':
      return 1 - distance;
    case 'COSINE':
      return (distance + 1) / 2;
    case 'IP':
    case 'BM25':
      return 0.5 + Math.atan(distance) / Math.PI;
  }
}
