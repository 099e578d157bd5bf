// Crash-safety soak: `npm run crash -- --runs 50` runs that many seeds of the crash harness
// (random kills, and named kill points in turn) and prints a summary; exits 1 on any failure.

import { CRASH_POINTS, runCrashCase } from '../test/support/crashHarness';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : 50;
  const firstSeed = argv.includes('--seed') ? Number(argv[argv.indexOf('--seed') + 1]) : 1;
  const started = Date.now();
  let failures = 0;
  let acked = 0;
  let applied = 0;
  const endings = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    const seed = firstSeed + r;
    // Every third run is a random kill; the others cycle through the named points.
    const crashAt = r % 3 === 0 ? undefined : CRASH_POINTS[(r - Math.ceil(r / 3)) % CRASH_POINTS.length];
    try {
      const out = await runCrashCase({ seed, crashAt, skip: seed % 3 });
      acked += out.acked;
      applied += out.inFlightApplied;
      for (const e of out.endings) endings.set(e, (endings.get(e) ?? 0) + 1);
    } catch (err) {
      failures++;
      console.error(`FAIL seed ${seed} (${crashAt ?? 'random kill'}): ${(err as Error).message}`);
    }
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`crash runs: ${runs} seeds × 2 kill/reopen rounds, ${failures} failed, ${acked} operations acknowledged, ` +
    `${applied} in-flight operations found applied (whole), ${secs} s`);
  for (const [e, n] of [...endings].sort()) console.log(`  ${e}: ${n}`);
  process.exitCode = failures ? 1 : 0;
}

void main();
