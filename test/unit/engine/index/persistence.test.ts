// save → load gives the same results; damaged, truncated, foreign or newer files are refused
// with an error that names the file and the problem.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { EngineError } from '../../../../src/engine/errors';
import { createIndex, loadIndex } from '../../../../src/engine/index/factory';
import type { IndexSpec, VectorIndex } from '../../../../src/engine/index/types';
import { clusteredDataset } from '../../../support/synthetic';
import { buildIndex } from '../../../support/buildIndex';

const n = 2000;
const dim = 16;
const data = clusteredDataset({ n, dim, clusters: 10, seed: 21 });
const queries = data.sample(10, 22);
const dir = mkdtempSync(path.join(tmpdir(), 'loupe-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const build = (spec: IndexSpec): VectorIndex => buildIndex(spec, dim, data.vectors);

const specs: IndexSpec[] = [
  { indexType: 'FLAT', metricType: 'L2', params: {} },
  { indexType: 'HNSW', metricType: 'COSINE', params: { M: 8, efConstruction: 50 } },
  { indexType: 'IVF_FLAT', metricType: 'IP', params: { nlist: 20 } },
  { indexType: 'IVF_PQ', metricType: 'L2', params: { nlist: 20, m: 4, nbits: 6 } },
  { indexType: 'IVF_PQ', metricType: 'COSINE', params: { nlist: 20, m: 8, nbits: 10 } },
];

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('index files', () => {
  specs.forEach((spec, si) => {
    it(`${spec.indexType}/${spec.metricType}: save → load gives identical results`, async () => {
      const index = build(spec);
      const file = path.join(dir, `rt-${si}.idx`);
      await index.save(file);
      const loaded = await loadIndex(file, spec, dim);
      loaded.setRawVectors?.(data.vectors);
      assert.equal(loaded.type, spec.indexType);
      assert.equal(loaded.metric, spec.metricType);
      assert.equal(loaded.size, n);
      for (let i = 0; i < 10; i++) {
        const q = queries.subarray(i * dim, (i + 1) * dim);
        const params = { ef: 32, nprobe: 4, refineK: 2 };
        assert.deepEqual(loaded.search(q, 10, params), index.search(q, 10, params));
      }
    });
  });

  it('an empty index (a segment with no rows) saves and loads', async () => {
    for (const spec of specs) {
      const index = createIndex(spec, dim);
      if (index.needsTraining) index.train(new Float32Array(0));
      index.add(new Uint32Array(0), new Float32Array(0));
      const file = path.join(dir, `empty-${spec.indexType}.idx`);
      await index.save(file);
      const loaded = await loadIndex(file, spec, dim);
      assert.equal(loaded.size, 0);
      assert.deepEqual(loaded.search(queries.subarray(0, dim), 3), { labels: [], distances: [] });
    }
  });

  it('FLAT/IVF files describe themselves: loading without a spec works', async () => {
    const index = build(specs[2]);
    const file = path.join(dir, 'self.idx');
    await index.save(file);
    const loaded = await loadIndex(file);
    assert.equal(loaded.type, 'IVF_FLAT');
    assert.equal(loaded.dim, dim);
  });

  it('refuses truncated, corrupted, foreign, newer and mismatched files with a clear error', async () => {
    const file = path.join(dir, 'good.idx');
    await build(specs[2]).save(file);
    const good = readFileSync(file);
    const bad = path.join(dir, 'bad.idx');

    writeFileSync(bad, good.subarray(0, good.length - 100));
    await rejects(loadIndex(bad), /bad\.idx.*(truncated|checksum)/);

    const flipped = Buffer.from(good);
    flipped[200] ^= 0xff;
    writeFileSync(bad, flipped);
    await rejects(loadIndex(bad), /bad\.idx: checksum mismatch/);

    writeFileSync(bad, Buffer.from('hello, world: not an index'));
    await rejects(loadIndex(bad), /bad\.idx: not a Loupe index file/);

    const newer = Buffer.from(good);
    newer.writeUInt32LE(99, 8);
    writeFileSync(bad, newer);
    await rejects(loadIndex(bad), /version 99 is newer/);

    await rejects(loadIndex(file, { indexType: 'IVF_FLAT', metricType: 'IP', params: {} }, 8), /16-dimensional vectors, expected 8/);
    await rejects(loadIndex(file, { indexType: 'FLAT', metricType: 'IP', params: {} }), /holds a IVF_FLAT index, expected FLAT/);
    await rejects(loadIndex(path.join(dir, 'missing.idx')), /missing\.idx: cannot read/);
  });

  it('refuses a truncated HNSW file', async () => {
    const file = path.join(dir, 'h.idx');
    await build(specs[1]).save(file);
    const good = readFileSync(file);
    const bad = path.join(dir, 'hbad.idx');
    writeFileSync(bad, good.subarray(0, Math.floor(good.length / 2)));
    await rejects(loadIndex(bad, specs[1], dim), /hbad\.idx.*(truncated|corrupt)/);
    writeFileSync(bad, good.subarray(0, 50));
    await rejects(loadIndex(bad, specs[1], dim), /hbad\.idx: truncated header/);
    await rejects(loadIndex(file), /not a Loupe index file/);
  });
});
