// files.exclude and search.exclude join loupe.exclude: what VS Code hides is not indexed either.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, mergeExcludes, needsServerRestart } from '../../../src/extension/config';

test('globs switched on in files.exclude and search.exclude join loupe.exclude, in order, once each', () => {
  const merged = mergeExcludes(
    ['**/generated/**', '**/node_modules'],
    { '**/.git': true, '**/.DS_Store': true, '**/out': false },
    { '**/node_modules': true, '**/*.code-search': true, '**/dist': true },
  );
  assert.deepEqual(merged, ['**/generated/**', '**/node_modules', '**/.git', '**/.DS_Store', '**/*.code-search', '**/dist']);
});

test('`when` conditions and false entries are left out; so are settings that are not objects', () => {
  const merged = mergeExcludes([], { '**/*.js': { when: '$(basename).ts' }, '**/tmp': false, ' ': true }, undefined, null, ['**/x'], 'oops');
  assert.deepEqual(merged, []);
});

test('turning a files.exclude glob on or off changes the list, so the server restarts', () => {
  const before = { ...DEFAULT_SETTINGS, exclude: mergeExcludes([], { '**/build': true }, {}) };
  const after = { ...DEFAULT_SETTINGS, exclude: mergeExcludes([], { '**/build': false }, {}) };
  assert.equal(needsServerRestart(before, after), true);
  assert.equal(needsServerRestart(before, { ...before, exclude: [...before.exclude] }), false);
});
