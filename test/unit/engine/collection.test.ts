import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { EngineError } from '../../../src/engine/errors';
import { SeededRandom } from '../../../src/engine/index/rng';
import type { CollectionSchema } from '../../../src/engine/schema/types';

function rng(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}

const DIM = 8;
const schema: CollectionSchema = {
  enableDynamicField: true,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'path', dataType: 'VarChar', maxLength: 64 },
    { name: 'lang', dataType: 'VarChar', maxLength: 16, nullable: true },
    { name: 'line', dataType: 'Int32', defaultValue: 1 },
    { name: 'tags', dataType: 'Array', elementType: 'VarChar', maxCapacity: 4, maxLength: 16, nullable: true },
    { name: 'meta', dataType: 'JSON', nullable: true },
    { name: 'vec', dataType: 'FloatVector', dim: DIM },
  ],
};

function makeRows(n: number, seed = 1, start = 0): Array<Record<string, unknown>> {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: start + i,
    path: `src/file${(start + i) % 10}.ts`,
    lang: (start + i) % 3 === 0 ? 'ts' : 'py',
    line: start + i,
    tags: [(start + i) % 2 === 0 ? 'even' : 'odd'],
    meta: { n: start + i },
    vec: Array.from({ length: DIM }, () => r() * 2 - 1),
  }));
}

function l2(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);
}

async function fresh(indexes?: Parameters<Database['createCollection']>[2]) {
  const db = Database.inMemory();
  const c = await db.createCollection('chunks', schema, indexes);
  return { db, c };
}

test('schema problems are reported with the field name', async () => {
  const db = Database.inMemory();
  await assert.rejects(
    db.createCollection('x', { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'v', dataType: 'FloatVector' }] }),
    /field 1 \("v"\).*dim/,
  );
  await assert.rejects(db.createCollection('bad name', schema), /collection name/);
  await assert.rejects(
    db.createCollection('y', { fields: [{ name: 'id', dataType: 'Bool', isPrimary: true }, { name: 'v', dataType: 'FloatVector', dim: 2 }] }),
    /primary key.*Int64 or VarChar/,
  );
  await db.createCollection('ok', schema);
  await assert.rejects(db.createCollection('ok', schema), /already exists/);
});

test('a bad row rejects the whole batch, naming row and field', async () => {
  const { c } = await fresh();
  await c.insert(makeRows(3));
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ vec: [1, 2] }, /row 1, field "vec": expected dim 8, got 2/],
    [{ vec: [NaN, 0, 0, 0, 0, 0, 0, 0] }, /row 1, field "vec": element 0 is NaN/],
    [{ vec: [Infinity, 0, 0, 0, 0, 0, 0, 0] }, /row 1, field "vec": element 0 is Infinity/],
    [{ line: 'x' }, /row 1, field "line": expected Int32/],
    [{ line: 2 ** 40 }, /row 1, field "line": .*out of range/],
    [{ path: 'x'.repeat(65) }, /row 1, field "path": string of 65 bytes exceeds max_length 64/],
    [{ path: undefined }, /row 1, field "path": missing value/],
    [{ tags: ['a', 'b', 'c', 'd', 'e'] }, /row 1, field "tags": 5 elements exceed max_capacity 4/],
  ];
  for (const [patch, re] of cases) {
    const rows = makeRows(2, 7, 100);
    Object.assign(rows[1], patch);
    await assert.rejects(c.insert(rows), (e: unknown) => e instanceof EngineError && re.test(e.message));
  }
  // Nothing of the rejected batches was stored, and the earlier rows are intact.
  assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 3 }]);
  assert.equal((await c.get([100])).length, 0);
  await assert.rejects(c.insert(makeRows(1)), /primary key 0 already exists; use upsert/);
});

test('nullable fields, defaults and dynamic fields', async () => {
  const { c } = await fresh();
  const [row] = makeRows(1);
  delete row.lang;
  delete row.line;
  row.extra = 'dyn';
  await c.insert([row]);
  const [got] = await c.query({ filter: 'id == 0', outputFields: ['lang', 'line', 'extra'] });
  assert.deepEqual(got, { id: 0, lang: null, line: 1, extra: 'dyn' });
  assert.equal((await c.query({ filter: 'lang is null', outputFields: ['id'] })).length, 1);
  assert.equal((await c.query({ filter: 'extra == "dyn"', outputFields: ['id'] })).length, 1);
});

test('upsert replaces and delete removes, visible at once to query and search', async () => {
  const { c } = await fresh();
  const rows = makeRows(50);
  await c.insert(rows);
  const target = rows[10].vec as number[];
  let [hits] = await c.search({ data: [target], annsField: 'vec', limit: 1, metricType: 'COSINE' });
  assert.equal(hits[0].id, 10);
  const moved = { ...rows[10], path: 'moved.ts', vec: rows[20].vec };
  await c.upsert([moved]);
  assert.deepEqual(await c.query({ filter: 'id == 10', outputFields: ['path'] }), [{ id: 10, path: 'moved.ts' }]);
  assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 50 }]);
  const del = await c.delete({ filter: 'id in [1, 2, 3]' });
  assert.equal(del.deleteCount, 3);
  assert.equal((await c.delete({ ids: [4, 999] })).deleteCount, 1);
  assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 46 }]);
  [hits] = await c.search({ data: [rows[2].vec as number[]], limit: 5 });
  assert.ok(!hits.some((h) => [1, 2, 3, 4].includes(h.id as number)), 'deleted rows never come back');
});

test('query: filter, output fields, limit, offset, count(*)', async () => {
  const { c } = await fresh();
  await c.insert(makeRows(30));
  const ts = await c.query({ filter: 'lang == "ts" and line >= 10', outputFields: ['line'] });
  assert.deepEqual(ts.map((r) => r.line), [12, 15, 18, 21, 24, 27]);
  const page = await c.query({ filter: 'lang == "ts"', outputFields: ['id'], limit: 2, offset: 1 });
  assert.deepEqual(page, [{ id: 3 }, { id: 6 }]);
  assert.deepEqual(await c.query({ filter: 'array_contains(tags, "odd")', outputFields: ['count(*)'] }), [{ 'count(*)': 15 }]);
  assert.deepEqual(await c.query({ filter: 'meta["n"] < 2', outputFields: ['id'] }), [{ id: 0 }, { id: 1 }]);
  await assert.rejects(c.query({ filter: 'vec == 1' }), /vec/);
  await assert.rejects(c.query({ filter: 'line >' }), /position/);
  await assert.rejects(c.query({}), /filter, ids, or a limit/);
});

test('search matches an exact scan for every metric, with filters, offset and output fields', async () => {
  const rows = makeRows(300, 3);
  for (const metric of ['L2', 'IP', 'COSINE'] as const) {
    const { c } = await fresh({ indexes: [{ fieldName: 'vec', indexType: 'FLAT', metricType: metric, params: {} }] });
    await c.insert(rows);
    const q = makeRows(1, 99)[0].vec as number[];
    const score = (v: number[]): number => {
      const dot = v.reduce((s, x, i) => s + x * q[i], 0);
      if (metric === 'L2') return l2(v, q);
      if (metric === 'IP') return dot;
      return dot / Math.hypot(...v) / Math.hypot(...q);
    };
    const expected = rows
      .filter((r) => r.lang === 'py')
      .map((r) => ({ id: r.id, d: score(r.vec as number[]) }))
      .sort((a, b) => (metric === 'L2' ? a.d - b.d : b.d - a.d));
    const [hits] = await c.search({ data: [q], limit: 5, offset: 2, filter: 'lang == "py"', outputFields: ['path'], metricType: metric });
    assert.deepEqual(hits.map((h) => h.id), expected.slice(2, 7).map((e) => e.id));
    hits.forEach((h, i) => assert.ok(Math.abs(h.distance - expected[i + 2].d) < 1e-4));
    assert.equal(typeof hits[0].entity.path, 'string');
    await assert.rejects(c.search({ data: [q], limit: 5, metricType: metric === 'L2' ? 'IP' : 'L2' }), /metric type mismatch/);
  }
});

test('range search and group-by search', async () => {
  const { c } = await fresh({ indexes: [{ fieldName: 'vec', indexType: 'FLAT', metricType: 'L2', params: {} }] });
  const rows = makeRows(200, 5);
  await c.insert(rows);
  const q = rows[0].vec as number[];
  const [inRange] = await c.search({ data: [q], limit: 100, params: { radius: 2.0, rangeFilter: 0.5 } });
  const expected = rows.filter((r) => {
    const d = l2(r.vec as number[], q);
    return d < 2.0 && d >= 0.5;
  });
  assert.equal(inRange.length, Math.min(100, expected.length));
  assert.ok(inRange.every((h) => h.distance < 2.0 && h.distance >= 0.5));
  const [grouped] = await c.search({ data: [q], limit: 3, groupByField: 'path', groupSize: 2, outputFields: ['path'] });
  const paths = grouped.map((h) => h.entity.path);
  assert.equal(new Set(paths).size, 3, 'three groups');
  for (const p of new Set(paths)) assert.ok(paths.filter((x) => x === p).length <= 2);
});

test('several vector fields, hybrid search with RRF and weighted rankers', async () => {
  const db = Database.inMemory();
  const c = await db.createCollection('multi', {
    fields: [
      { name: 'pk', dataType: 'VarChar', isPrimary: true, maxLength: 20 },
      { name: 'text', dataType: 'VarChar', maxLength: 200, enableAnalyzer: true, analyzerParams: { type: 'code' } },
      { name: 'sparse', dataType: 'SparseFloatVector' },
      { name: 'text_vector', dataType: 'FloatVector', dim: 4 },
      { name: 'image_vector', dataType: 'FloatVector', dim: 6 },
    ],
    functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'] }],
  });
  await c.insert([
    { pk: 'a', text: 'parseHttpResponse reads the body', text_vector: [1, 0, 0, 0], image_vector: [0, 0, 0, 0, 0, 1] },
    { pk: 'b', text: 'render the sidebar view', text_vector: [0, 1, 0, 0], image_vector: [1, 0, 0, 0, 0, 0] },
    { pk: 'c', text: 'http client retries', text_vector: [0.9, 0.1, 0, 0], image_vector: [0, 1, 0, 0, 0, 0] },
  ]);
  const [text] = await c.search({ data: ['http response'], annsField: 'sparse', limit: 3 });
  assert.equal(text[0].id, 'a');
  assert.ok(!text.some((h) => h.id === 'b'), 'a document without the terms does not match');
  await assert.rejects(c.search({ data: [[1, 0, 0, 0]], limit: 1 }), /annsField is required/);
  const rrf = await c.hybridSearch({
    searches: [
      { data: [[0, 1, 0, 0]], annsField: 'text_vector', limit: 3 },
      { data: [[1, 0, 0, 0, 0, 0]], annsField: 'image_vector', limit: 3 },
    ],
    rerank: { strategy: 'rrf', params: { k: 60 } },
    limit: 2,
    outputFields: ['text'],
  });
  assert.equal(rrf[0].id, 'b', 'first in both lists wins under RRF');
  assert.equal(rrf[0].entity.text, 'render the sidebar view');
  const weighted = await c.hybridSearch({
    searches: [
      { data: ['http'], annsField: 'sparse', limit: 3 },
      { data: [[0, 1, 0, 0]], annsField: 'text_vector', limit: 3 },
    ],
    rerank: { strategy: 'weighted', params: { weights: [1, 0] } },
    limit: 3,
  });
  assert.ok(['a', 'c'].includes(weighted[0].id as string), 'weight 0 on the dense list leaves text to decide');
  await assert.rejects(
    c.hybridSearch({ searches: [{ data: ['x'], annsField: 'sparse', limit: 1 }], rerank: { strategy: 'weighted', params: { weights: [1, 1] } }, limit: 1 }),
    /one weight per search/,
  );
});

test('flush seals into indexed segments and compaction drops deleted rows; answers stay the same', async () => {
  const db = Database.inMemory({ sealBytes: 4096 });
  const c = await db.createCollection('seg', schema, { indexes: [{ fieldName: 'vec', indexType: 'HNSW', metricType: 'L2', params: { M: 8, efConstruction: 64 } }] });
  const rows = makeRows(400, 11);
  for (let i = 0; i < 400; i += 50) await c.insert(rows.slice(i, i + 50));
  await c.flush();
  const q = rows[123].vec as number[];
  const before = (await c.search({ data: [q], limit: 10, params: { ef: 200 } }))[0].map((h) => h.id);
  assert.equal(before[0], 123);
  await c.delete({ filter: 'id < 100' });
  await c.compact();
  assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 300 }]);
  const after = (await c.search({ data: [q], limit: 10, params: { ef: 200 } }))[0].map((h) => h.id);
  const kept = before.filter((id) => (id as number) >= 100);
  assert.deepEqual(after.slice(0, kept.length), kept, 'surviving neighbours keep their order');
  const desc = c.describeIndex('vec');
  assert.equal(desc.state, 'Finished');
  assert.equal(desc.totalRows, 300);
});
