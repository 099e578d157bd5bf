// A filter prepared once for a request's several store calls (VectorStore.prepareFilter): on
// both backends it holds in every call (text, dense, query, with a further filter ANDed) and
// never shows another workspace's rows; the embedded store compiles it once, and a private
// collection compiles no workspace clause at all.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Database } from '../../../src/engine/database';
import { EmbeddedStore } from '../../../src/server/store/embeddedStore';
import { StoreRequestError } from '../../../src/server/store/storeErrors';
import { ALICE, MODELS, aliceRows, backends, bobRows, countCompiles } from './storeFixtures';

for (const backend of backends) {
  test(`${backend.name}: a prepared filter holds in every call and keeps to the workspace`, async () => {
    const { alice, bob, stop } = await backend.start();
    try {
      await alice.ensureCollection(MODELS);
      await bob.ensureCollection(MODELS);
      await alice.upsert(aliceRows);
      await bob.upsert(bobRows);
      await alice.flush();
      const ts = alice.prepareFilter({ filter: 'language == {lang}', filterParams: { lang: 'typescript' } });
      const out = ['path', 'language', 'text'];
      const text = await alice.textSearch({ text: 'http response cache', limit: 10, prepared: ts, outputFields: out });
      const dense = await alice.search({ vector: [1, 0.5, 0.5, 0.5], annsField: 'text_vector', limit: 10, prepared: ts, outputFields: out });
      const rows = await alice.query({ prepared: ts, outputFields: out, limit: 100 });
      const narrowed = await alice.query({ prepared: ts, filter: 'path like "%cache%"', outputFields: out, limit: 100 });
      for (const [what, got] of [['text', text.map((h) => h.row)], ['dense', dense.map((h) => h.row)], ['query', rows], ['query + filter', narrowed]] as const) {
        assert.ok(got.length > 0, `${what}: nothing found`);
        assert.ok(got.every((r) => r.language === 'typescript'), `${what}: ${got.map((r) => r.path).join(', ')}`);
        // Bob's branch has the same paths with other text, and a file of his own: none of it shows.
        assert.ok(got.every((r) => aliceRows.some((a) => a.path === r.path && a.text === r.text)), `${what}: another workspace's row`);
      }
      assert.deepEqual(rows.map((r) => r.path).sort(), ['src/cache.ts', 'src/http.ts']);
      assert.deepEqual(narrowed.map((r) => r.path), ['src/cache.ts']);
      assert.equal(await alice.count({ prepared: ts }), 2);
      assert.equal(await bob.count({ prepared: bob.prepareFilter({ filter: 'language == "typescript"' }) }), 3);
    } finally {
      await stop();
    }
  });
}

test('EmbeddedStore: a prepared filter is compiled once for all its calls; a bad one fails at prepare', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-prepared-'));
  const db = await Database.open(dir);
  try {
    const store = new EmbeddedStore(db, { workspace: ALICE });
    await store.ensureCollection(MODELS);
    await store.upsert(aliceRows);
    const { compiled } = await countCompiles(async () => {
      const prepared = store.prepareFilter({ filter: 'language == "python"' });
      await store.textSearch({ text: 'http config', limit: 5, prepared });
      await store.search({ vector: [0, 0, 1, 0], annsField: 'text_vector', limit: 5, prepared });
      await store.query({ prepared, filter: 'path like "tools/%"', limit: 5 });
    });
    // The prepared text once (with the shared collection's workspace clause), the query's own filter once.
    assert.equal(compiled.filter((t) => t.includes('language == "python"')).length, 1, compiled.join(' | '));
    assert.ok(compiled.some((t) => t.includes('workspace ==') && t.includes('language == "python"')));
    assert.deepEqual(compiled.filter((t) => t.includes('path like')), ['(path like "tools/%")']);
    assert.throws(() => store.prepareFilter({ filter: 'language == ' }), (err: unknown) => err instanceof StoreRequestError && /position/.test(err.message));
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('EmbeddedStore over a private collection: no workspace clause is compiled, prepared or not', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-private-'));
  const db = await Database.open(dir);
  try {
    const store = new EmbeddedStore(db, { workspace: 'local', privateCollection: true });
    await store.ensureCollection(MODELS);
    await store.upsert(aliceRows);
    const { result, compiled } = await countCompiles(async () => {
      const prepared = store.prepareFilter({ filter: 'language == "python"' });
      const hits = await store.textSearch({ text: 'http config', limit: 5, prepared });
      const all = await store.textSearch({ text: 'http config', limit: 5 });
      return { hits, all };
    });
    assert.deepEqual(compiled, ['(language == "python")']);
    assert.ok(result.hits.length > 0 && result.hits.every((h) => h.row.language === 'python'));
    assert.ok(result.all.some((h) => h.row.language !== 'python'));
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
