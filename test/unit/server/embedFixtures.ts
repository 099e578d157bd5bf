// Shared by the embed*.test.ts files: where the tiny generated models live, and vector helpers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repo root: the nearest folder with Loupe's package.json above the compiled test (or the cwd). */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, 'package.json');
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'loupe') return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the Loupe repo root above ${__dirname} or ${process.cwd()}`);
}

/** loupe.modelPath for the tests: holds tiny-text/ and tiny-clip/ (scripts/make-tiny-models.py). */
export const MODELS = path.join(repoRoot(), 'test', 'fixtures', 'models');
export const IMAGES = path.join(repoRoot(), 'test', 'fixtures', 'images');

/** The test settings: local tiny models, fp32, never the network. */
export const TINY_TEXT = { modelId: 'tiny-text', dtype: 'fp32', modelPath: MODELS, allowDownload: false, threads: 1 } as const;
export const TINY_CLIP = { modelId: 'tiny-clip', dtype: 'fp32', modelPath: MODELS, allowDownload: false, threads: 1 } as const;

/** A scratch folder holding a copy of one tiny model, to damage without touching the fixtures. */
export function copyModel(name: string): { modelPath: string; dir: string } {
  const modelPath = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-embed-'));
  const dir = path.join(modelPath, name);
  fs.cpSync(path.join(MODELS, name), dir, { recursive: true });
  return { modelPath, dir };
}

export function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
