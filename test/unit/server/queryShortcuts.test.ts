import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueryShortcuts, ShortcutError, combineFilters, quoteLiteral } from '../../../src/server/search/queryShortcuts';

const NOW = Date.parse('2025-01-15T00:00:00Z');
const parse = (q: string, filter?: string) => parseQueryShortcuts(q, { now: NOW, ...(filter ? { filter } : {}) });

test('shortcuts become a filter and the rest is the query text', () => {
  const r = parse('lang:ts kind:function retry the http request path:src/** since:7d symbol:fetch');
  assert.equal(r.text, 'retry the http request');
  assert.equal(
    r.filter,
    `language == "typescript" and kind == "function" and path like "src/%" and mtime >= ${NOW - 7 * 86_400_000} and symbol like "%fetch%"`,
  );
});

test('no shortcuts: the text is untouched and there is no filter', () => {
  assert.deepEqual(parse('  parse   json  '), { text: 'parse json' });
});

test('words that only look like shortcuts stay in the query (URLs, C++ scopes, unknown keys)', () => {
  const r = parse('http://example.com std::vector todo:later');
  assert.equal(r.text, 'http://example.com std::vector todo:later');
  assert.equal(r.filter, undefined);
});

test('a raw filter is ANDed with the shortcuts, each side parenthesised', () => {
  const r = parse('lang:py tokenizer', 'start_line > 10 or kind == "class"');
  assert.equal(r.text, 'tokenizer');
  assert.equal(r.filter, '(language == "python") and (start_line > 10 or kind == "class")');
  assert.equal(parse('tokenizer', 'size < 100').filter, 'size < 100');
});

test('several values of one key are alternatives; different keys must all hold; "-" negates', () => {
  assert.equal(parse('lang:ts,py x').filter, '(language == "typescript" or language == "python")');
  assert.equal(parse('lang:ts lang:py x').filter, '(language == "typescript" or language == "python")');
  assert.equal(parse('-lang:md -path:test/** x').filter, 'not (language == "markdown") and not (path like "test/%")');
});

test('quotes and backslashes in values are escaped; LIKE wildcards in names are literal', () => {
  assert.equal(parse('folder:a\\b"c').filter, 'folder == "a\\\\b\\"c"');
  assert.equal(parse('symbol:parse_http').filter, 'symbol like "%parse\\_http%"');
  assert.equal(parse('path:"docs/my notes/*.md"').filter, 'path like "docs/my notes/%.md"');
  assert.equal(quoteLiteral('a"b\\c'), '"a\\"b\\\\c"');
});

test('globs map onto LIKE: ** and * to %, ? to _; a plain path matches anywhere in the path', () => {
  assert.equal(parse('path:**/*.test.ts').filter, 'path like "%/%.test.ts"');
  assert.equal(parse('path:src/?.ts').filter, 'path like "src/_.ts"');
  assert.equal(parse('path:engine').filter, 'path like "%engine%"');
  assert.equal(parse('ext:md').filter, 'path like "%.md"');
  assert.equal(parse('ext:.md').filter, 'path like "%.md"');
});

test('since accepts minutes, hours, days, weeks and dates', () => {
  assert.equal(parse('since:30m').filter, `mtime >= ${NOW - 30 * 60_000}`);
  assert.equal(parse('since:2w').filter, `mtime >= ${NOW - 14 * 86_400_000}`);
  assert.equal(parse('since:2024-05-31').filter, `mtime >= ${Date.parse('2024-05-31')}`);
});

test('bad shortcuts are errors that say what and where', () => {
  assert.throws(() => parse('foo since:yesterday'), (e: unknown) => {
    assert.ok(e instanceof ShortcutError);
    assert.equal(e.position, 4);
    assert.match(e.message, /since:yesterday .*position 4.*7d/);
    return true;
  });
  assert.throws(() => parse('lang: x'), /lang: needs a value \(at position 0\), e.g. lang:ts/);
});

test('combineFilters skips empty parts', () => {
  assert.equal(combineFilters(undefined, '  ', 'a == 1'), 'a == 1');
  assert.equal(combineFilters(), undefined);
});
