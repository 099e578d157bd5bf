// Faults a durable collection must survive: a full disk (real EFBIG under `ulimit -f`) fails the
// write that hit it and loses nothing acknowledged; a flipped byte in a delete log is caught;
// index builds of large segments run in a worker, so inserts and searches go on meanwhile.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import type { CollectionSchema } from '../../../src/engine/schema/types';
import { runChild, scratchDir } from './storage/scratch';

const DIM = 16;
const schema: CollectionSchema = {
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'text', dataType: 'VarChar', maxLength: 100 },
    { name: 'vec', dataType: 'FloatVector', dim: DIM },
  ],
};
const quiet = { flushIntervalMs: 0 };

function vec(i: number, dim = DIM): number[] {
  return Array.from({ length: dim }, (_, j) => Math.sin(i * 7.1 + j * 1.3));
}

test('a full disk fails the insert that hit it, naming the WAL file; acknowledged rows survive and later writes work', async () => {
  const dir = scratchDir();
  const database = path.resolve(__dirname, '../../../src/engine/database.js');
  const code = `
    const { Database } = require(${JSON.stringify(database)});
    const vec = (i) => Array.from({ length: ${DIM} }, (_, j) => Math.sin(i * 7.1 + j * 1.3));
    const rows = (a, n) => Array.from({ length: n }, (_, k) => ({ id: a + k, text: 'row ' + (a + k), vec: vec(a + k) }));
    (async () => {
      const db = await Database.open(${JSON.stringify(dir)}, { flushIntervalMs: 0 });
      const c = await db.createCollection('docs', ${JSON.stringify(schema)});
      for (let i = 0; i < 20; i++) await c.insert(rows(i, 1));
      let message = 'no error';
      try { await c.insert(rows(1000, 3000)); } catch (e) { message = e.message; }
      await c.insert(rows(20, 1));
      console.log(JSON.stringify({ message }));
      process.exit(0); // no close: the next open replays the WAL
    })().catch((e) => { console.log(JSON.stringify({ crash: e.stack })); process.exit(2); });`;
  const r = runChild(code, { fileSizeLimitKb: 64 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const { message } = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { message: string };
  assert.match(message, /wal-\d+\.log/, `the error names the log file: ${message}`);
  const db = await Database.open(dir, quiet);
  try {
    const c = db.collection('docs');
    assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 21 }]);
    assert.deepEqual(await c.get([20], ['text']), [{ id: 20, text: 'row 20' }]);
    assert.equal((await c.get([1000])).length, 0, 'the failed batch left no row behind');
  } finally {
    await db.close();
  }
});

test('a flipped byte in a delete log is caught: the segment is set aside rather than resurrect deleted rows', async () => {
  const dir = scratchDir();
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('docs', schema);
  await c.insert(Array.from({ length: 50 }, (_, i) => ({ id: i, text: `row ${i}`, vec: vec(i) })));
  await c.flush();
  await c.delete({ ids: [1, 2, 3] });
  await c.flush();
  await db.close();
  const folder = path.join(dir, 'docs');
  const delta = (await fs.readdir(folder)).filter((f) => f.endsWith('.delta'));
  assert.equal(delta.length, 1, 'one delete log written');
  const file = path.join(folder, delta[0]);
  const buf = await fs.readFile(file);
  buf[buf.length - 1] ^= 0x01;
  await fs.writeFile(file, buf);
  db = await Database.open(dir, quiet);
  try {
    const report = db.openReports().docs;
    assert.equal(report.damaged.length, 1);
    assert.ok(report.damaged[0].file.endsWith(delta[0]), report.damaged[0].file);
    assert.equal((await db.collection('docs').get([1])).length, 0, 'a deleted row does not come back');
  } finally {
    await db.close();
  }
});

test('a large index build runs in a worker: an insert and a search complete before it ends, then the index is used and saved', async () => {
  const dir = scratchDir();
  const dim = 64;
  const big: CollectionSchema = { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'vec', dataType: 'FloatVector', dim }] };
  let db = await Database.open(dir, { ...quiet, workerBuildRows: 1000 });
  const c = await db.createCollection('docs', big, {
    indexes: [{ fieldName: 'vec', indexType: 'HNSW', metricType: 'L2', params: { M: 16, efConstruction: 200 } }],
  });
  const n = 12_000;
  for (let from = 0; from < n; from += 3000) {
    await c.insert(Array.from({ length: 3000 }, (_, k) => ({ id: from + k, vec: vec(from + k, dim) })));
  }
  const events: string[] = [];
  const flushed = c.flush().then(() => events.push('flush done'));
  // Let the build start (the background queue starts on setImmediate).
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  events.push(`index ${c.describeIndex('vec').state}`);
  await c.insert([{ id: n, vec: vec(n, dim) }]);
  events.push('insert done');
  const [hits] = await c.search({ data: [vec(4321, dim)], annsField: 'vec', limit: 1 });
  events.push('search done');
  assert.equal(hits[0].id, 4321, 'the unindexed segment is searched exactly meanwhile');
  await flushed;
  assert.deepEqual(events, ['index InProgress', 'insert done', 'search done', 'flush done']);
  assert.equal(c.describeIndex('vec').indexedRows, n, 'the sealed segment now has its index (the new row is still growing)');
  await db.close();
  db = await Database.open(dir, quiet);
  try {
    assert.deepEqual(db.openReports().docs.warnings, [], 'the worker-written index file loads as is');
    const [again] = await db.collection('docs').search({ data: [vec(77, dim)], annsField: 'vec', limit: 1 });
    assert.equal(again[0].id, 77);
  } finally {
    await db.close();
  }
});
