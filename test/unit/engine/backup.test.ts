// Backup and restore: a snapshot taken while a writer keeps inserting restores to a database
// holding every row acknowledged before the backup began; damage and bad targets are refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { backupDatabase, restoreDatabase } from '../../../src/engine/backup';
import { Database } from '../../../src/engine/database';
import type { CollectionSchema } from '../../../src/engine/schema/types';
import { scratchDir } from './storage/scratch';

const DIM = 8;
const schema: CollectionSchema = {
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'text', dataType: 'VarChar', maxLength: 100, enableAnalyzer: true },
    { name: 'sparse', dataType: 'SparseFloatVector' },
    { name: 'vec', dataType: 'FloatVector', dim: DIM },
  ],
  functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'] }],
};
const HNSW = { fieldName: 'vec', indexType: 'HNSW' as const, metricType: 'L2' as const, params: { M: 8, efConstruction: 32 } };
const quiet = { flushIntervalMs: 0, sealBytes: 96 * 100 };

const row = (i: number): Record<string, unknown> => ({ id: i, text: `word${i % 13} row${i}`, vec: Array.from({ length: DIM }, (_, j) => Math.sin(i + j)) });

async function sourceWithBackup(): Promise<{ file: string; acked: number[] }> {
  const dir = scratchDir();
  const db = await Database.open(dir, quiet);
  const c = await db.createCollection('docs', schema, { indexes: [HNSW] });
  await db.createCollection('empty', schema);
  for (let i = 0; i < 300; i += 30) await c.insert(Array.from({ length: 30 }, (_, k) => row(i + k)));
  await c.delete({ ids: [5, 6, 7] });
  const acked = Array.from({ length: 300 }, (_, i) => i).filter((i) => i < 5 || i > 7);
  // A writer that keeps going during the backup.
  let stop = false;
  let next = 10_000;
  const writer = (async () => {
    while (!stop) await c.insert([row(next++)]);
  })();
  await c.insert([row(9_999)]);
  acked.push(9_999);
  const file = path.join(scratchDir(), 'db.loupebak');
  const summary = await backupDatabase(db, file);
  stop = true;
  await writer;
  assert.deepEqual(summary.collections, ['docs', 'empty']);
  assert.ok(next > 10_000, 'the writer made progress during the backup');
  await db.close();
  return { file, acked };
}

test('a backup taken while a writer inserts restores every row acknowledged before it began', async () => {
  const { file, acked } = await sourceWithBackup();
  const target = path.join(scratchDir(), 'restored');
  const summary = await restoreDatabase(file, target);
  assert.deepEqual(summary.collections, ['docs', 'empty']);
  const db = await Database.open(target, quiet);
  try {
    assert.deepEqual(db.listCollections(), ['docs', 'empty']);
    assert.deepEqual(db.openReports().docs.warnings, []);
    const c = db.collection('docs');
    const found = await c.query({ filter: 'id < 10000', outputFields: ['id'], limit: 100_000 });
    assert.deepEqual(found.map((r) => r.id).sort((a, b) => (a as number) - (b as number)), acked);
    const [hits] = await c.search({ data: [row(42).vec as number[]], annsField: 'vec', limit: 1 });
    assert.equal(hits[0].id, 42);
    const [text] = await c.search({ data: ['row123'], annsField: 'sparse', limit: 1 });
    assert.equal(text[0].id, 123);
    await c.insert([row(50_000)]);
  } finally {
    await db.close();
  }
});

test('a flipped byte in a backup fails the restore naming the file, and leaves no folder behind', async () => {
  const { file } = await sourceWithBackup();
  const buf = await fs.readFile(file);
  buf[Math.floor(buf.length / 2)] ^= 0x10;
  await fs.writeFile(file, buf);
  const target = path.join(scratchDir(), 'restored');
  await assert.rejects(restoreDatabase(file, target), /docs\/segment-\S+ fails its sha256 checksum/);
  await assert.rejects(fs.stat(target), /ENOENT/);
  await fs.writeFile(file, buf.subarray(0, buf.length - 100));
  await assert.rejects(restoreDatabase(file, target), /cut off|ends early|checksum/);
});

test('restore refuses a folder that is not empty', async () => {
  const { file } = await sourceWithBackup();
  const target = scratchDir();
  await fs.writeFile(path.join(target, 'keep.txt'), 'mine');
  await assert.rejects(restoreDatabase(file, target), /is not empty/);
  assert.deepEqual(await fs.readdir(target), ['keep.txt']);
});
