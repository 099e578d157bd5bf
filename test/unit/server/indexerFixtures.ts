// Shared by the indexer and CLI tests: the repo root, a scratch copy of the fixture workspace
// (tests edit and delete files in it), and model settings for the tiny test models.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { WorkspaceSearch } from '../../../src/server/search/workspaceSearch';
import { repoRoot } from './embedFixtures';

export { repoRoot };

export const MODEL_PATH = path.join(repoRoot(), 'test', 'fixtures', 'models');
export const TINY_MODELS = { modelPath: MODEL_PATH, textModel: 'tiny-text', imageModel: 'tiny-clip', threads: 1 };

/** The searches over an index's workspace (what the server's handlers and the CLI call). */
export function searchOf(index: WorkspaceIndex): WorkspaceSearch {
  return new WorkspaceSearch(index.workspace);
}

export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `loupe-${prefix}-`));
}

/**
 * A copy of test/fixtures/workspace, or, when that is absent, a small workspace with the same
 * kinds of files: TypeScript and Python code, Markdown, an image, and gitignored noise.
 */
export function copyWorkspace(): string {
  const dir = path.join(scratchDir('ws'), 'workspace');
  const fixture = path.join(repoRoot(), 'test', 'fixtures', 'workspace');
  if (fs.existsSync(fixture)) {
    fs.cpSync(fixture, dir, { recursive: true });
    return dir;
  }
  const files: Record<string, string | Buffer> = {
    'src/math.ts': 'export function circleArea(radius: number): number {\n  return Math.PI * radius * radius;\n}\n',
    'src/util.py': 'def mean(values):\n    items = list(values)\n    return sum(items) / len(items)\n',
    'README.md': '# Shapes\n\nArea and perimeter of shapes.\n',
    '.gitignore': '*.log\n',
    'debug.log': 'noise\n',
    'assets/red-square.png': fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'images', 'tiny-red.png')),
  };
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
