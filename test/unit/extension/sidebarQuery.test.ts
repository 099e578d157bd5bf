import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlShortcuts, errorField, SIDEBAR_LIMIT, toSearchParams } from '../../../src/extension/sidebarQuery';
import type { SidebarQuery } from '../../../src/extension/sidebarProtocol';

const blank: SidebarQuery = { query: '', mode: 'hybrid', language: '', kind: '', glob: '', since: '', expr: '' };

test('the filter controls become the shortcuts a user could type, after the query', () => {
  const params = toSearchParams({ ...blank, query: ' circle area ', language: 'typescript', kind: 'function', glob: 'src/**', since: '7d' });
  assert.deepEqual(params, { query: 'circle area lang:typescript kind:function path:src/** since:7d', mode: 'hybrid', limit: SIDEBAR_LIMIT });
});

test('a glob with spaces or quotes is quoted so the shortcut parser reads it whole', () => {
  assert.deepEqual(controlShortcuts({ language: '', kind: '', glob: 'my docs/**', since: '' }), ['path:"my docs/**"']);
  assert.deepEqual(controlShortcuts({ language: '', kind: '', glob: 'a"b', since: '' }), ['path:"a\\"b"']);
});

test('the raw expression goes as filter, trimmed; empty is left out', () => {
  assert.equal(toSearchParams({ ...blank, query: 'x', expr: '  kind == "class" ' }).filter, 'kind == "class"');
  assert.equal('filter' in toSearchParams({ ...blank, query: 'x', expr: '   ' }), false);
  assert.equal(toSearchParams({ ...blank, query: 'x', mode: 'semantic' }).mode, 'semantic');
});

test('image mode is not a loupe/search request', () => {
  assert.throws(() => toSearchParams({ ...blank, mode: 'image', query: 'red' }), /searchImage/);
});

test('expression errors go under the expression field, shortcut errors under the query', () => {
  const withExpr = { expr: 'kind ==', mode: 'hybrid' as const };
  assert.equal(errorField({ message: "filter: expected a value after '=='", position: 7 }, withExpr), 'expr');
  assert.equal(errorField({ message: 'since:x (at position 5) is not a duration', position: 5 }, withExpr), 'query');
  // Without an expression typed, a "filter:" message cannot point into the expression field.
  assert.equal(errorField({ message: 'filter: bad', position: 0 }, { expr: '', mode: 'text' }), 'query');
  assert.equal(errorField({ message: 'image search is off' }, { expr: '', mode: 'image' }), 'image');
});
