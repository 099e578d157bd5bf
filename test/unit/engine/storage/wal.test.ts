import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WriteAheadLog } from '../../../../src/engine/storage/wal';
import { walFileName, WAL_HEADER_BYTES } from '../../../../src/engine/storage/walFormat';
import type { WalOp } from '../../../../src/engine/storage/walRecord';
import { runChild, scratchDir, storageModule } from './scratch';

const insert = (id: number, dim = 4): WalOp => ({
  type: 'insert',
  rows: [{ id, name: `row ${id}` }],
  vectors: { v: Float32Array.from({ length: dim }, (_, i) => id + i / 10) },
});

async function writeLog(dir: string, ops: WalOp[]): Promise<void> {
  const { wal } = await WriteAheadLog.open(dir);
  for (const op of ops) await wal.append(op);
  await wal.close();
}

test('appended operations are replayed in order after reopening', async () => {
  const dir = scratchDir();
  const ops = [insert(1), { type: 'delete', pks: [1] } as WalOp, insert(2), { type: 'upsert', rows: [{ id: 'a' }], vectors: {} } as WalOp];
  await writeLog(dir, ops);
  const first = await WriteAheadLog.open(dir);
  assert.deepEqual(first.ops, ops);
  assert.deepEqual(first.warnings, []);
  await first.wal.append(insert(3));
  await first.wal.close();
  const second = await WriteAheadLog.open(dir);
  assert.deepEqual(second.ops, [...ops, insert(3)]);
  await second.wal.close();
});

test('group commit: 64 concurrent appends share far fewer write+fsync rounds', async () => {
  const dir = scratchDir();
  const { wal } = await WriteAheadLog.open(dir);
  await Promise.all(Array.from({ length: 64 }, (_, i) => wal.append(insert(i, 384))));
  assert.equal(wal.stats.appends, 64);
  assert.ok(wal.stats.batches <= 2, `64 appends took ${wal.stats.batches} fsync rounds`);
  await wal.close();
  const { ops, wal: again } = await WriteAheadLog.open(dir);
  assert.equal(ops.length, 64);
  assert.deepEqual(ops.map((o) => (o.type === 'insert' ? o.rows[0].id : -1)), Array.from({ length: 64 }, (_, i) => i));
  await again.close();
});

test('a torn last record, cut at any byte, is dropped with a warning and earlier records kept', async () => {
  const dir = scratchDir();
  await writeLog(dir, [insert(1), insert(2)]);
  const file = path.join(dir, walFileName(1));
  const full = fs.readFileSync(file);
  const withTwo = full.length;
  // The size of the log holding only the first record tells where the last record starts.
  const d1 = scratchDir();
  await writeLog(d1, [insert(1)]);
  const lastStart = fs.statSync(path.join(d1, walFileName(1))).size;
  for (let cut = lastStart + 1; cut < withTwo; cut++) {
    fs.writeFileSync(file, full.subarray(0, cut));
    const { wal, ops, warnings } = await WriteAheadLog.open(dir);
    assert.deepEqual(ops, [insert(1)], `cut at ${cut}`);
    assert.equal(warnings.length, 1, `cut at ${cut}`);
    assert.match(warnings[0], /cut short by an interrupted write/);
    assert.equal(fs.statSync(file).size, lastStart, 'the torn tail is truncated away');
    await wal.append(insert(3));
    await wal.close();
    const reopened = await WriteAheadLog.open(dir);
    assert.deepEqual(reopened.ops, [insert(1), insert(3)], 'appends after the repair replay cleanly');
    await reopened.wal.close();
  }
  assert.ok(!fs.readdirSync(dir).some((n) => n.includes('.corrupt-')), 'a torn tail is not set aside');
});

test('a flipped bit in a middle record stops replay there, warns and keeps a copy aside', async () => {
  const dir = scratchDir();
  await writeLog(dir, [insert(1), insert(2), insert(3)]);
  const file = path.join(dir, walFileName(1));
  const buf = fs.readFileSync(file);
  const recordBytes = (buf.length - WAL_HEADER_BYTES) / 3;
  buf[WAL_HEADER_BYTES + recordBytes + 20] ^= 0x10; // inside record 2's payload
  fs.writeFileSync(file, buf);
  const { wal, ops, warnings } = await WriteAheadLog.open(dir);
  assert.deepEqual(ops, [insert(1)]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`record at byte ${WAL_HEADER_BYTES + recordBytes} is damaged`));
  const aside = fs.readdirSync(dir).filter((n) => n.startsWith(`${walFileName(1)}.corrupt-`));
  assert.equal(aside.length, 1);
  assert.deepEqual(fs.readFileSync(path.join(dir, aside[0])), buf, 'the copy holds the damaged log as found');
  await wal.close();
});

test('a flipped bit in the last record is treated as a damaged tail', async () => {
  const dir = scratchDir();
  await writeLog(dir, [insert(1), insert(2)]);
  const file = path.join(dir, walFileName(1));
  const buf = fs.readFileSync(file);
  buf[buf.length - 3] ^= 0x01;
  fs.writeFileSync(file, buf);
  const { wal, ops, warnings } = await WriteAheadLog.open(dir);
  assert.deepEqual(ops, [insert(1)]);
  assert.equal(warnings.length, 1);
  await wal.close();
});

test('a failed append (file size limit) rejects, and every acknowledged record survives', async () => {
  const dir = scratchDir();
  // 64 KiB limit; each record is ~4 KiB: some appends succeed, then writes fail with EFBIG.
  const r = runChild(`
    const { WriteAheadLog } = require(${JSON.stringify(storageModule('wal'))});
    (async () => {
      const { wal } = await WriteAheadLog.open(${JSON.stringify(dir)});
      let acked = 0, failed = 0, message = '';
      for (let i = 0; i < 40; i++) {
        const op = { type: 'insert', rows: [{ id: i }], vectors: { v: new Float32Array(1000).fill(i) } };
        try { await wal.append(op); acked++; } catch (e) { failed++; message = e.message; }
      }
      // A concurrent burst past the limit: all of it rejects together.
      const burst = await Promise.allSettled([1, 2, 3].map((k) => wal.append({ type: 'insert', rows: [{ id: 100 + k }], vectors: { v: new Float32Array(1000) } })));
      await wal.close();
      console.log(JSON.stringify({ acked, failed, message, burst: burst.map((b) => b.status) }));
    })();
  `, { fileSizeLimitKb: 64 });
  const result = JSON.parse(r.stdout) as { acked: number; failed: number; message: string; burst: string[] };
  assert.ok(result.acked > 5 && result.failed > 0, r.stdout + r.stderr);
  assert.match(result.message, new RegExp(`appending to .*${walFileName(1)} failed: .*EFBIG`));
  assert.deepEqual(result.burst, ['rejected', 'rejected', 'rejected'], 'appends batched with a failed write all reject');
  const { wal, ops, warnings } = await WriteAheadLog.open(dir);
  assert.deepEqual(ops.map((o) => (o.type === 'insert' ? o.rows[0].id : -1)), Array.from({ length: result.acked }, (_, i) => i));
  assert.deepEqual(warnings, [], 'the failed write left no partial record behind');
  await wal.close();
});

test('flush protocol: rotate, commit, drop — a crash at any step replays each operation exactly once', async () => {
  const dir = scratchDir();
  const { wal } = await WriteAheadLog.open(dir, { fromSeq: 1 });
  await wal.append(insert(1));
  const newSeq = await wal.rotate();
  assert.equal(newSeq, 2);
  await wal.append(insert(2));
  // Crash before the manifest commit: the manifest still says walSeq 1 → both files replay.
  let r = await WriteAheadLog.open(dir, { fromSeq: 1, readOnly: true });
  assert.deepEqual(r.ops, [insert(1), insert(2)]);
  // Crash after the commit (walSeq 2) but before the old file was dropped: only the new one
  // replays, and opening removes the stale file.
  await wal.close();
  r = await WriteAheadLog.open(dir, { fromSeq: 2 });
  assert.deepEqual(r.ops, [insert(2)]);
  assert.deepEqual(fs.readdirSync(dir).sort(), [walFileName(2)]);
  // reset() runs the whole protocol with the caller's commit in the middle.
  let committed = 0;
  await r.wal.reset(async (seq) => {
    committed = seq;
  });
  assert.equal(committed, 3);
  assert.deepEqual(fs.readdirSync(dir).sort(), [walFileName(3)]);
  await r.wal.append(insert(4));
  await r.wal.close();
  r = await WriteAheadLog.open(dir, { fromSeq: committed });
  assert.deepEqual(r.ops, [insert(4)]);
  await r.wal.close();
});

test('appends called during a rotation go to the new file', async () => {
  const dir = scratchDir();
  const { wal } = await WriteAheadLog.open(dir);
  const before = [wal.append(insert(1)), wal.append(insert(2))];
  const rotated = wal.rotate();
  const afterRotate = wal.append(insert(3));
  await Promise.all([...before, rotated, afterRotate]);
  await wal.close();
  const old = await WriteAheadLog.open(dir, { readOnly: true });
  assert.deepEqual(old.ops, [insert(1), insert(2), insert(3)]);
  const fresh = await WriteAheadLog.open(dir, { fromSeq: 2, readOnly: true });
  assert.deepEqual(fresh.ops, [insert(3)]);
});

test('a read-only open replays without changing anything and refuses appends', async () => {
  const dir = scratchDir();
  await writeLog(dir, [insert(1), insert(2)]);
  const file = path.join(dir, walFileName(1));
  const torn = fs.readFileSync(file).subarray(0, fs.statSync(file).size - 5);
  fs.writeFileSync(file, torn);
  const { wal, ops, warnings } = await WriteAheadLog.open(dir, { readOnly: true });
  assert.deepEqual(ops, [insert(1)]);
  assert.equal(warnings.length, 1);
  assert.deepEqual(fs.readFileSync(file), torn, 'the file is untouched');
  await assert.rejects(wal.append(insert(3)), /read-only/);
});

test('a log written by a newer format is refused, not truncated', async () => {
  const dir = scratchDir();
  await writeLog(dir, [insert(1)]);
  const file = path.join(dir, walFileName(1));
  const buf = fs.readFileSync(file);
  buf.writeUInt32LE(2, 8);
  fs.writeFileSync(file, buf);
  await assert.rejects(WriteAheadLog.open(dir), /written by a newer Loupe \(format 2\); this version reads format 1 — update Loupe/);
  assert.deepEqual(fs.readFileSync(file), buf);
});

test('a rotation cuts where every earlier append is applied and no later one is', async () => {
  const dir = scratchDir();
  const { wal } = await WriteAheadLog.open(dir);
  const applied: string[] = [];
  const track = (id: number) => wal.append(insert(id), () => applied.push(`op ${id}`));
  const before = [track(1), track(2)];
  const rotated = wal.rotate(() => applied.push('cut'));
  const after = [track(3), track(4)];
  await Promise.all([...before, rotated, ...after]);
  assert.deepEqual(applied, ['op 1', 'op 2', 'cut', 'op 3', 'op 4']);
  await wal.close();
  const fresh = await WriteAheadLog.open(dir, { fromSeq: 2, readOnly: true });
  assert.deepEqual(fresh.ops, [insert(3), insert(4)], 'the ops after the cut are exactly those of the new file');
});

test('overlapping rotations cut the log at two points, in the order they were asked for', async () => {
  const dir = scratchDir();
  const { wal } = await WriteAheadLog.open(dir);
  const applied: string[] = [];
  const track = (id: number) => wal.append(insert(id), () => applied.push(`op ${id}`));
  const writes = [track(1)];
  const first = wal.rotate(() => applied.push('cut A'));
  writes.push(track(2));
  const second = wal.rotate(() => applied.push('cut B'));
  writes.push(track(3));
  const [seqA, seqB] = await Promise.all([first, second, ...writes]);
  assert.deepEqual([seqA, seqB], [2, 3]);
  assert.deepEqual(applied, ['op 1', 'cut A', 'op 2', 'cut B', 'op 3']);
  await wal.close();
  assert.deepEqual((await WriteAheadLog.open(dir, { fromSeq: 2, readOnly: true })).ops, [insert(2), insert(3)]);
  assert.deepEqual((await WriteAheadLog.open(dir, { fromSeq: 3, readOnly: true })).ops, [insert(3)]);
});
