// Where the test fixtures are: found by walking up to the repo root (the folder with
// package.json), since the compiled tests may run from any out dir.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function repoRoot(): string {
  // From the compiled test (out/ inside the repo), else from the working directory (an out dir elsewhere).
  const root = findUp(__dirname) ?? findUp(process.cwd());
  if (!root) throw new Error(`no repo root (package.json + test/fixtures) above ${__dirname} or ${process.cwd()}`);
  return root;
}

function findUp(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'fixtures'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The committed multi-language fixture repo, also used by the end-to-end tests. */
export function fixtureWorkspace(): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'workspace');
}

/** A throwaway copy of the fixture workspace, for tests that add files (big, symlinked, .git). */
export function copyFixtureWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ws-'));
  fs.cpSync(fixtureWorkspace(), dir, { recursive: true });
  return dir;
}
