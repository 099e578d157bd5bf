// Crash safety: a writer child is SIGKILLed mid-work (at random moments and at named points in
// the WAL, flush, index build and compaction) and the reopened store must hold exactly the
// acknowledged writes, the one in-flight operation all-or-nothing. scripts/crash.ts runs more seeds.

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
