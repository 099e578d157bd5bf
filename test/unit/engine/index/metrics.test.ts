// Every metric gives Milvus-convention results: FLAT matches a plain exact scan, distances are
// L2² (ascending) or IP / cosine scores (descending), and HNSW reports the same numbers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIndex } from '../../../../src/engine/index/factory';
import type { MetricType } from '../../../../src/engine/index/types';
import { exactSearch } from '../../../../src/engine/search/filteredSearch';
import { clusteredDataset } from '../../../support/synthetic';

const n = 3000;
const dim = 32;
const data = clusteredDataset({ n, dim, clusters: 20, seed: 3 });
const queries = data.sample(20, 5);
const labels = Uint32Array.from({ length: n }, (_, i) => i);

/** The textbook value of each metric, computed in float64. */
function reference(metric: MetricType, q: Float32Array, row: number): number {
  let dotp = 0, qq = 0, xx = 0, l2 = 0;
  for (let d = 0; d < dim; d++) {
    const a = q[d], b = data.vectors[row * dim + d];
    dotp += a * b; qq += a * a; xx += b * b; l2 += (a - b) ** 2;
  }
  return metric === 'L2' ? l2 : metric === 'IP' ? dotp : dotp / Math.sqrt(qq * xx);
}

describe('metrics', () => {
  for (const metric of ['L2', 'IP', 'COSINE'] as MetricType[]) {
    it(`${metric}: FLAT returns the exact top-10 with Milvus-convention distances`, () => {
      const index = createIndex({ indexType: 'FLAT', metricType: metric, params: {} }, dim);
      index.add(labels, data.vectors);
      for (let i = 0; i < 20; i++) {
        const q = queries.subarray(i * dim, (i + 1) * dim);
        const hits = index.search(q, 10);
        // Brute force over every row in float64, sorted by the metric's "better".
        const all = Array.from({ length: n }, (_, r) => ({ r, v: reference(metric, q, r) }));
        all.sort((a, b) => (metric === 'L2' ? a.v - b.v : b.v - a.v));
        assert.deepEqual(hits.labels, all.slice(0, 10).map((x) => x.r));
        hits.distances.forEach((d, j) => assert.ok(Math.abs(d - all[j].v) < 1e-3 * Math.max(1, Math.abs(all[j].v)), `${d} vs ${all[j].v}`));
        assert.deepEqual(exactSearch(data.vectors, dim, metric, q, 10).labels, hits.labels);
      }
    });

    it(`${metric}: HNSW distances use the same convention as FLAT`, () => {
      const flat = createIndex({ indexType: 'FLAT', metricType: metric, params: {} }, dim);
      const hnsw = createIndex({ indexType: 'HNSW', metricType: metric, params: {} }, dim);
      flat.add(labels, data.vectors);
      hnsw.add(labels, data.vectors);
      const q = queries.subarray(0, dim);
      const a = flat.search(q, 5);
      const b = hnsw.search(q, 5, { ef: 200 });
      assert.deepEqual(b.labels, a.labels);
      b.distances.forEach((d, j) => assert.ok(Math.abs(d - a.distances[j]) < 1e-3 * Math.max(1, Math.abs(d))));
    });
  }

  it('COSINE scores lie in [-1, 1] and do not depend on vector length', () => {
    const index = createIndex({ indexType: 'FLAT', metricType: 'COSINE', params: {} }, 2);
    index.add(Uint32Array.of(0, 1, 2), Float32Array.of(10, 0, 0, 0.5, -3, 0));
    const hits = index.search(Float32Array.of(1, 0), 3);
    assert.deepEqual(hits.labels, [0, 1, 2]);
    assert.deepEqual(hits.distances.map((d) => Math.round(d * 1e6) / 1e6), [1, 0, -1]);
  });
});
