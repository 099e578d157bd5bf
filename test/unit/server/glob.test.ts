// Exclude globs as VS Code writes them (files.exclude, search.exclude, loupe.exclude).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlobs, globToRegExp } from '../../../src/server/scan/glob';

function matches(glob: string, relPath: string): boolean {
  return globToRegExp(glob).test(relPath);
}

test('** spans any number of folders, including none', () => {
  assert.ok(matches('**/node_modules', 'node_modules'));
  assert.ok(matches('**/node_modules', 'a/b/node_modules'));
  assert.ok(!matches('**/node_modules', 'a/node_modules_old'));
  assert.ok(matches('**/*.log', 'debug.log'));
  assert.ok(matches('**/*.log', 'web/logs/debug.log'));
  assert.ok(matches('src/**/*.ts', 'src/a.ts'));
  assert.ok(matches('src/**/*.ts', 'src/x/y/a.ts'));
  assert.ok(matches('build/**', 'build'));
  assert.ok(matches('build/**', 'build/out/app.js'));
  assert.ok(!matches('build/**', 'builder/app.js'));
});

test('* and ? stay within one folder; patterns are anchored at the folder root', () => {
  assert.ok(matches('*.md', 'README.md'));
  assert.ok(!matches('*.md', 'docs/guide.md'));
  assert.ok(matches('docs/?.md', 'docs/a.md'));
  assert.ok(!matches('docs/?.md', 'docs/ab.md'));
  assert.ok(!matches('a*b', 'a/b'));
});

test('{a,b} alternatives and [...] classes; regex characters are literal', () => {
  assert.ok(matches('**/*.{png,jpg}', 'img/cat.jpg'));
  assert.ok(!matches('**/*.{png,jpg}', 'img/cat.gif'));
  assert.ok(matches('file[0-9].txt', 'file7.txt'));
  assert.ok(!matches('file[!0-9].txt', 'file7.txt'));
  assert.ok(matches('a+b (1).txt', 'a+b (1).txt'));
  assert.ok(!matches('a.txt', 'abtxt'));
});

test('compileGlobs matches any of several globs and ignores blanks', () => {
  const excluded = compileGlobs(['**/.DS_Store', '', '**/*.min.js'], false);
  assert.ok(excluded('x/.DS_Store'));
  assert.ok(excluded('dist/app.min.js'));
  assert.ok(!excluded('src/app.js'));
  assert.equal(compileGlobs([])('anything'), false);
});
