// How long and from where the fuzz tests run. CI runs each property with its fixed seed and
// default count; `npm run fuzz` sets FUZZ_SEED (a random one, printed) and FUZZ_RUNS (a
// multiplier of every property's count) to search longer. A failure prints the seed and path to
// replay it: FUZZ_SEED=<seed> node --test out/test/unit/fuzz.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FuzzParameters {
  seed: number;
  numRuns: number;
  /** Show the failing assertion's message next to the counterexample. */
  includeErrorInReport: boolean;
}

/** `defaultSeed` and `baseRuns` are what CI uses; the environment may override both. */
export function fuzzParams(defaultSeed: number, baseRuns: number): FuzzParameters {
  const seedEnv = process.env.FUZZ_SEED;
  const scaleEnv = Number(process.env.FUZZ_RUNS ?? '1');
  const scale = Number.isFinite(scaleEnv) && scaleEnv > 0 ? scaleEnv : 1;
  const seed = seedEnv !== undefined && seedEnv !== '' && Number.isInteger(Number(seedEnv)) ? Number(seedEnv) : defaultSeed;
  return { seed, numRuns: Math.max(1, Math.round(baseRuns * scale)), includeErrorInReport: true };
}

/** A hand-written loop's random source, seeded the same way (mulberry32). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The repository root (the folder with package.json), wherever the tests were compiled to. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'fixtures'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
