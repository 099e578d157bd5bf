import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import type { CollectionSchema } from '../../../src/engine/schema/types';

const DIM = 16;
const schema: CollectionSchema = {
  enableDynamicField: true,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true, autoId: true },
    { name: 'path', dataType: 'VarChar', maxLength: 200, enableAnalyzer: true },
    { name: 'sparse', dataType: 'SparseFloatVector' },
    { name: 'score', dataType: 'Double', nullable: true },
    { name: 'vec', dataType: 'FloatVector', dim: DIM },
  ],
  functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['path'], outputFieldNames: ['sparse'] }],
};
const HNSW = { fieldName: 'vec', indexType: 'HNSW' as const, metricType: 'L2' as const, params: { M: 8, efConstruction: 64 } };

function vec(i: number): number[] {
  return Array.from({ length: DIM }, (_, j) => Math.sin(i * 7.1 + j * 1.3));
}

function rows(from: number, n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) => ({ path: `src/file${from + k}.ts`, score: k % 2 ? null : k, vec: vec(from + k), extra: from + k }));
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'loupe-durable-'));
}

const quiet = { flushIntervalMs: 0 };

test('acknowledged writes survive a reopen without a flush (WAL replay), deletes and upserts too', async () => {
  const dir = await tempDir();
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('chunks', schema, { indexes: [HNSW] });
  const { ids } = await c.insert(rows(0, 20));
  await c.delete({ ids: [ids[3]] });
  await c.upsert([{ id: ids[4], path: 'moved.ts', score: 1.5, vec: vec(99) }]);
  // Simulate a process that stops without flushing: drop the handle without close().
  await (db as unknown as { lock: { release(): Promise<void> } }).lock.release();
  db = await Database.open(dir, quiet);
  const again = db.collection('chunks');
  assert.deepEqual(await again.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 19 }]);
  assert.deepEqual(await again.get([ids[4]], ['path', 'score']), [{ id: ids[4], path: 'moved.ts', score: 1.5 }]);
  assert.equal((await again.get([ids[3]])).length, 0);
  const [text] = await again.search({ data: ['moved'], annsField: 'sparse', limit: 1 });
  assert.equal(text[0].id, ids[4], 'BM25 is rebuilt from the replayed rows');
  const more = await again.insert(rows(20, 1));
  assert.ok((more.ids[0] as number) > Math.max(...(ids as number[])), 'auto ids continue after a reopen');
  await db.close();
});

test('flush writes sealed segments and indexes; reopen loads them without rebuilding', async () => {
  const dir = await tempDir();
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('chunks', schema, { indexes: [HNSW] });
  await c.insert(rows(0, 300));
  await c.flush();
  await c.delete({ filter: 'extra < 10' });
  await c.flush();
  const q = vec(150);
  const before = (await c.search({ data: [q], annsField: 'vec', limit: 5, outputFields: ['path'] }))[0];
  await db.close();
  const files = await fs.readdir(path.join(dir, 'chunks'));
  assert.ok(files.some((f) => f.endsWith('.seg')) && files.some((f) => f.endsWith('.idx')), files.join(' '));
  db = await Database.open(dir, quiet);
  assert.deepEqual(db.openReports().chunks.warnings, [], 'nothing rebuilt or repaired');
  const after = (await db.collection('chunks').search({ data: [q], annsField: 'vec', limit: 5, outputFields: ['path'] }))[0];
  assert.deepEqual(after, before);
  assert.deepEqual(await db.collection('chunks').query({ outputFields: ['count(*)'] }), [{ 'count(*)': 290 }]);
  await db.close();
});

test('a damaged index is rebuilt; a damaged segment is named and the rest keeps working', async () => {
  const dir = await tempDir();
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('chunks', schema, { indexes: [HNSW] });
  await c.insert(rows(0, 50));
  await c.flush();
  await c.insert(rows(50, 50));
  await c.flush();
  await db.close();
  const segDir = path.join(dir, 'chunks');
  const names = (await fs.readdir(segDir)).sort();
  const idx = names.filter((f) => f.endsWith('.idx'));
  const segs = names.filter((f) => f.endsWith('.seg'));
  assert.equal(segs.length, 2);
  // Flip a byte in the first index and in the second segment.
  for (const f of [idx[0], segs[1]]) {
    const p = path.join(segDir, f);
    const buf = await fs.readFile(p);
    buf[Math.floor(buf.length / 2)] ^= 0xff;
    await fs.writeFile(p, buf);
  }
  db = await Database.open(dir, quiet);
  const report = db.openReports().chunks;
  assert.ok(report.warnings.some((w) => /rebuilt/.test(w)), report.warnings.join('\n'));
  assert.equal(report.damaged.length, 1);
  assert.ok(report.damaged[0].file.endsWith(segs[1]));
  const col = db.collection('chunks');
  assert.deepEqual(await col.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 50 }]);
  const [hits] = await col.search({ data: [vec(7)], annsField: 'vec', limit: 1, outputFields: ['extra'] });
  assert.equal(hits[0].entity.extra, 7);
  await db.close();
});

test('one writer at a time; a read-only opener can read but not write', async () => {
  const dir = await tempDir();
  const db = await Database.open(dir, quiet);
  const c = await db.createCollection('chunks', schema);
  await c.insert(rows(0, 5));
  await c.flush();
  await assert.rejects(Database.open(dir, quiet), new RegExp(`in use by pid ${process.pid}`));
  const ro = await Database.open(dir, { ...quiet, readOnly: true });
  assert.deepEqual(await ro.collection('chunks').query({ outputFields: ['count(*)'] }), [{ 'count(*)': 5 }]);
  await assert.rejects(ro.collection('chunks').insert(rows(5, 1)), /read-only/);
  await ro.close();
  await db.close();
});

test('a store written by a newer format is refused with a clear message', async () => {
  const dir = await tempDir();
  const db = await Database.open(dir, quiet);
  await db.createCollection('chunks', schema);
  await db.close();
  const file = path.join(dir, 'chunks', 'manifest.json');
  const m = JSON.parse(await fs.readFile(file, 'utf8'));
  m.formatVersion = 99;
  await fs.writeFile(file, JSON.stringify(m));
  await assert.rejects(Database.open(dir, quiet), /newer/);
});

test('two inserts of one primary key in flight together: one is stored, the other refused, and a reopen agrees', async () => {
  const dir = await tempDir();
  const manual: CollectionSchema = {
    fields: [
      { name: 'id', dataType: 'Int64', isPrimary: true },
      { name: 'path', dataType: 'VarChar', maxLength: 200 },
      { name: 'vec', dataType: 'FloatVector', dim: DIM },
    ],
  };
  let db = await Database.open(dir, quiet);
  const c = await db.createCollection('pk', manual, { indexes: [HNSW] });
  // Neither insert has reached the log when the second starts: the check must see the first.
  const [a, b] = await Promise.allSettled([
    c.insert([{ id: 7, path: 'first.ts', vec: vec(1) }]),
    c.insert([{ id: 7, path: 'second.ts', vec: vec(2) }, { id: 8, path: 'other.ts', vec: vec(3) }]),
  ]);
  assert.equal(a.status, 'fulfilled');
  assert.equal(b.status, 'rejected');
  assert.match(String((b as PromiseRejectedResult).reason), /row 0: primary key 7 already exists; use upsert/);
  assert.deepEqual(await c.get([7, 8], ['path']), [{ id: 7, path: 'first.ts' }], 'the refused batch stored nothing, not even its other row');
  // Once the first insert is durable the key is taken as before; after it fails, a retry may use it.
  await assert.rejects(c.insert([{ id: 7, path: 'third.ts', vec: vec(4) }]), /primary key 7 already exists/);
  await (db as unknown as { lock: { release(): Promise<void> } }).lock.release();
  db = await Database.open(dir, quiet);
  assert.deepEqual(await db.collection('pk').query({ filter: 'id >= 0', outputFields: ['path'] }), [{ id: 7, path: 'first.ts' }]);
  await db.close();
});
