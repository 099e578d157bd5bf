import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FORMAT_VERSION, MANIFEST_FILE, newManifest, readManifest, unreferencedFiles, writeManifest } from '../../../../src/engine/storage/manifest';
import type { CollectionSchema } from '../../../../src/engine/schema/types';
import { EngineError, ErrorCode } from '../../../../src/engine/errors';
import { scratchDir } from './scratch';

const schema: CollectionSchema = { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'v', dataType: 'FloatVector', dim: 4 }] };

test('a manifest round-trips; a folder without one reads as undefined', async () => {
  const dir = scratchDir();
  assert.equal(await readManifest(dir), undefined);
  const m = newManifest('docs', schema, new Date('2026-01-02T03:04:05Z'));
  m.indexes.push({ fieldName: 'v', indexName: 'v_idx', spec: { indexType: 'HNSW', metricType: 'COSINE', params: { M: 16 } } });
  m.segments.push({ id: 1, rowCount: 10, file: 'segment-000001.seg', crc32: 123, bytes: 456, deltaLog: { file: 'segment-000001-x.delta', crc32: 1, count: 2 }, indexFiles: { v: { file: 'segment-1-v.idx', crc32: 9, bytes: 99 } } });
  await writeManifest(dir, m);
  assert.deepEqual(await readManifest(dir), m);
  assert.deepEqual(fs.readdirSync(dir), [MANIFEST_FILE]);
});

test('a manifest from a newer Loupe is refused with an actionable message', async () => {
  const dir = scratchDir();
  await writeManifest(dir, { ...newManifest('docs', schema), formatVersion: FORMAT_VERSION + 1 });
  await assert.rejects(readManifest(dir), (e: unknown) =>
    e instanceof EngineError && e.code === ErrorCode.StorageError &&
    e.message.includes(path.join(dir, MANIFEST_FILE)) &&
    e.message.includes('written by a newer Loupe (format 2); this version reads format 1 — update Loupe'));
});

test('corrupt or incomplete manifests are errors naming the file', async () => {
  const dir = scratchDir();
  const file = path.join(dir, MANIFEST_FILE);
  fs.writeFileSync(file, '{"formatVersion": 1, "name": "do');
  await assert.rejects(readManifest(dir), (e: Error) => e.message.includes(file) && /not valid JSON/.test(e.message));
  const m = newManifest('docs', schema) as unknown as Record<string, unknown>;
  delete m.walSeq;
  fs.writeFileSync(file, JSON.stringify(m));
  await assert.rejects(readManifest(dir), (e: Error) => e.message.includes(file) && /no valid walSeq/.test(e.message));
});

test('unreferencedFiles lists orphaned segment, delta, index and temp files only', async () => {
  const dir = scratchDir();
  const m = newManifest('docs', schema);
  m.segments.push({ id: 1, rowCount: 1, file: 'segment-000001.seg', crc32: 0, bytes: 0, deltaLog: { file: 'segment-000001-a.delta', crc32: 0, count: 0 }, indexFiles: { v: { file: 'segment-1-v.idx', crc32: 0, bytes: 0 } } });
  await writeManifest(dir, m);
  for (const f of ['segment-000001.seg', 'segment-000001-a.delta', 'segment-1-v.idx', 'segment-000002.seg', 'segment-000001-old.delta', 'manifest.json.tmp-1-ab', 'notes.txt']) {
    fs.writeFileSync(path.join(dir, f), '');
  }
  fs.mkdirSync(path.join(dir, 'wal'));
  assert.deepEqual((await unreferencedFiles(dir, m)).sort(), ['manifest.json.tmp-1-ab', 'segment-000001-old.delta', 'segment-000002.seg']);
});
