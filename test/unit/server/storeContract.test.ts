// One behavioural contract, two backends: the embedded engine in-process, and MilvusStore driving
// Loupe's own REST server through the official SDK's HttpClient. Two workspaces (branches of the
// same repository, so the same chunk ids) share one collection throughout.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StoreRequestError, StoreSchemaError } from '../../../src/server/store/storeErrors';
import type { VectorStore } from '../../../src/server/store/vectorStore';
import { MODELS, aliceRows, backends, bobRows } from './storeFixtures';

for (const backend of backends) {
  describe(backend.name, () => {
    let alice: VectorStore;
    let bob: VectorStore;
    let stop: () => Promise<void>;

    before(async () => {
      ({ alice, bob, stop } = await backend.start());
    });
    after(async () => {
      await stop();
    });

    test('ensureCollection creates once; another workspace finds it and reuses it', async () => {
      assert.deepEqual(await alice.ensureCollection(MODELS), { created: true, collection: 'loupe_chunks' });
      assert.deepEqual(await bob.ensureCollection(MODELS), { created: false, collection: 'loupe_chunks' });
      assert.deepEqual(await alice.ensureCollection(MODELS), { created: false, collection: 'loupe_chunks' });
    });

    test('upsert into two workspaces with the same chunk ids: each counts only its own', async () => {
      assert.equal(await alice.upsert(aliceRows), 5);
      assert.equal(await bob.upsert(bobRows), 3);
      assert.equal(await alice.count(), 5);
      assert.equal(await bob.count(), 3);
      assert.equal(await alice.count({ filter: 'language == {lang}', filterParams: { lang: 'python' } }), 2);
      // Same id c1 in both workspaces; each sees its own text.
      const [a1] = await alice.query({ filter: 'path == "src/http.ts"', outputFields: ['text'] });
      const [b1] = await bob.query({ filter: 'path == "src/http.ts"', outputFields: ['text'] });
      assert.deepEqual(a1, { id: 'c1', text: 'parse the http response body into json' });
      assert.deepEqual(b1, { id: 'c1', text: 'decode the http response with streaming' });
    });

    test('dense search with a filter returns chunk ids, scores best first, asked-for fields only', async () => {
      const hits = await alice.search({ annsField: 'text_vector', vector: [1, 0.1, 0, 0], limit: 3, filter: 'language == "python"', outputFields: ['path', 'language'] });
      assert.deepEqual(hits.map((h) => h.id), ['c4', 'c3']);
      assert.ok(hits[0].score > hits[1].score);
      assert.ok(hits[0].score > 0.9 && hits[0].score <= 1.0001, `cosine similarity, got ${hits[0].score}`);
      assert.deepEqual(hits[0].row, { id: 'c4', path: 'tools/client.py', language: 'python' });
      // Bob's search never returns Alice's python files.
      const bobs = await bob.search({ annsField: 'text_vector', vector: [0, 0, 1, 0], limit: 10 });
      assert.deepEqual(bobs.map((h) => h.id).sort(), ['c1', 'c2', 'c9']);
      assert.equal(bobs.find((h) => h.id === 'c9')?.row.path, 'src/login.ts');
    });

    test('BM25 text search takes raw text and ranks by the words', async () => {
      const hits = await alice.textSearch({ text: 'http response', limit: 5, outputFields: ['path'] });
      assert.deepEqual(hits.map((h) => h.id).sort(), ['c1', 'c4']);
      assert.ok(hits.every((h) => h.score > 0));
      const filtered = await alice.textSearch({ text: 'http response', limit: 5, filter: 'language == "typescript"' });
      assert.deepEqual(filtered.map((h) => h.id), ['c1']);
      assert.equal(filtered[0].row.text, 'parse the http response body into json');
      const bobs = await bob.textSearch({ text: 'yaml config', limit: 5 });
      assert.deepEqual(bobs, [], 'Alice\'s config chunk is not Bob\'s');
    });

    test('hybrid search fuses dense and BM25 by RRF: the chunk in both lists wins', async () => {
      // Dense alone prefers c1 ([1,0,0,0]) then c4; text "wait request" matches only c4.
      const hits = await alice.hybridSearch({ dense: [{ annsField: 'text_vector', vector: [1, 0, 0, 0] }], text: 'wait request', limit: 3, outputFields: ['path'] });
      assert.equal(hits[0].id, 'c4');
      assert.equal(hits[0].row.path, 'tools/client.py');
      assert.ok(hits[0].score > hits[1].score);
      assert.ok(hits[0].score < 0.05, `an RRF score (1/(60+rank) sums), got ${hits[0].score}`);
    });

    test('upsert replaces a row by chunk id without touching the other workspace', async () => {
      await alice.upsert([{ ...aliceRows[1], text: 'the cache is now an lru' }]);
      assert.equal(await alice.count(), 5);
      assert.deepEqual(await alice.query({ filter: 'path == "src/cache.ts"', outputFields: ['text'] }), [{ id: 'c2', text: 'the cache is now an lru' }]);
      assert.deepEqual(await bob.query({ filter: 'path == "src/cache.ts"', outputFields: ['text'] }), [{ id: 'c2', text: 'an lru cache with a size limit' }]);
    });

    test('delete by filter and by ids removes only this workspace\'s rows', async () => {
      assert.equal(await alice.delete({ filter: 'path == {p}', filterParams: { p: 'src/http.ts' } }), 1);
      assert.equal(await alice.count(), 4);
      assert.equal(await bob.count(), 3, 'Bob still has his src/http.ts');
      assert.equal(await bob.delete({ ids: ['c2', 'c3'] }), 1, 'c3 is Alice\'s: not Bob\'s to delete');
      assert.equal(await bob.count(), 2);
      assert.equal(await alice.count({ filter: 'id in ["c2", "c3"]' }), 0, 'the filter language sees stored keys, not chunk ids');
      assert.deepEqual((await alice.query({ filter: 'path in ["src/cache.ts", "tools/config.py"]', outputFields: ['path'] })).map((r) => r.id).sort(), ['c2', 'c3']);
      await assert.rejects(alice.delete({}), StoreRequestError);
    });

    test('flush keeps every row; counts and searches still agree', async () => {
      await alice.flush();
      await bob.flush();
      assert.equal(await alice.count(), 4);
      assert.equal(await bob.count(), 2);
      const hits = await alice.search({ annsField: 'text_vector', vector: [0, 0, 0, 1], limit: 1 });
      assert.equal(hits[0].id, 'c5');
      assert.equal(hits[0].row.kind, 'section');
    });

    test('a different model (dimension) on the existing collection → StoreSchemaError naming text_vector', async () => {
      await assert.rejects(alice.ensureCollection({ text: { modelId: 'test/tiny-4d', dim: 8 } }), (err: unknown) => {
        assert.ok(err instanceof StoreSchemaError, String(err));
        assert.equal(err.field, 'text_vector');
        assert.match(err.message, /text_vector.*dimension 4.*8/);
        return true;
      });
      await assert.rejects(alice.ensureCollection({ text: { modelId: 'other/model', dim: 4 } }), /text_vector.*other\/model/);
      await assert.rejects(alice.ensureCollection({}), (err: unknown) => err instanceof StoreSchemaError && err.field === 'text_vector');
    });

    test('a bad filter is a StoreRequestError with the server\'s reason', async () => {
      await assert.rejects(alice.query({ filter: 'no_such_field == 1' }), (err: unknown) => err instanceof StoreRequestError && /no_such_field/.test(err.message));
    });

    test('dropCollection removes it; ensureCollection makes a new empty one', async () => {
      await alice.dropCollection();
      assert.equal((await alice.ensureCollection(MODELS, { denseIndex: { indexType: 'IVF_FLAT', nlist: 4 } })).created, true);
      assert.equal(await bob.count(), 0);
    });
  });
}
