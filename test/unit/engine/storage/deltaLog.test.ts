import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDeltaLog, writeDeltaLog } from '../../../../src/engine/storage/deltaLog';
import { scratchDir } from './scratch';

test('a delta log stores the sorted, de-duplicated deleted offsets', async () => {
  const dir = scratchDir();
  const info = await writeDeltaLog(dir, 3, Uint32Array.from([9, 2, 7, 2, 0, 4294967295]));
  assert.equal(info.count, 5);
  assert.match(info.file, /^segment-000003-.*\.delta$/);
  assert.deepEqual(await readDeltaLog(dir, info), Uint32Array.from([0, 2, 7, 9, 4294967295]));
  const again = await writeDeltaLog(dir, 3, Uint32Array.from([1]));
  assert.notEqual(again.file, info.file, 'each write is a new file, so the manifest never points at a half-replaced one');
  assert.deepEqual(await readDeltaLog(dir, again), Uint32Array.from([1]));
});

test('a flipped byte or a cut in a delta log is an error naming the file', async () => {
  const dir = scratchDir();
  const info = await writeDeltaLog(dir, 1, Uint32Array.from([1, 5, 8]));
  const file = path.join(dir, info.file);
  const good = fs.readFileSync(file);
  for (let at = 0; at < good.length; at++) {
    const bad = Buffer.from(good);
    bad[at] ^= 0x80;
    fs.writeFileSync(file, bad);
    await assert.rejects(readDeltaLog(dir, info), (e: Error) => e.message.includes(file), `byte ${at}`);
  }
  fs.writeFileSync(file, good.subarray(0, good.length - 4));
  await assert.rejects(readDeltaLog(dir, info), (e: Error) => e.message.includes(file) && /truncated/.test(e.message));
});
