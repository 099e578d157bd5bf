// `npm run fuzz`: the fuzz tests (test/unit/fuzz) run longer and from a fresh random seed.
// CI runs them with fixed seeds; this searches new ground. On failure the seed is printed so the
// run can be replayed exactly: FUZZ_SEED=<seed> FUZZ_RUNS=<n> node --test out/test/unit/fuzz
//
//   npm run fuzz                      # random seed, 10× the CI case counts
//   FUZZ_SEED=123 FUZZ_RUNS=50 npm run fuzz
//   npm run fuzz -- expr              # only files whose name contains "expr"

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = path.resolve(__dirname, '..', 'test', 'unit', 'fuzz');
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = process.env.FUZZ_RUNS ?? '10';
const only = process.argv[2];
const files = fs.readdirSync(dir)
  .filter((f) => f.endsWith('.test.js') && (!only || f.includes(only)))
  .map((f) => path.join(dir, f));
if (files.length === 0) {
  console.error(`fuzz: no compiled fuzz tests in ${dir}${only ? ` matching "${only}"` : ''}; run npm run compile first`);
  process.exit(2);
}

console.log(`fuzz: seed ${seed}, ${runs}× the CI case counts, ${files.length} files`);
const started = Date.now();
const result = spawnSync(process.execPath, ['--test', ...files], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
});
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (result.status === 0) {
  console.log(`fuzz: passed in ${seconds} s (seed ${seed}, FUZZ_RUNS ${runs})`);
} else {
  console.error(`fuzz: FAILED after ${seconds} s. Replay with: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} node --test ${files.map((f) => path.relative(process.cwd(), f)).join(' ')}`);
  console.error('fuzz: each failing property above also prints its own seed and shrink path.');
}
process.exit(result.status ?? 1);
