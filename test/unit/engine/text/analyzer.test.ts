import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, createAnalyzer, splitIdentifier } from '../../../../src/engine/text/analyzer';
import { EngineError } from '../../../../src/engine/errors';

const code = { type: 'code' } as const;

test('code analyzer splits camelCase with acronyms and keeps the whole identifier', () => {
  assert.deepEqual(analyze('parseHTTPResponse', code), ['parsehttpresponse', 'parse', 'http', 'response']);
  assert.deepEqual(analyze('XMLHttpRequest', code), ['xmlhttprequest', 'xml', 'http', 'request']);
});

test('code analyzer splits snake_case, kebab-case and digit boundaries, keeping the whole', () => {
  assert.deepEqual(analyze('parse_http_response', code), ['parse_http_response', 'parse', 'http', 'response']);
  assert.deepEqual(analyze('my-component', code), ['my-component', 'my', 'component']);
  assert.deepEqual(analyze('utf8Decode', code), ['utf8decode', 'utf', 'decode']);
  assert.deepEqual(analyze('base64 sha256sum', code), ['base64', 'base', '64', 'sha256sum', 'sha', '256', 'sum']);
});

test('a plain word is emitted once, lowercased; punctuation separates', () => {
  assert.deepEqual(analyze('Hello, world! foo.bar(baz)', code), ['hello', 'world', 'foo', 'bar', 'baz']);
  assert.deepEqual(analyze('__init__', code), ['init']);
});

test('standard analyzer lowercases words and does not split identifiers', () => {
  assert.deepEqual(analyze('parseHTTPResponse parse_http_response my-component'), [
    'parsehttpresponse',
    'parse_http_response',
    'my',
    'component',
  ]);
  assert.deepEqual(analyze('The QUICK brown fox', { type: 'standard' }), ['the', 'quick', 'brown', 'fox']);
});

test('very short and very long tokens are dropped, limits configurable', () => {
  assert.deepEqual(analyze('a b cd for i in x', code), ['cd', 'for', 'in']);
  const long = 'x'.repeat(65);
  assert.deepEqual(analyze(`${long} ok`, code), ['ok']);
  // A too-long identifier still contributes its parts.
  const ident = 'very'.repeat(10) + 'LongName'.repeat(4);
  assert.ok(analyze(ident, code).includes('long'));
  assert.deepEqual(analyze('a bb ccc', { type: 'standard', min_token_length: 1, max_token_length: 2 }), ['a', 'bb']);
});

test('unicode letters are kept and lowercased', () => {
  assert.deepEqual(analyze('Über größe café naïve', { type: 'standard' }), ['über', 'größe', 'café', 'naïve']);
  assert.deepEqual(analyze('getÜberGröße', code), ['getübergröße', 'get', 'über', 'größe']);
  assert.deepEqual(analyze('日本語 テキスト', code), ['日本語', 'テキスト']);
  assert.deepEqual(analyze('Привет мир', code), ['привет', 'мир']);
});

test('splitIdentifier handles mixed conventions', () => {
  assert.deepEqual(splitIdentifier('get_HTTPServer2-config'), ['get', 'http', 'server', '2', 'config']);
});

test('unknown analyzer type and bad params are clear errors naming the key', () => {
  assert.throws(() => createAnalyzer({ type: 'jieba' }), (e: unknown) => e instanceof EngineError && /analyzer_params\.type/.test(e.message));
  assert.throws(() => createAnalyzer({ type: 'code', min_token_length: 0 }), /min_token_length/);
  assert.throws(() => createAnalyzer({ type: 'code', min_token_length: 5, max_token_length: 3 }), /exceeds/);
});

test('one analyzer gives the same tokens for repeated identifiers, across texts and past its cache size', () => {
  const a = createAnalyzer(code);
  const text = 'parseHTTPResponse Foo foo FOO_BAR fooBar';
  const first = a.analyze(text);
  assert.deepEqual(first, ['parsehttpresponse', 'parse', 'http', 'response', 'foo', 'foo', 'foo_bar', 'foo', 'bar', 'foobar', 'foo', 'bar']);
  assert.deepEqual(a.analyze(text), first);
  // Tokens handed out must not be shared state: changing one result leaves the next intact.
  first.push('mutated');
  assert.deepEqual(a.analyze(text), first.slice(0, -1));
  // More distinct identifiers than the cache holds: it is dropped and refilled, answers unchanged.
  const letters = (i: number) => [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
  const many = Array.from({ length: 60_000 }, (_, i) => `name${letters(i)}Part`).join(' '); // name…part, name…, part
  const tokens = a.analyze(many);
  assert.equal(tokens.length, 60_000 * 3);
  assert.deepEqual(a.analyze(text), first.slice(0, -1));
  assert.deepEqual(a.analyze(many).slice(-3), tokens.slice(-3));
});
