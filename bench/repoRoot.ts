// The benchmarks read the test models and write bench/RESULTS.md in the repo, wherever they were
// compiled to: the nearest folder above (the compiled file, then the cwd) with Loupe's package.json.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      const manifest = path.join(dir, 'package.json');
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'loupe') return dir;
    }
  }
  throw new Error('cannot find the Loupe repo root');
}
