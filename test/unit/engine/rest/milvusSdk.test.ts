// The front door driven by the official Milvus Node SDK's HttpClient (3.0.6), as a Milvus user
// would: quick and full-schema create, insert, search, query, get, upsert, delete, hybrid
// search over a vector and a BM25 field, index management, flush/compact, drop.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import type { HttpCollectionCreateReq } from '@zilliz/milvus2-sdk-node/dist/milvus/types/Http';
import type { RestServer } from '../../../../src/engine/rest/server';
import { TOKEN, type TestServer, startTestServer } from './harness';

let running: TestServer;
let server: RestServer;
let client: HttpClient;

before(async () => {
  running = await startTestServer();
  server = running.server;
  client = new HttpClient({ endpoint: server.url, token: TOKEN });
});

after(async () => {
  await running.stop();
});

// Wire rows and hits: any JSON object.
type WireRow = Record<string, unknown>;

const colors = ['red', 'green', 'blue'];
/** 30 rows on the unit circle: row i points at angle i * 12°, colour cycles. */
const rows = Array.from({ length: 30 }, (_, i) => {
  const a = (i * 12 * Math.PI) / 180;
  return { id: i, vector: [Math.cos(a), Math.sin(a), 0, 0], color: colors[i % 3], rank: i };
});

test('quick-setup create: id + vector, COSINE AUTOINDEX, dynamic fields on, loaded', async () => {
  const res = await client.createCollection({ collectionName: 'quick', dimension: 4 });
  assert.equal(res.code, 0, JSON.stringify(res));
  const list = await client.listCollections();
  assert.deepEqual(list.data, ['quick']);
  assert.deepEqual((await client.hasCollection({ dbName: 'default', collectionName: 'quick' })).data, { has: true });
  assert.deepEqual((await client.hasCollection({ dbName: 'default', collectionName: 'other' })).data, { has: false });
  const d = await client.describeCollection({ collectionName: 'quick' });
  assert.equal(d.code, 0);
  assert.equal(d.data.collectionName, 'quick');
  assert.equal(d.data.enableDynamicField, true);
  assert.equal(d.data.load, 'LoadStateLoaded');
  const fields = d.data.fields as unknown as WireRow[];
  assert.deepEqual(
    fields.map((f) => [f.name, f.type, f.primaryKey]),
    [
      ['id', 'Int64', true],
      ['vector', 'FloatVector', false],
    ],
  );
  assert.deepEqual((fields[1].params as unknown[])[0], { key: 'dim', value: '4' });
  assert.deepEqual(d.data.indexes, [{ fieldName: 'vector', indexName: 'vector', metricType: 'COSINE' }]);
  const state = await client.getCollectionLoadState({ collectionName: 'quick' });
  assert.deepEqual(state.data, { loadState: 'LoadStateLoaded', loadProgress: 100 });
});

test('insert, then search with a filter and output fields; dynamic keys come back as fields', async () => {
  const ins = await client.insert({ collectionName: 'quick', data: rows });
  assert.equal(ins.code, 0, JSON.stringify(ins));
  assert.equal(ins.data.insertCount, 30);
  assert.deepEqual(ins.data.insertIds, rows.map((r) => r.id));
  assert.deepEqual((await client.getCollectionStatistics({ collectionName: 'quick' })).data, { rowCount: 30 });

  // Query vector at 30°: nearest rows are 2 (24°) and 3 (36°); only blue (i % 3 == 2) allowed.
  const q = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6), 0, 0];
  const res = await client.search({
    collectionName: 'quick',
    data: [q],
    annsField: 'vector',
    filter: 'color == "blue"',
    limit: 3,
    outputFields: ['color', 'rank'],
  });
  assert.equal(res.code, 0, JSON.stringify(res));
  const hits = res.data as unknown as WireRow[];
  // Angles from 30°: row 2 (24°), 5 (60°), 29 (348°), all blue.
  assert.deepEqual(hits.map((h) => h.id), [2, 5, 29]);
  assert.deepEqual(res.topks, [3]);
  for (const h of hits) {
    assert.equal(h.color, 'blue');
    assert.equal(typeof h.rank, 'number');
    assert.equal(typeof h.distance, 'number');
  }
  assert.ok((hits[0].distance as number) > (hits[1].distance as number), 'COSINE: larger is better');
});

test('search with two query vectors returns topks per query, and the SDK splits them', async () => {
  const res = await client.search({
    collectionName: 'quick',
    data: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ],
    limit: 2,
    outputFields: [],
    searchParams: { metricType: 'COSINE', params: { ef: 64 } },
  });
  assert.equal(res.code, 0, JSON.stringify(res));
  assert.deepEqual(res.topks, [2, 2]);
  const [first, second] = res.data as unknown as WireRow[][];
  assert.equal(first[0].id, 0);
  // 90° lies between row 7 (84°) and row 8 (96°).
  assert.ok([7, 8].includes(second[0].id as number));
});

test('range search: radius keeps only hits above the cosine bound', async () => {
  const res = await client.search({
    collectionName: 'quick',
    data: [[1, 0, 0, 0]],
    limit: 10,
    outputFields: [],
    searchParams: { params: { radius: 0.9 } },
  });
  assert.equal(res.code, 0, JSON.stringify(res));
  const hits = res.data as unknown as WireRow[];
  assert.ok(hits.length > 0 && hits.length < 10);
  for (const h of hits) assert.ok((h.distance as number) > 0.9);
});

test('query with a filter, count(*), and get by id', async () => {
  const q = await client.query({ collectionName: 'quick', filter: 'rank >= 10 and color == "red"', outputFields: ['rank', 'color'] });
  assert.equal(q.code, 0, JSON.stringify(q));
  assert.deepEqual(
    (q.data as WireRow[]).map((r) => r.rank),
    [12, 15, 18, 21, 24, 27],
  );
  const count = await client.query({ collectionName: 'quick', filter: 'color == "green"', outputFields: ['count(*)'] });
  assert.deepEqual(count.data, [{ 'count(*)': 10 }]);
  const all = await client.query({ collectionName: 'quick', filter: '', outputFields: ['count(*)'] });
  assert.deepEqual(all.data, [{ 'count(*)': 30 }]);

  const got = await client.get({ collectionName: 'quick', id: [4, 1], outputFields: ['vector', 'color'] });
  assert.equal(got.code, 0, JSON.stringify(got));
  const gotRows = got.data as unknown as WireRow[];
  assert.deepEqual(gotRows.map((r) => r.id).sort(), [1, 4]);
  const four = gotRows.find((r) => r.id === 4) as WireRow;
  assert.equal(four.color, 'green');
  assert.equal((four.vector as number[]).length, 4);
  assert.ok(Math.abs((four.vector as number[])[0] - Math.cos((48 * Math.PI) / 180)) < 1e-6);
});

test('upsert replaces a row; delete by filter and by id', async () => {
  const up = await client.upsert({ collectionName: 'quick', data: [{ id: 0, vector: [0, 0, 1, 0], color: 'black', rank: 100 }] });
  assert.equal(up.code, 0, JSON.stringify(up));
  assert.equal(up.data.upsertCount, 1);
  const row = await client.get({ collectionName: 'quick', id: 0, outputFields: ['color', 'rank'] });
  assert.deepEqual(row.data, [{ id: 0, color: 'black', rank: 100 }]);

  const del = await client.delete({ collectionName: 'quick', filter: 'color == "green"' });
  assert.equal(del.code, 0, JSON.stringify(del));
  const byId = await client.delete({ collectionName: 'quick', id: [1, 2] } as unknown as { collectionName: string; filter: string });
  assert.equal(byId.code, 0, JSON.stringify(byId));
  const left = await client.query({ collectionName: 'quick', filter: '', outputFields: ['count(*)'] });
  // 30 rows − 10 greens − id 2 (id 1 was green already).
  assert.deepEqual(left.data, [{ 'count(*)': 19 }]);
  const none = await client.query({ collectionName: 'quick', filter: 'color == "green" or id in [1, 2]', outputFields: ['*'] });
  assert.deepEqual(none.data, []);
});

test('flush and compact keep the data searchable (now through the sealed HNSW index)', async () => {
  assert.equal((await client.flushCollection({ collectionName: 'quick' })).code, 0);
  const compact = await client.compactCollection({ collectionName: 'quick' });
  assert.equal(compact.code, 0, JSON.stringify(compact));
  assert.equal(typeof compact.data.compactionID, 'number');
  const ix = (await client.describeIndex({ collectionName: 'quick', indexName: 'vector' })).data[0];
  assert.equal(ix.indexType, 'HNSW');
  assert.equal(ix.indexState, 'Finished');
  assert.ok(ix.indexedRows > 0 && ix.indexedRows === ix.totalRows, JSON.stringify(ix));
  const res = await client.search({ collectionName: 'quick', data: [[1, 0, 0, 0]], limit: 1, outputFields: ['color'] });
  // Row 0 now points elsewhere and greens are gone: row 29 (348°, blue) is the nearest to 0°.
  assert.equal((res.data as unknown as WireRow[])[0].id, 29);
});

test('full-schema create with a BM25 function; hybrid search fuses text and vector results', async () => {
  const req = {
    collectionName: 'docs',
    schema: {
      autoId: false,
      enableDynamicField: false,
      fields: [
        { fieldName: 'doc_id', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 64 } },
        { fieldName: 'text', dataType: 'VarChar', elementTypeParams: { max_length: 1000, enable_analyzer: true, analyzer_params: { type: 'code' } } },
        { fieldName: 'sparse', dataType: 'SparseFloatVector' },
        { fieldName: 'embedding', dataType: 'FloatVector', elementTypeParams: { dim: '2' } },
        { fieldName: 'lang', dataType: 'VarChar', elementTypeParams: { max_length: 16 }, nullable: true },
        { fieldName: 'tags', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 4, max_length: 16 } },
      ],
      functions: [{ name: 'text_bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'], params: {} }],
    },
    indexParams: [
      { fieldName: 'embedding', indexName: 'emb_idx', metricType: 'L2', indexType: 'FLAT' },
      { fieldName: 'sparse', indexName: 'sparse_idx', metricType: 'BM25', indexType: 'SPARSE_INVERTED_INDEX' },
    ],
  };
  const created = await client.createCollection(req as unknown as HttpCollectionCreateReq);
  assert.equal(created.code, 0, JSON.stringify(created));
  const d = await client.describeCollection({ collectionName: 'docs' });
  const fields = d.data.fields as unknown as WireRow[];
  assert.equal(fields.find((f) => f.name === 'sparse')?.isFunctionOutput, true);
  assert.equal(fields.find((f) => f.name === 'lang')?.nullable, true);
  assert.equal(fields.find((f) => f.name === 'tags')?.elementType, 'VarChar');
  assert.deepEqual((d.data as unknown as WireRow).functions, [
    { name: 'text_bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'], params: {} },
  ]);

  const docs = [
    { doc_id: 'a', text: 'function parseHttpResponse(body) decodes the response', embedding: [0, 1], lang: 'ts', tags: ['http'] },
    { doc_id: 'b', text: 'the cache keeps file contents in memory', embedding: [1, 0], lang: 'ts', tags: [] },
    { doc_id: 'c', text: 'def read_config(path): load the yaml config file', embedding: [0.9, 0.1], lang: 'py', tags: ['config'] },
    { doc_id: 'd', text: 'http server answers each request with a response', embedding: [0.1, 0.9], tags: ['http'] },
  ];
  const ins = await client.insert({ collectionName: 'docs', data: docs });
  assert.equal(ins.code, 0, JSON.stringify(ins));
  assert.deepEqual(ins.data.insertIds, ['a', 'b', 'c', 'd']);

  const text = await client.search({ collectionName: 'docs', annsField: 'sparse', data: ['http response'] as unknown as number[][], limit: 2, outputFields: ['text'] });
  assert.equal(text.code, 0, JSON.stringify(text));
  const textHits = text.data as unknown as WireRow[];
  assert.deepEqual(textHits.map((h) => h.doc_id).sort(), ['a', 'd']);
  assert.ok((textHits[0].distance as number) > 0);

  const hybrid = await client.hybridSearch({
    collectionName: 'docs',
    search: [
      { data: ['http response'] as unknown as number[][], annsField: 'sparse', limit: 3 },
      { data: [[1, 0]], annsField: 'embedding', limit: 3, filter: 'lang == "ts"' },
    ],
    rerank: { strategy: 'rrf', params: { k: 60 } },
    limit: 3,
    outputFields: ['lang', 'tags'],
  });
  assert.equal(hybrid.code, 0, JSON.stringify(hybrid));
  const fused = hybrid.data as unknown as WireRow[];
  assert.equal(fused.length, 3);
  // 'a' is in both lists (text rank 1 or 2, vector rank 2 among ts docs): it wins the fusion.
  assert.equal(fused[0].doc_id, 'a');
  assert.deepEqual(fused[0].tags, ['http']);
  assert.equal(fused[0].lang, 'ts');

  const weighted = await client.hybridSearch({
    collectionName: 'docs',
    search: [
      { data: ['yaml config'] as unknown as number[][], annsField: 'sparse', limit: 3 },
      { data: [[1, 0]], annsField: 'embedding', limit: 3 },
    ],
    rerank: { strategy: 'weighted', params: { weights: [0.8, 0.2] } },
    limit: 2,
  });
  assert.equal(weighted.code, 0, JSON.stringify(weighted));
  assert.equal((weighted.data as unknown as WireRow[])[0].doc_id, 'c');
});

test('indexes: list, describe, drop and re-create through /indexes', async () => {
  assert.deepEqual((await client.listIndexes({ collectionName: 'docs' })).data, ['emb_idx']);
  const desc = await client.describeIndex({ collectionName: 'docs', indexName: 'emb_idx' });
  assert.equal(desc.code, 0, JSON.stringify(desc));
  const [ix] = desc.data;
  assert.equal(ix.fieldName, 'embedding');
  assert.equal(ix.indexType, 'FLAT');
  assert.equal(ix.metricType, 'L2');
  assert.equal(ix.totalRows, 4);
  assert.equal(ix.pendingRows, ix.totalRows - ix.indexedRows);

  assert.equal((await client.dropIndex({ collectionName: 'docs', indexName: 'emb_idx' })).code, 0);
  assert.deepEqual((await client.listIndexes({ collectionName: 'docs' })).data, []);
  const gone = await client.describeIndex({ collectionName: 'docs', indexName: 'emb_idx' });
  assert.equal(gone.code, 700);

  const created = await client.createIndex({
    collectionName: 'docs',
    indexParams: [{ fieldName: 'embedding', indexName: 'emb_hnsw', metricType: 'IP', params: { index_type: 'HNSW', M: '8', efConstruction: '64' } }],
  });
  assert.equal(created.code, 0, JSON.stringify(created));
  const again = await client.describeIndex({ collectionName: 'docs', indexName: 'emb_hnsw' });
  assert.equal(again.data[0].indexType, 'HNSW');
  assert.equal(again.data[0].metricType, 'IP');
  assert.deepEqual((again.data[0] as unknown as WireRow).params, { M: 8, efConstruction: 64 });
  // A search naming another metric than the index's is refused by the engine.
  const mismatch = await client.search({ collectionName: 'docs', annsField: 'embedding', data: [[1, 0]], outputFields: [], searchParams: { metricType: 'L2' } });
  assert.equal(mismatch.code, 1100);
  assert.match(mismatch.message ?? '', /metric/);
});

test('release makes search fail until load; drop removes the collection', async () => {
  assert.equal((await client.releaseCollection({ collectionName: 'docs' })).code, 0);
  assert.deepEqual((await client.getCollectionLoadState({ collectionName: 'docs' })).data, { loadState: 'LoadStateNotLoad' });
  const refused = await client.search({ collectionName: 'docs', annsField: 'embedding', data: [[1, 0]], outputFields: [] });
  assert.notEqual(refused.code, 0);
  assert.equal((await client.loadCollection({ collectionName: 'docs' })).code, 0);
  const ok = await client.search({ collectionName: 'docs', annsField: 'embedding', data: [[1, 0]], limit: 1, outputFields: [] });
  assert.equal(ok.code, 0, JSON.stringify(ok));

  assert.equal((await client.dropCollection({ collectionName: 'docs' })).code, 0);
  assert.deepEqual((await client.listCollections()).data, ['quick']);
  const missing = await client.describeCollection({ collectionName: 'docs' });
  assert.equal(missing.code, 100);
  const existing = await client.createCollection({ collectionName: 'quick', dimension: 4 });
  assert.equal(existing.code, 1);
  assert.match(existing.message ?? '', /already exists/);
});
