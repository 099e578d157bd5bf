// The workspace scan over the fixture repo: what is listed, what is skipped and why.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanWorkspace, WorkspaceScanner } from '../../../src/server/scan/scanner';
import type { ScanResult } from '../../../src/server/scan/types';
import { copyFixtureWorkspace, fixtureWorkspace } from './workspaceFixture';

const FIXTURE_FILES = [
  '.gitignore',
  'README.md',
  'assets/blue-circle.png',
  'assets/logo.svg',
  'assets/photo.jpg',
  'assets/red-square.png',
  'assets/tiny.bmp',
  'cmd/main.go',
  'docs/guide.md',
  'docs/unsafe.md',
  'src/constants.ts',
  'src/math.ts',
  'src/util.py',
  'web/.gitignore',
  'web/important.log',
  'web/src/app.js',
];

function listed(result: ScanResult): string[] {
  return result.files.map((f) => f.relPath).sort();
}

function nonZero(result: ScanResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.skipped).filter(([, n]) => n > 0));
}

test('the fixture repo: nested .gitignore files, binary files, images kept', async () => {
  const result = await scanWorkspace([{ name: 'shapes', absPath: fixtureWorkspace() }], { exclude: [], maxFileSize: 1_000_000 });
  assert.deepEqual(listed(result), FIXTURE_FILES);
  // tmp/, debug.log, secrets.env (root .gitignore), web/build/ (web/.gitignore); web/important.log is re-included.
  assert.deepEqual(nonZero(result), { gitignore: 4, binary: 1 });
  assert.deepEqual(result.examples.binary, ['shapes/assets/blob.dat']);
  assert.ok(result.examples.gitignore.includes('shapes/web/build/'));
  const math = result.files.find((f) => f.relPath === 'src/math.ts');
  assert.equal(math?.folder, 'shapes');
  assert.equal(math?.size, fs.statSync(path.join(fixtureWorkspace(), 'src/math.ts')).size);
});

test('exclude globs, size limit, .git and node_modules, unsupported formats, symlink loops', async () => {
  const root = copyFixtureWorkspace();
  try {
    fs.writeFileSync(path.join(root, 'docs/huge.txt'), 'x'.repeat(1_000_001));
    fs.mkdirSync(path.join(root, '.git'));
    fs.writeFileSync(path.join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    fs.mkdirSync(path.join(root, 'node_modules/left-pad'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules/left-pad/index.js'), 'module.exports = 1;\n');
    fs.writeFileSync(path.join(root, 'assets/archive.zip'), 'PK\u0003\u0004');
    fs.mkdirSync(path.join(root, 'generated'));
    fs.writeFileSync(path.join(root, 'generated/api.ts'), 'export {};\n');
    fs.symlinkSync('..', path.join(root, 'src/loop'), 'dir'); // src/loop → the workspace root
    fs.symlinkSync('missing-target', path.join(root, 'dangling'));

    const result = await scanWorkspace([{ name: 'shapes', uri: pathToFileURL(root).href }], {
      exclude: ['**/generated/**', '**/*.svg'],
      maxFileSize: 1_000_000,
    });
    assert.deepEqual(
      listed(result),
      FIXTURE_FILES.filter((f) => f !== 'assets/logo.svg'),
    );
    assert.deepEqual(nonZero(result), {
      gitignore: 4,
      excluded: 4, // .git/, node_modules/, generated/, logo.svg
      'too-large': 1,
      binary: 1,
      'symlink-loop': 1,
      unreadable: 1,
      unsupported: 1,
    });
    assert.deepEqual(result.examples['too-large'], ['shapes/docs/huge.txt']);
    assert.match(result.examples['symlink-loop'][0], /^shapes\/src\/loop\//);
    assert.deepEqual(result.examples.unsupported, ['shapes/assets/archive.zip']);

    const noFollow = await scanWorkspace([{ name: 'shapes', absPath: root }], {
      exclude: [],
      maxFileSize: 2_000_000,
      followSymlinks: false,
      alwaysSkipDirs: ['.git'],
    });
    assert.ok(listed(noFollow).includes('node_modules/left-pad/index.js'));
    assert.ok(listed(noFollow).includes('docs/huge.txt'));
    assert.equal(noFollow.skipped['symlink-loop'], 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a folder reached through a symlink and directly is listed once, under its own path', async () => {
  const root = copyFixtureWorkspace();
  try {
    fs.symlinkSync('cmd', path.join(root, 'a-link-to-cmd'), 'dir'); // sorts before cmd/
    const result = await scanWorkspace([{ name: 'shapes', absPath: root }], { exclude: [], maxFileSize: 1_000_000 });
    assert.ok(listed(result).includes('cmd/main.go'));
    assert.ok(!listed(result).some((f) => f.startsWith('a-link-to-cmd/')));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('single files from change events get the same verdict as the scan', async () => {
  const root = fixtureWorkspace();
  const scanner = new WorkspaceScanner([{ name: 'shapes', absPath: root }], { exclude: ['**/*.svg'], maxFileSize: 1_000_000 });
  const verdict = async (rel: string): Promise<string> => {
    const v = await scanner.checkFile(path.join(root, rel));
    return 'file' in v ? `ok ${v.file.folder}/${v.file.relPath}` : v.skipped;
  };
  assert.equal(await verdict('src/math.ts'), 'ok shapes/src/math.ts');
  assert.equal(await verdict('web/build/bundle.js'), 'gitignore');
  assert.equal(await verdict('web/important.log'), 'ok shapes/web/important.log');
  assert.equal(await verdict('debug.log'), 'gitignore');
  assert.equal(await verdict('tmp/cache.txt'), 'gitignore');
  assert.equal(await verdict('assets/logo.svg'), 'excluded');
  assert.equal(await verdict('assets/blob.dat'), 'binary');
  assert.equal(await verdict('node_modules/x/index.js'), 'excluded');
  assert.equal(await verdict('src/deleted.ts'), 'unreadable');
  assert.equal(await scanner.isIgnored('shapes', 'web/build/new-file.js'), 'gitignore');
  assert.equal(await scanner.isIgnored('shapes', 'src/new-file.ts'), undefined);
  assert.deepEqual(await scanner.checkFile('/somewhere/else.ts'), { skipped: 'excluded', detail: 'outside every workspace folder' });
});

test('a changed .gitignore is re-read after forgetGitignore', async () => {
  const root = copyFixtureWorkspace();
  try {
    const scanner = new WorkspaceScanner([{ name: 'shapes', absPath: root }], { exclude: [], maxFileSize: 1_000_000 });
    assert.equal(await scanner.isIgnored('shapes', 'web/src/app.js'), undefined);
    fs.appendFileSync(path.join(root, 'web/.gitignore'), 'src/\n');
    scanner.forgetGitignore(path.join(root, 'web/.gitignore'));
    assert.equal(await scanner.isIgnored('shapes', 'web/src/app.js'), 'gitignore');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('multi-root: each folder keeps its own name and rules', async () => {
  const root = fixtureWorkspace();
  const result = await scanWorkspace(
    [
      { name: 'docs', absPath: path.join(root, 'docs') },
      { name: 'web', absPath: path.join(root, 'web') },
    ],
    { exclude: [], maxFileSize: 1_000_000 },
  );
  assert.deepEqual(
    result.files.map((f) => `${f.folder}:${f.relPath}`).sort(),
    ['docs:guide.md', 'docs:unsafe.md', 'web:.gitignore', 'web:important.log', 'web:src/app.js'],
  );
  assert.deepEqual(nonZero(result), { gitignore: 1 });
});
