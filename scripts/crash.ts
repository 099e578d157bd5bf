// Crash-safety soak: `npm run crash -- --runs 50 [--concurrency 4] [--via engine|serve|both]
// [--seed N]` runs that many seeds per writer (random kills, and named kill points in turn) with
// operations in flight, and prints a summary; exits 1 on any failure.

import { CRASH_POINTS, type CrashCase, runCrashCase } from '../test/support/crashHarness';

function flag(argv: string[], name: string, fallback: string): string {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(flag(argv, '--runs', '50'));
  const firstSeed = Number(flag(argv, '--seed', '1'));
  const concurrency = Number(flag(argv, '--concurrency', '4'));
  const viaFlag = flag(argv, '--via', 'both');
  const writers: Array<'engine' | 'serve'> = viaFlag === 'both' ? ['engine', 'serve'] : [viaFlag as 'engine' | 'serve'];
  const started = Date.now();
  const totals = { cases: 0, failures: 0, lost: 0, halfApplied: 0, unopenable: 0, acked: 0, inFlight: 0, applied: 0, overlaps: 0 };
  const endings = new Map<string, number>();
  for (const via of writers) {
    for (let r = 0; r < runs; r++) {
      const seed = firstSeed + r;
      // Every third run is a random kill; the others cycle through the named points.
      const crashAt = r % 3 === 0 ? undefined : CRASH_POINTS[(r - Math.ceil(r / 3)) % CRASH_POINTS.length];
      const c: CrashCase = { seed, crashAt, skip: seed % 3, via, concurrency, rounds: 3, maxOps: 3000 };
      totals.cases++;
      try {
        const out = await runCrashCase(c);
        totals.acked += out.acked;
        totals.inFlight += out.inFlight;
        totals.applied += out.inFlightApplied;
        totals.overlaps += out.overlaps;
        for (const e of out.endings) endings.set(`${via} ${e}`, (endings.get(`${via} ${e}`) ?? 0) + 1);
      } catch (err) {
        const msg = (err as Error).message;
        totals.failures++;
        if (/half applied/.test(msg)) totals.halfApplied++;
        else if (/lost or wrong|neither before/.test(msg)) totals.lost++;
        else if (/damaged|is gone/.test(msg)) totals.unopenable++;
        console.error(`FAIL ${via} seed ${seed} (${crashAt ?? 'random kill'}): ${msg.slice(0, 2000)}`);
      }
    }
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`crash runs: ${totals.cases} cases (${writers.join(' + ')}; ${runs} seeds each × 3 kill/reopen rounds; ` +
    `${concurrency} operations in flight), ${totals.failures} failed: ${totals.lost} with lost acknowledged writes, ` +
    `${totals.halfApplied} with a half-applied operation, ${totals.unopenable} with a store that did not open whole; ` +
    `${totals.acked} operations acknowledged, ${totals.inFlight} writes in flight at a kill (${totals.applied} found applied whole, ` +
    `the rest wholly absent), ${totals.overlaps} flushes/compactions started while another was running, ${secs} s`);
  for (const [e, n] of [...endings].sort()) console.log(`  ${e}: ${n}`);
  process.exitCode = totals.failures ? 1 : 0;
}

void main();
