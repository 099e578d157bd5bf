// Bad build parameters, bad queries and misuse get errors that name the parameter; small
// segments (k > n, fewer rows than nlist) still work.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineError } from '../../../../src/engine/errors';
import { createIndex } from '../../../../src/engine/index/factory';
import type { IndexSpec, IndexType } from '../../../../src/engine/index/types';

function throwsClear(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('index parameters', () => {
  it('rejects bad build parameters, naming the parameter and the allowed range', () => {
    const spec = (indexType: IndexType, params: Record<string, unknown>): IndexSpec =>
      ({ indexType, metricType: 'L2', params }) as IndexSpec;
    throwsClear(() => createIndex(spec('IVF_PQ', { m: 5 }), 64), /m=5 must divide the vector dimension 64/);
    throwsClear(() => createIndex(spec('IVF_PQ', { m: 8, nbits: 17 }), 64), /nbits must be an integer from 1 to 16, got 17/);
    throwsClear(() => createIndex(spec('IVF_FLAT', { nlist: 0 }), 64), /nlist must be an integer from 1/);
    throwsClear(() => createIndex(spec('IVF_FLAT', { nlist: 2.5 }), 64), /nlist .* got 2.5/);
    throwsClear(() => createIndex(spec('HNSW', { M: 1 }), 64), /HNSW index: parameter M must be an integer from 2/);
    throwsClear(() => createIndex(spec('HNSW', { efConstruction: '200' }), 64), /efConstruction .* got "200"/);
    throwsClear(() => createIndex(spec('HNSW', { nlist: 10 }), 64), /unknown build parameter "nlist"/);
    throwsClear(() => createIndex({ indexType: 'DISKANN' as IndexType, metricType: 'L2', params: {} }, 64), /unknown index type "DISKANN"/);
    throwsClear(() => createIndex({ indexType: 'FLAT', metricType: 'SUBSTRUCTURE' as 'L2', params: {} }, 64), /unknown metric type "SUBSTRUCTURE"/);
    throwsClear(() => createIndex(spec('FLAT', {}), 0), /dim must be a positive integer/);
  });

  it('rejects bad queries and adds', () => {
    const index = createIndex({ indexType: 'FLAT', metricType: 'L2', params: {} }, 4);
    throwsClear(() => index.add(Uint32Array.of(0, 1), new Float32Array(4)), /2 labels but 1 vectors of dim 4/);
    throwsClear(() => index.add(Uint32Array.of(7), Float32Array.of(1, NaN, 0, 0)), /label 7 .* non-finite value at position 1/);
    index.add(Uint32Array.of(0), Float32Array.of(1, 2, 3, 4));
    throwsClear(() => index.search(new Float32Array(3), 1), /query vector has 3 dimensions, index has 4/);
    throwsClear(() => index.search(new Float32Array(4), 0), /k \(limit\) must be a positive integer/);
    const ivf = createIndex({ indexType: 'IVF_FLAT', metricType: 'L2', params: {} }, 4);
    throwsClear(() => ivf.add(Uint32Array.of(0), new Float32Array(4)), /must be trained/);
    const pq = createIndex({ indexType: 'IVF_PQ', metricType: 'L2', params: { m: 2 } }, 4);
    pq.train(Float32Array.from({ length: 40 }, (_, i) => i % 7));
    pq.add(Uint32Array.from({ length: 10 }, (_, i) => i), Float32Array.from({ length: 40 }, (_, i) => i % 7));
    throwsClear(() => pq.search(new Float32Array(4), 3, { refineK: 2 }), /refineK needs the raw vectors/);
  });

  for (const indexType of ['FLAT', 'HNSW', 'IVF_FLAT', 'IVF_PQ'] as IndexType[]) {
    it(`${indexType}: k larger than the number of vectors returns every vector, best first`, () => {
      const index = createIndex({ indexType, metricType: 'L2', params: indexType === 'IVF_PQ' ? { m: 2, nlist: 16 } : {} }, 2);
      const vectors = Float32Array.of(0, 0, 1, 0, 5, 5, 2, 0);
      // nlist=16 > 4 rows: the index keeps one list per row rather than failing.
      if (index.needsTraining) index.train(vectors);
      index.add(Uint32Array.of(10, 11, 12, 13), vectors);
      const hits = index.search(Float32Array.of(0.1, 0), 50, { nprobe: 16 });
      assert.deepEqual(hits.labels, [10, 11, 13, 12]);
      assert.ok(Math.abs(hits.distances[0] - 0.01) < 1e-4);
    });
  }

  it('an empty index answers with no hits', () => {
    for (const indexType of ['FLAT', 'HNSW'] as IndexType[]) {
      const index = createIndex({ indexType, metricType: 'IP', params: {} }, 3);
      assert.deepEqual(index.search(Float32Array.of(1, 2, 3), 5), { labels: [], distances: [] });
    }
  });
});
