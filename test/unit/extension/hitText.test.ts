import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestLine, groupByFile, hitPlace, hitsAsText, isImageHit, lineRange, shortPlace } from '../../../src/extension/hitText';
import { isFromWebview } from '../../../src/extension/sidebarProtocol';
import type { SearchHitView } from '../../../src/protocol/requests';

const hit = (over: Partial<SearchHitView>): SearchHitView => ({
  path: 'src/math.ts',
  uri: 'file:///ws/src/math.ts',
  folder: 'ws',
  startLine: 4,
  endLine: 8,
  kind: 'function',
  symbol: 'circleArea',
  language: 'typescript',
  snippet: 'export function circleArea(radius: number): number {',
  score: 1,
  ...over,
});

test('places read 1-based, as editors number lines', () => {
  assert.equal(hitPlace(hit({})), 'src/math.ts:5-9');
  assert.equal(hitPlace(hit({ startLine: 0, endLine: 0 })), 'src/math.ts:1');
});

test('image hits are recognised by kind or language', () => {
  assert.equal(isImageHit(hit({ kind: 'image' })), true);
  assert.equal(isImageHit(hit({ language: 'image', kind: 'text' })), true);
  assert.equal(isImageHit(hit({})), false);
});

test('the chat tool text lists place, kind, symbol and snippet; fences in a snippet cannot close ours', () => {
  const text = hitsAsText('circle area', { hits: [hit({}), hit({ path: 'README.md', kind: 'section', symbol: '', language: 'markdown', snippet: '```sh\ngo build\n```' })], tookMs: 3 });
  assert.match(text, /^2 results for "circle area"/);
  assert.match(text, /1\. src\/math\.ts:5-9 \(function circleArea, typescript\)\n```\nexport function circleArea/);
  assert.match(text, /2\. README\.md:5-9 \(section, markdown\)/);
  assert.equal(text.split('```').length - 1, 4, 'only our own fences');
});

test('the chat tool text says when nothing matched and passes on query errors with their position', () => {
  assert.equal(hitsAsText('zzz', { hits: [], tookMs: 1 }), 'No results in the workspace for "zzz".');
  assert.equal(
    hitsAsText('x', { hits: [], tookMs: 1, error: { message: "filter: unknown field 'lang'", position: 0 } }),
    "Loupe search failed: filter: unknown field 'lang' (at position 0)",
  );
});

test('webview messages are checked before use', () => {
  assert.equal(isFromWebview({ type: 'ready' }), true);
  assert.equal(isFromWebview({ type: 'search', seq: 1, request: {} }), true);
  for (const bad of [null, 'ready', 42, {}, { type: 'eval' }, { type: 'toString' }]) assert.equal(isFromWebview(bad), false);
});

test('groupByFile: files in the order of their best hit, hits in rank order within, nothing dropped', () => {
  const ranked = [
    hit({ path: 'src/b.ts', startLine: 10 }),
    hit({ path: 'src/a.ts', startLine: 1 }),
    hit({ path: 'src/b.ts', startLine: 2 }),
    hit({ path: 'src/a.ts', folder: 'other', startLine: 3 }),
  ];
  const files = groupByFile(ranked);
  assert.deepEqual(files.map((f) => `${f.folder}/${f.path}`), ['ws/src/b.ts', 'ws/src/a.ts', 'other/src/a.ts']);
  assert.deepEqual(files[0].hits.map((h) => h.startLine), [10, 2]);
  assert.equal(files.reduce((n, f) => n + f.hits.length, 0), ranked.length);
});

test('line ranges read as an editor shows them: math.ts:25–27, one line alone', () => {
  assert.equal(lineRange(hit({ startLine: 24, endLine: 26 })), '25–27');
  assert.equal(lineRange(hit({ startLine: 0, endLine: 0 })), '1');
  assert.equal(shortPlace(hit({ startLine: 24, endLine: 26 })), 'math.ts:25–27');
});

test('bestLine: the line with the first matched term, else the first line with text', () => {
  const snippet = '\n  const r = radius;\n  return Math.PI * r * r;';
  assert.equal(bestLine({ snippet, snippetMatches: [[snippet.indexOf('PI'), snippet.indexOf('PI') + 2]] }), 'return Math.PI * r * r;');
  assert.equal(bestLine({ snippet }), 'const r = radius;');
});
