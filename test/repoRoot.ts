import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository root (the folder with package.json and src/): walks up from the compiled file
 * (out/test/...), else from the working directory, for builds to an out dir outside the repo.
 */
export function repoRoot(): string {
  for (const from of [__dirname, process.cwd()]) {
    for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'src'))) return dir;
    }
  }
  throw new Error(`no package.json above ${__dirname} or ${process.cwd()}`);
}
