// k-means and product quantization on their own: seeded, reproducible, and accurate enough
// that the IVF indexes built on them can be trusted.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignNearest, kmeans } from '../../../../src/engine/index/kmeans';
import { ProductQuantizer } from '../../../../src/engine/index/pq';
import { l2sq } from '../../../../src/engine/index/distance';
import { clusteredDataset } from '../../../support/synthetic';

describe('k-means', () => {
  it('recovers well-separated clusters, and the same seed gives the same centroids', () => {
    const dim = 4;
    const centres = [[0, 0, 0, 0], [10, 0, 0, 0], [0, 10, 0, 0], [0, 0, 10, 10]];
    const pts: number[] = [];
    for (let i = 0; i < 400; i++) pts.push(...centres[i % 4].map((c, d) => c + ((i * 7 + d * 13) % 10) / 20 - 0.25));
    const v = Float32Array.from(pts);
    const a = kmeans(v, dim, 4, { seed: 5 });
    const b = kmeans(v, dim, 4, { seed: 5 });
    assert.deepEqual(a.centroids, b.centroids);
    const assign = assignNearest(v, dim, a.centroids);
    // Every point of one true cluster lands in the same k-means cluster, and clusters differ.
    const clusterOf = [0, 1, 2, 3].map((c) => assign[c]);
    assert.equal(new Set(clusterOf).size, 4);
    for (let i = 0; i < 400; i++) assert.equal(assign[i], clusterOf[i % 4]);
    assert.ok(a.inertia < 1, `inertia ${a.inertia}`);
  });

  it('refuses more clusters than points, with the counts in the message', () => {
    assert.throws(() => kmeans(new Float32Array(6), 2, 5), /needs at least k=5 training vectors, got 3/);
  });
});

describe('product quantizer', () => {
  const dim = 32;
  const data = clusteredDataset({ n: 3000, dim, clusters: 8, seed: 9 });

  function meanError(pq: ProductQuantizer): number {
    const rec = pq.decode(pq.encode(data.vectors));
    let e = 0;
    for (let i = 0; i < 3000; i++) e += l2sq(data.vectors, i * dim, rec, i * dim, dim);
    return e / 3000;
  }

  it('encode → decode is close, and more bits are closer', () => {
    let spread = 0;
    const mean = new Float32Array(dim);
    for (let i = 0; i < 3000; i++) for (let d = 0; d < dim; d++) mean[d] += data.vectors[i * dim + d] / 3000;
    for (let i = 0; i < 3000; i++) spread += l2sq(data.vectors, i * dim, mean, 0, dim) / 3000;
    const errs = [2, 4, 8].map((nbits) => {
      const pq = new ProductQuantizer(dim, 8, nbits);
      pq.train(data.vectors, 1);
      return meanError(pq);
    });
    assert.ok(errs[0] > errs[1] && errs[1] > errs[2], `errors ${errs}`);
    assert.ok(errs[2] < 0.1 * spread, `8-bit error ${errs[2]} vs spread ${spread}`);
  });

  it('the ADC table gives the distance to the decoded vector', () => {
    const pq = new ProductQuantizer(dim, 4, 8);
    pq.train(data.vectors, 2);
    const codes = pq.encode(data.vectors.subarray(0, 10 * dim));
    const rec = pq.decode(codes);
    const q = data.vectors.subarray(20 * dim, 21 * dim);
    const table = pq.distanceTable(q, 'L2');
    for (let i = 0; i < 10; i++) {
      let adc = 0;
      for (let j = 0; j < 4; j++) adc += table[j * pq.ksub + codes[i * 4 + j]];
      assert.ok(Math.abs(adc - l2sq(q, 0, rec, i * dim, dim)) < 1e-3 * Math.max(1, adc));
    }
  });

  it('uses 16-bit codes above 8 bits and rejects bad shapes', () => {
    assert.ok(new ProductQuantizer(dim, 8, 9).makeCodes(1) instanceof Uint16Array);
    assert.throws(() => new ProductQuantizer(dim, 5, 8), /m=5 must be a positive integer that divides dim=32/);
    assert.throws(() => new ProductQuantizer(dim, 8, 0), /nbits=0 must be an integer from 1 to 16/);
  });
});
