// Recall@10 of each approximate index against the exact scan, on seeded clustered data.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IndexSpec, SearchParams, VectorIndex } from '../../../../src/engine/index/types';
import { clusteredDataset, groundTruth, recallAtK } from '../../../support/synthetic';
import { buildIndex } from '../../../support/buildIndex';

const n = 10000;
const dim = 48;
const nq = 100;
const k = 10;
const data = clusteredDataset({ n, dim, clusters: 40, seed: 7 });
const queries = data.sample(nq, 99);

const build = (spec: IndexSpec): VectorIndex => buildIndex(spec, dim, data.vectors);

function recall(index: VectorIndex, params: SearchParams): number {
  const truth = groundTruth(data.vectors, dim, index.metric, queries, k);
  const found = [];
  for (let i = 0; i < nq; i++) found.push(index.search(queries.subarray(i * dim, (i + 1) * dim), k, params).labels);
  return recallAtK(found, truth, k);
}

describe('recall@10 against exact search', () => {
  it('HNSW (M=16, efConstruction=100) reaches ≥ 0.95 at ef=64', () => {
    const index = build({ indexType: 'HNSW', metricType: 'L2', params: { M: 16, efConstruction: 100 } });
    assert.equal(index.size, n);
    const r = recall(index, { ef: 64 });
    assert.ok(r >= 0.95, `recall ${r}`);
  });

  it('HNSW with COSINE reaches ≥ 0.95 at ef=64', () => {
    const index = build({ indexType: 'HNSW', metricType: 'COSINE', params: { M: 16, efConstruction: 100 } });
    const r = recall(index, { ef: 64 });
    assert.ok(r >= 0.95, `recall ${r}`);
  });

  it('IVF_FLAT (nlist=100) reaches ≥ 0.95 at nprobe=16', () => {
    const index = build({ indexType: 'IVF_FLAT', metricType: 'L2', params: { nlist: 100 } });
    assert.equal(index.size, n);
    const r = recall(index, { nprobe: 16 });
    assert.ok(r >= 0.95, `recall ${r}`);
  });

  it('IVF_PQ (m=12, nbits=8) with refine reaches ≥ 0.9, and refine beats plain ADC', () => {
    const index = build({ indexType: 'IVF_PQ', metricType: 'L2', params: { nlist: 100, m: 12, nbits: 8 } });
    const refined = recall(index, { nprobe: 16, refineK: 4 });
    const plain = recall(index, { nprobe: 16 });
    assert.ok(refined >= 0.9, `recall with refine ${refined}`);
    assert.ok(refined >= plain, `refine ${refined} < plain ${plain}`);
  });

  it('IVF_PQ with IP and refine reaches ≥ 0.9', () => {
    const index = build({ indexType: 'IVF_PQ', metricType: 'IP', params: { nlist: 100, m: 12, nbits: 8 } });
    const r = recall(index, { nprobe: 16, refineK: 4 });
    assert.ok(r >= 0.9, `recall ${r}`);
  });
});
