// semble's scoring protocol (benchmarks/metrics.py and data.py), so Loupe's figures sit beside
// the published ones: a target (relevant or secondary, binary gain) is found at the rank of the
// first returned chunk whose file matches it and, when the target has a line span, overlaps it;
// NDCG@k with the ideal over min(k, number of targets).

export interface Target {
  path: string;
  startLine?: number;
  endLine?: number;
}

/** A returned chunk: repo-relative path and 1-based inclusive lines. */
export interface RankedChunk {
  path: string;
  startLine: number;
  endLine: number;
}

/** Equal, or one path ends with "/" + the other (semble's rule for relative vs absolute). */
export function pathMatches(file: string, target: string): boolean {
  const a = file.replace(/\\/g, '/');
  const b = target.replace(/\\/g, '/');
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

export function chunkCovers(chunk: RankedChunk, target: Target): boolean {
  if (!pathMatches(chunk.path, target.path)) return false;
  if (target.startLine === undefined || target.endLine === undefined) return true;
  return !(chunk.endLine < target.startLine || chunk.startLine > target.endLine);
}

/** 1-based rank of the first chunk covering the target, or undefined. */
export function targetRank(results: readonly RankedChunk[], target: Target): number | undefined {
  const i = results.findIndex((c) => chunkCovers(c, target));
  return i < 0 ? undefined : i + 1;
}

const dcg = (gains: readonly number[]) => gains.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);

export function ndcgAtK(ranks: readonly number[], targetCount: number, k: number): number {
  if (targetCount === 0) return 0;
  const gains = new Array<number>(k).fill(0);
  for (const r of ranks) if (r >= 1 && r <= k) gains[r - 1] = 1;
  const ideal = dcg(new Array<number>(Math.min(k, targetCount)).fill(1));
  return ideal > 0 ? dcg(gains) / ideal : 0;
}

/** One query's NDCG@k over its returned chunks (only the first k count). */
export function queryNdcg(results: readonly RankedChunk[], targets: readonly Target[], k = 10): number {
  const top = results.slice(0, k);
  const ranks = targets.map((t) => targetRank(top, t)).filter((r): r is number => r !== undefined);
  return ndcgAtK(ranks, targets.length, k);
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
