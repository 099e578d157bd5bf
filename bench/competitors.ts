// The libraries the engine benchmark compares against, on the same data: raw hnswlib-node,
// usearch (HNSW) and LanceDB (IVF_PQ, its default vector index), each behind one small function
// returning build time and per-setting QPS / recall.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import type { HierarchicalNSW } from 'hnswlib-node';
import * as usearch from 'usearch';
import { recallAtK } from '../test/support/synthetic';

export interface Measured {
  setting: string;
  qps: number;
  recall: number;
}

export interface CompetitorResult {
  name: string;
  buildSeconds?: number;
  results: Measured[];
  note?: string;
}

function rows(queries: Float32Array, dim: number): Float32Array[] {
  return Array.from({ length: queries.length / dim }, (_, i) => queries.subarray(i * dim, (i + 1) * dim));
}

/** hnswlib-node's searchKnn called directly on the same graph (same M, efConstruction, ef). */
export function rawHnswlib(native: HierarchicalNSW, queries: Float32Array, dim: number, truth: number[][], efs: number[], k: number): CompetitorResult {
  const qs = rows(queries, dim).map((q) => Array.from(q)); // a raw user already holds number[]
  const results: Measured[] = [];
  for (const ef of efs) {
    native.setEf(ef);
    const found: number[][] = [];
    const t = performance.now();
    for (const q of qs) found.push(native.searchKnn(q, k).neighbors);
    const s = (performance.now() - t) / 1000;
    results.push({ setting: `ef=${ef}`, qps: qs.length / s, recall: recallAtK(found, truth, k) });
  }
  return { name: 'hnswlib-node (raw)', results, note: 'same graph as Loupe HNSW; query arrays prepared outside the timing' };
}

export async function usearchHnsw(
  vectors: Float32Array, queries: Float32Array, dim: number, truth: number[][], efs: number[], k: number, M: number, efConstruction: number,
): Promise<CompetitorResult> {
  const n = vectors.length / dim;
  const config = (ef: number) => ({ dimensions: dim, metric: usearch.MetricKind.L2sq, quantization: usearch.ScalarKind.F32, connectivity: M, expansion_add: efConstruction, expansion_search: ef, multi: false });
  const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
  const t0 = performance.now();
  const built = new usearch.Index(config(efs[0]));
  built.add(keys, vectors, 0); // all cores: usearch's own batch insert
  const buildSeconds = (performance.now() - t0) / 1000;
  const dir = mkdtempSync(path.join(tmpdir(), 'loupe-usearch-'));
  const file = path.join(dir, 'u.usearch');
  built.save(file);
  const results: Measured[] = [];
  for (const ef of efs) {
    const index = new usearch.Index(config(ef)); // expansion_search is fixed per instance
    index.load(file);
    const found: number[][] = [];
    const t = performance.now();
    for (const q of rows(queries, dim)) found.push(Array.from(index.search(q, k, 1).keys, Number));
    const s = (performance.now() - t) / 1000;
    results.push({ setting: `ef=${ef}`, qps: truth.length / s, recall: recallAtK(found, truth, k) });
  }
  rmSync(dir, { recursive: true, force: true });
  return { name: 'usearch', buildSeconds, results, note: `build multi-threaded (${M}/${efConstruction}); search 1 thread` };
}

export async function lancedbIvfPq(
  vectors: Float32Array, queries: Float32Array, dim: number, truth: number[][], k: number, numPartitions: number, numSubVectors: number,
): Promise<CompetitorResult> {
  const n = vectors.length / dim;
  const dir = mkdtempSync(path.join(tmpdir(), 'loupe-lancedb-'));
  try {
    const db = await lancedb.connect(dir);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({ id: from + i, vector: Array.from(vectors.subarray((from + i) * dim, (from + i + 1) * dim)) }));
    const step = 10000;
    const table = await db.createTable('bench', batch(0, Math.min(step, n)));
    for (let from = step; from < n; from += step) await table.add(batch(from, Math.min(n, from + step)));
    const t0 = performance.now();
    await table.createIndex('vector', { config: lancedb.Index.ivfPq({ numPartitions, numSubVectors, distanceType: 'l2' }) });
    const buildSeconds = (performance.now() - t0) / 1000;
    const results: Measured[] = [];
    for (const [nprobes, refine] of [[20, 1], [20, 10], [50, 10], [100, 10]]) {
      const found: number[][] = [];
      const t = performance.now();
      for (const q of rows(queries, dim)) {
        const res = await table.vectorSearch(q).distanceType('l2').limit(k).nprobes(nprobes).refineFactor(refine).select(['id', '_distance']).toArray();
        found.push(res.map((r: { id: number }) => Number(r.id)));
      }
      const s = (performance.now() - t) / 1000;
      results.push({ setting: `nprobes=${nprobes} refine=${refine}`, qps: truth.length / s, recall: recallAtK(found, truth, k) });
    }
    return { name: `LanceDB IVF_PQ (${numPartitions} partitions, ${numSubVectors} sub-vectors)`, buildSeconds, results, note: 'one awaited query at a time; build time excludes the table write' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
