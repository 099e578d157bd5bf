import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { checksumFile, verifyFile } from '../../../../src/engine/storage/fileChecksum';
import { crc32Table } from '../../../../src/engine/storage/crc32';
import { scratchDir } from './scratch';

test('checksumFile streams a file larger than its read chunk', async () => {
  const file = path.join(scratchDir(), 'index.bin');
  const data = randomBytes(3 * 1024 * 1024 + 17);
  fs.writeFileSync(file, data);
  const sum = await checksumFile(file);
  assert.deepEqual(sum, { crc32: crc32Table(data), bytes: data.length });
  await verifyFile(file, sum);
});

test('verifyFile names the file when it changed, shrank or vanished', async () => {
  const file = path.join(scratchDir(), 'segment-1-v.idx');
  fs.writeFileSync(file, 'hnsw bytes');
  const sum = await checksumFile(file);
  fs.writeFileSync(file, 'hnsw bytez');
  await assert.rejects(verifyFile(file, sum), (e: Error) => e.message.includes(file) && /checksum/.test(e.message));
  fs.writeFileSync(file, 'hnsw');
  await assert.rejects(verifyFile(file, sum), (e: Error) => e.message.includes(file) && /has 4 bytes, the manifest records 10/.test(e.message));
  fs.rmSync(file);
  await assert.rejects(verifyFile(file, sum), (e: Error) => e.message.includes(file) && /ENOENT/.test(e.message));
});
