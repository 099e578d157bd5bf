import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSegment, writeSegment, type SegmentData } from '../../../../src/engine/storage/segmentFile';
import type { CollectionSchema } from '../../../../src/engine/schema/types';
import { scratchDir } from './scratch';

const schema: CollectionSchema = {
  enableDynamicField: true,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'flag', dataType: 'Bool', nullable: true },
    { name: 'i8', dataType: 'Int8' },
    { name: 'i16', dataType: 'Int16' },
    { name: 'i32', dataType: 'Int32', nullable: true },
    { name: 'i64', dataType: 'Int64' },
    { name: 'f', dataType: 'Float' },
    { name: 'f_exact', dataType: 'Float' },
    { name: 'd', dataType: 'Double' },
    { name: 'title', dataType: 'VarChar', maxLength: 100, nullable: true },
    { name: 'doc', dataType: 'JSON', nullable: true },
    { name: 'tags', dataType: 'Array', elementType: 'VarChar', maxCapacity: 4 },
    { name: 'embedding', dataType: 'FloatVector', dim: 3 },
    { name: 'image', dataType: 'FloatVector', dim: 2 },
  ],
};

function sample(): SegmentData {
  return {
    id: 7,
    rowCount: 3,
    pks: [10, 2 ** 53 - 1, -5],
    columns: {
      flag: [true, null, false],
      i8: [-128, 0, 127],
      i16: [-32768, 1, 32767],
      i32: [null, -2147483648, 2147483647],
      i64: [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0],
      f: [0.1, -2.5, 1e30], // not float32-exact: must still read back unchanged
      f_exact: [0.5, -2.25, Math.fround(0.1)],
      d: [Math.PI, -0, 1e-300],
      title: ['naïve café ☕', null, ''],
      doc: [{ a: [1, { b: null }] }, null, 'just a string'],
      tags: [['x', 'y'], [], ['z']],
      $meta: [{ lang: 'ts' }, {}, { n: 3 }],
    },
    vectors: {
      embedding: Float32Array.from([1, 2, 3, 4, 5, 6, -7.5, 8e-8, 9]),
      image: Float32Array.from([0.25, 0.5, 0.75, 1, 1.25, 1.5]),
    },
    dims: { embedding: 3, image: 2 },
  };
}

test('a segment with every scalar type, nulls, $meta and vectors round-trips', async () => {
  const dir = scratchDir();
  const data = sample();
  const info = await writeSegment(dir, data, schema);
  assert.equal(info.file, 'segment-000007.seg');
  assert.equal(info.bytes, fs.statSync(path.join(dir, info.file)).size);
  const back = await readSegment(dir, info);
  assert.deepEqual(back, data);
  assert.ok(Object.is(back.columns.d[1], -0), 'negative zero survives');
});

test('VarChar primary keys and an empty segment round-trip', async () => {
  const dir = scratchDir();
  const strSchema: CollectionSchema = { fields: [{ name: 'path', dataType: 'VarChar', isPrimary: true, maxLength: 512 }, { name: 'v', dataType: 'FloatVector', dim: 2 }] };
  const data: SegmentData = { id: 1, rowCount: 2, pks: ['src/a.ts', 'src/ü.ts'], columns: {}, vectors: { v: Float32Array.from([1, 2, 3, 4]) }, dims: { v: 2 } };
  assert.deepEqual(await readSegment(dir, await writeSegment(dir, data, strSchema)), data);
  const empty: SegmentData = { id: 2, rowCount: 0, pks: [], columns: { title: [] }, vectors: { v: new Float32Array(0) }, dims: { v: 2 } };
  assert.deepEqual(await readSegment(dir, await writeSegment(dir, empty, strSchema)), empty);
});

test('a flipped byte anywhere in a segment file is an error naming the file', async () => {
  const dir = scratchDir();
  const info = await writeSegment(dir, sample(), schema);
  const file = path.join(dir, info.file);
  const good = fs.readFileSync(file);
  for (const at of [0, 13, 40, Math.floor(good.length / 2), good.length - 20, good.length - 1]) {
    const bad = Buffer.from(good);
    bad[at] ^= 0x04;
    fs.writeFileSync(file, bad);
    await assert.rejects(readSegment(dir, info), (e: Error) => e.message.includes(file) && /damaged: its checksum does not match/.test(e.message), `byte ${at}`);
  }
  fs.writeFileSync(file, good.subarray(0, good.length - 100));
  await assert.rejects(readSegment(dir, info), (e: Error) => e.message.includes(file) && /truncated/.test(e.message));
  fs.rmSync(file);
  await assert.rejects(readSegment(dir, info), (e: Error) => e.message.includes(file) && /does not exist/.test(e.message));
});

test('a value of the wrong type is refused with the segment, field and row', async () => {
  const dir = scratchDir();
  const data = sample();
  data.columns.i8[1] = 300;
  await assert.rejects(writeSegment(dir, data, schema), /segment 7: field "i8" row 1: expected an integer in -128\.\.127, got 300/);
  const data2 = sample();
  data2.vectors.embedding = new Float32Array(4);
  await assert.rejects(writeSegment(dir, data2, schema), /vector field "embedding" has 4 floats, expected 3 rows × 3/);
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing is written');
});
