// Crash safety: a writer is SIGKILLed mid-work (at random moments and at named points in the WAL,
// flush, index build and compaction) and the reopened store must hold exactly the acknowledged
// writes, each operation in flight all-or-nothing. One writer at a time, then four operations in
// flight (flushes and compactions overlapping writes and each other), through the engine API and
// through the REST front door with the Milvus SDK. scripts/crash.ts runs more seeds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CRASH_POINTS, runCrashCase } from '../../support/crashHarness';

test('random kills: acknowledged writes survive, nothing half-applied, search works', async () => {
  for (const seed of [1, 2]) {
    const out = await runCrashCase({ seed });
    assert.ok(out.acked > 0, `seed ${seed} acknowledged nothing before the kill`);
  }
});

for (const [i, point] of CRASH_POINTS.entries()) {
  test(`kill at ${point}: the store reopens with every acknowledged write`, async () => {
    const out = await runCrashCase({ seed: 100 + i, crashAt: point, skip: 1 });
    assert.ok(out.endings.includes(point), `the writer never reached ${point}: ${out.endings.join(', ')}`);
  });
}

test('four operations in flight, random kills: flushes overlapping writes lose nothing acknowledged', async () => {
  let overlaps = 0;
  for (const seed of [11, 12, 13]) {
    const out = await runCrashCase({ seed, concurrency: 4, rounds: 3, maxOps: 3000 });
    assert.ok(out.acked > 0, `seed ${seed} acknowledged nothing before the kill`);
    overlaps += out.overlaps;
  }
  assert.ok(overlaps > 0, 'no flush or compaction ever overlapped another: the runs did not test what they claim');
});

for (const [i, point] of CRASH_POINTS.entries()) {
  test(`four operations in flight, kill at ${point}: every acknowledged write is there`, async () => {
    const out = await runCrashCase({ seed: 200 + i, crashAt: point, skip: 2, concurrency: 4, maxOps: 3000 });
    assert.ok(out.endings.includes(point), `the writer never reached ${point}: ${out.endings.join(', ')}`);
  });
}

test('loupe serve driven by the Milvus SDK with four requests in flight, random kills: nothing acknowledged is lost', async () => {
  for (const seed of [21, 22]) {
    const out = await runCrashCase({ seed, via: 'serve', concurrency: 4, rounds: 3, maxOps: 3000 });
    assert.ok(out.acked > 0, `seed ${seed} acknowledged nothing before the kill`);
  }
});

for (const [i, point] of ['flush:after-segment-write', 'flush:after-manifest', 'compact:after-merge'].entries()) {
  test(`loupe serve with the SDK, kill at ${point}: every acknowledged write is there`, async () => {
    const out = await runCrashCase({ seed: 300 + i, via: 'serve', crashAt: point, skip: 2, concurrency: 4, maxOps: 3000 });
    assert.ok(out.endings.includes(point), `the server never reached ${point}: ${out.endings.join(', ')}`);
  });
}
