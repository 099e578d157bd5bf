// The Milvus field types beyond float vectors and plain scalars: Timestamptz, Geometry, Int64
// beyond 2^53, BinaryVector (HAMMING / JACCARD), Float16Vector, BFloat16Vector, Int8Vector, and
// scalar index declarations — each inserted, queried, searched, persisted across flush + reopen
// and across a WAL replay, and refused with the row and field named when the input is bad.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import type { CollectionSchema } from '../../../src/engine/schema/types';
import { fromBfloat16Bits, fromHalfBits, toBfloat16Bits, toHalfBits } from '../../../src/engine/schema/denseVector';
import { formatTimestamptz, normalizeTimestamptz, parseTimestamptz } from '../../../src/engine/schema/timestamptz';
import { normalizeWkt } from '../../../src/engine/schema/wkt';

const quiet = { flushIntervalMs: 0 };
const tempDir = (): Promise<string> => fs.mkdtemp(path.join(os.tmpdir(), 'loupe-types-'));
const BIG = 2n ** 62n + 7n;

const schema: CollectionSchema = {
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'at', dataType: 'Timestamptz', defaultValue: '1984-04-14T15:00:00+08:00' },
    { name: 'place', dataType: 'Geometry', nullable: true },
    { name: 'big', dataType: 'Int64', nullable: true },
    { name: 'bits', dataType: 'BinaryVector', dim: 16 },
    { name: 'half', dataType: 'Float16Vector', dim: 4 },
    { name: 'brain', dataType: 'BFloat16Vector', dim: 4 },
    { name: 'small', dataType: 'Int8Vector', dim: 4 },
  ],
};

function rows(): Array<Record<string, unknown>> {
  return [
    { id: 1, at: '2025-01-02T08:00:00+08:00', place: 'point(1 2)', big: BIG, bits: [0b11110000, 0], half: [0.1, 1, 2, 3], brain: [0.1, 1, 2, 3], small: [1, 2, 3, 4] },
    { id: 2, at: '2025-06-01T00:00:00.123456Z', place: 'POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))', big: 5, bits: [0b11110001, 0], half: [1, 1, 1, 1], brain: [1, 1, 1, 1], small: [-128, 0, 127, 1] },
    { id: 3, place: null, big: null, bits: [0, 0xff], half: [-1, 0, 0, 0], brain: [-1, 0, 0, 0], small: [0, 0, 0, 0] },
  ];
}

const expected = [
  { id: 1, at: '2025-01-02T00:00:00.000000Z', place: 'POINT (1 2)', big: BIG },
  { id: 2, at: '2025-06-01T00:00:00.123456Z', place: 'POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))', big: 5 },
  { id: 3, at: '1984-04-14T07:00:00.000000Z', place: null, big: null },
];

async function checkContents(c: ReturnType<Database['collection']>, where: string): Promise<void> {
  const got = await c.query({ filter: 'id > 0', outputFields: ['at', 'place', 'big', 'bits', 'half', 'brain', 'small'] });
  got.sort((a, b) => (a.id as number) - (b.id as number));
  assert.deepEqual(got.map(({ id, at, place, big }) => ({ id, at, place, big })), expected, where);
  assert.deepEqual(got[0].bits, [0b11110000, 0], `${where}: a binary vector reads back as its bytes`);
  assert.deepEqual(got[2].bits, [0, 0xff]);
  assert.deepEqual(got[0].half, [fromHalfBits(toHalfBits(0.1)), 1, 2, 3], `${where}: float16 keeps the half-precision value`);
  assert.deepEqual(got[0].brain, [fromBfloat16Bits(toBfloat16Bits(0.1)), 1, 2, 3]);
  assert.deepEqual(got[1].small, [-128, 0, 127, 1]);

  // Timestamptz compares as an instant, whatever offset the literal is written in.
  const after = await c.query({ filter: 'at > "2025-01-02T07:59:59+08:00"', outputFields: ['id'] });
  assert.deepEqual(after.map((r) => r.id).sort(), [1, 2], where);
  const exact = await c.query({ filter: 'at == "2025-01-01T19:00:00-05:00"', outputFields: ['id'] });
  assert.deepEqual(exact.map((r) => r.id), [1]);
  // Int64 beyond 2^53 is exact and compares with numbers.
  const big = await c.query({ filter: 'big > 1000', outputFields: ['big'] });
  assert.deepEqual(big.map((r) => r.big), [BIG]);

  const [hamming] = await c.search({ data: [[0b11110000, 0]], annsField: 'bits', limit: 3 });
  assert.deepEqual(hamming.map((h) => [h.id, h.distance]), [[1, 0], [2, 1], [3, 12]], `${where}: HAMMING counts differing bits`);
  const [l2] = await c.search({ data: [[1, 1, 1, 1]], annsField: 'small', limit: 1 });
  assert.equal(l2[0].id, 3, 'L2 over int8 values: [0,0,0,0] is nearest to [1,1,1,1]');
  const [half] = await c.search({ data: [[1, 1, 1, 1]], annsField: 'half', limit: 1, outputFields: ['half'] });
  assert.equal(half[0].id, 2);
}

test('new field types: insert, query, filter, search; flush + reopen and WAL replay keep them', async () => {
  const dir = await tempDir();
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('things', schema, {
    indexes: [
      { fieldName: 'bits', indexType: 'FLAT', metricType: 'HAMMING', params: {} },
      { fieldName: 'small', indexType: 'HNSW', metricType: 'L2', params: {} },
      { fieldName: 'half', indexType: 'FLAT', metricType: 'L2', params: {} },
    ],
  });
  await c.insert(rows());
  await checkContents(c, 'in memory');
  await db.close();

  db = await Database.open(dir, quiet);
  await checkContents(db.collection('things'), 'after a WAL replay');
  await db.collection('things').flush();
  await db.close();

  db = await Database.open(dir, quiet);
  await checkContents(db.collection('things'), 'from sealed segment files');
  await db.close();
});

test('JACCARD on binary vectors; a metric that does not fit the vector type is refused', async () => {
  const db = await Database.inMemory();
  const c = await db.createCollection('bits', {
    fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'b', dataType: 'BinaryVector', dim: 8 }],
  }, { indexes: [{ fieldName: 'b', indexType: 'IVF_FLAT', metricType: 'JACCARD', params: { nlist: 1 } }] });
  await c.insert([{ id: 1, b: [0b11000000] }, { id: 2, b: [0b11110000] }, { id: 3, b: [0b00001111] }]);
  await c.flush();
  const [hits] = await c.search({ data: [[0b11000000]], limit: 3 });
  assert.deepEqual(hits.map((h) => [h.id, h.distance]), [[1, 0], [2, 0.5], [3, 1]]);
  await assert.rejects(
    db.createCollection('wrong', { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'v', dataType: 'FloatVector', dim: 2 }] },
      { indexes: [{ fieldName: 'v', indexType: 'FLAT', metricType: 'HAMMING', params: {} }] }),
    /metric HAMMING does not apply to FloatVector field "v" \(use L2, IP, COSINE\)/,
  );
  assert.equal(db.hasCollection('wrong'), false);
  await db.close();
});

test('bad values are refused naming the row and field, and nothing of the batch is stored', async () => {
  const db = await Database.inMemory();
  const c = await db.createCollection('things', schema);
  const bad = (row: Record<string, unknown>): Array<Record<string, unknown>> => [rows()[0], { ...rows()[1], ...row }];
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ at: 'yesterday' }, /row 1, field "at": "yesterday" is not an ISO-8601 time/],
    [{ at: '2025-02-30T00:00:00Z' }, /row 1, field "at": .* is not a valid date and time/],
    [{ at: 1735689600 }, /row 1, field "at": expected Timestamptz \(ISO-8601 text\)/],
    [{ place: 'POINT (1)' }, /row 1, field "place": "POINT \(1\)" is not WKT: expected a number/],
    [{ place: 'POLYGON ((0 0, 1 0, 1 1, 0 0.5))' }, /row 1, field "place": .* a polygon ring must end where it starts/],
    [{ place: 'CIRCLE (0 0, 1)' }, /row 1, field "place": .* unknown geometry type CIRCLE/],
    [{ big: '9223372036854775808' }, /row 1, field "big": .* out of range for Int64/],
    [{ big: 1.5 }, /row 1, field "big": expected Int64/],
    [{ bits: [1] }, /row 1, field "bits": expected 2 bytes for a binary vector of dim 16, got 1/],
    [{ bits: [256, 0] }, /row 1, field "bits": byte 0 is 256; binary vectors hold bytes 0..255/],
    [{ half: [1, 2, 3, 70000] }, /row 1, field "half": element 3 is 70000, out of range for float16/],
    [{ small: [1, 2, 3, 128] }, /row 1, field "small": element 3 is 128; Int8Vector elements are integers -128..127/],
    [{ small: [1, 2, 3] }, /row 1, field "small": expected dim 4, got 3/],
  ];
  for (const [row, message] of cases) await assert.rejects(c.insert(bad(row)), message);
  assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 0 }]);
  await assert.rejects(
    db.createCollection('x', { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'b', dataType: 'BinaryVector', dim: 12 }] }),
    /BinaryVector dim must be a multiple of 8/,
  );
  await assert.rejects(
    db.createCollection('y', { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'v', dataType: 'FloatVector', dim: 2 }, { name: 't', dataType: 'Timestamptz', defaultValue: 'soon' }] }),
    /field 2 \("t"\), default value: "soon" is not an ISO-8601 time/,
  );
  await assert.rejects(c.query({ filter: 'at > "not a time"' }), /Timestamptz field 'at' is compared with "not a time" is not an ISO-8601 time/);
  await assert.rejects(c.query({ filter: 'place == "POINT (1 2)"' }), /Geometry field 'place' .* cannot be compared/);
  await db.close();
});

test('scalar indexes are declared, listed, described and dropped; they must fit their field', async () => {
  const dir = await tempDir();
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('things', schema);
  await c.createScalarIndex({ fieldName: 'place', indexName: 'place_rtree', indexType: 'RTREE', params: {} });
  await c.createScalarIndex({ fieldName: 'at', indexName: 'at_sort', indexType: 'STL_SORT', params: {} });
  await assert.rejects(c.createScalarIndex({ fieldName: 'big', indexName: 'x', indexType: 'RTREE', params: {} }), /RTREE does not apply to a Int64 field/);
  await assert.rejects(c.createScalarIndex({ fieldName: 'half', indexName: 'y', indexType: 'INVERTED', params: {} }), /INVERTED is a scalar index; Float16Vector fields take vector indexes/);
  await c.insert(rows());
  assert.equal(c.describeIndex('place_rtree').state, 'Finished');
  assert.equal(c.describeIndex('place_rtree').indexedRows, 3);
  await db.close();
  db = await Database.open(dir, quiet);
  const again = db.collection('things');
  assert.deepEqual(again.listIndexes().map((i) => [i.indexName, i.spec.indexType]), [['place_rtree', 'RTREE'], ['at_sort', 'STL_SORT']]);
  await again.dropIndex('at_sort');
  assert.deepEqual(again.listIndexes().map((i) => i.indexName), ['place_rtree']);
  await db.close();
});

test('Timestamptz, WKT and half-precision conversions', () => {
  assert.equal(formatTimestamptz(parseTimestamptz('1970-01-01T00:00:00Z') as number), '1970-01-01T00:00:00.000000Z');
  assert.deepEqual(normalizeTimestamptz('1969-12-31 23:59:59.9999995'), { value: '1969-12-31T23:59:59.999999Z' });
  assert.deepEqual(normalizeTimestamptz('0001-01-01T00:00:00Z'), { value: '0001-01-01T00:00:00.000000Z' });
  assert.deepEqual(normalizeTimestamptz('2025-01-02T00:00:00+0530'), { value: '2025-01-01T18:30:00.000000Z' });
  assert.deepEqual(normalizeWkt(' multipoint ((1 2), (3 4)) '), { value: 'MULTIPOINT (1 2, 3 4)' });
  assert.deepEqual(normalizeWkt('GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))'), { value: 'GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))' });
  assert.deepEqual(normalizeWkt('POINT EMPTY'), { value: 'POINT EMPTY' });
  assert.equal(fromHalfBits(toHalfBits(65504)), 65504);
  assert.equal(fromHalfBits(toHalfBits(1 / 3)), 0.333251953125);
  assert.equal(fromHalfBits(toHalfBits(2 ** -24)), 2 ** -24, 'the smallest subnormal half');
  assert.equal(fromBfloat16Bits(toBfloat16Bits(1 / 3)), 0.333984375);
});

test('user sparse vectors: inserted, searched by inner product, kept across flush + reopen; bad ones refused', async () => {
  const dir = await tempDir();
  let db = await Database.open(dir, quiet);
  const sparseSchema: CollectionSchema = {
    fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'sv', dataType: 'SparseFloatVector' }],
  };
  const c = await db.createCollection('sparse', sparseSchema);
  await c.insert([{ id: 1, sv: { 1: 0.5, 7: 2 } }, { id: 2, sv: { indices: [1, 3], values: [1, 1] } }, { id: 3, sv: { 9: 1 } }]);
  await assert.rejects(c.insert([{ id: 4, sv: { '-1': 1 } }]), /row 0, field "sv": sparse index "-1" must be an integer/);
  await assert.rejects(c.insert([{ id: 4, sv: { 2: 'x' } }]), /row 0, field "sv": the weight at index 2 is "x"/);
  const search = async (): Promise<Array<[unknown, number]>> =>
    (await db.collection('sparse').search({ data: [{ 1: 1, 7: 1 }], limit: 3 }))[0].map((h) => [h.id, h.distance]);
  assert.deepEqual(await search(), [[1, 2.5], [2, 1], [3, 0]]);
  await c.flush();
  await db.close();
  db = await Database.open(dir, quiet);
  assert.deepEqual(await search(), [[1, 2.5], [2, 1], [3, 0]], 'after a reopen from segment files');
  assert.deepEqual(await db.collection('sparse').get([2], ['sv']), [{ id: 2, sv: { 1: 1, 3: 1 } }]);
  await db.close();
});
