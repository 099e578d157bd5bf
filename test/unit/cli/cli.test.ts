import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { copyWorkspace, scratchDir } from '../server/indexerFixtures';
import { TINY, loupe } from './cliRunner';

test('index, then search --json in another process, finds the function by name', async () => {
  const ws = copyWorkspace();
  const data = scratchDir('cli-data');
  const indexed = await loupe(['index', ws, '--data', data, ...TINY]);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stdout, /semantic search: on \(tiny-text\)/);
  for (const mode of ['hybrid', 'text']) {
    const found = await loupe(['search', ws, 'circleArea', '--data', data, '--json', '--limit', '3', '--mode', mode]);
    assert.equal(found.code, 0, found.stderr);
    const { hits } = JSON.parse(found.stdout) as { hits: Array<Record<string, unknown>> };
    assert.ok(hits.length > 0 && hits.length <= 3);
    assert.deepEqual(Object.keys(hits[0]).sort(), ['end_line', 'kind', 'language', 'path', 'score', 'start_line', 'symbol']);
    assert.equal(hits[0].path, 'src/math.ts', `${mode}: ${found.stdout}`);
  }
  const filtered = await loupe(['search', ws, 'area', '--data', data, '--json', '--mode', 'text', '--filter', 'language == "markdown"']);
  assert.ok((JSON.parse(filtered.stdout) as { hits: Array<{ language: string }> }).hits.every((h) => h.language === 'markdown'));
  const image = await loupe(['search-image', ws, '--data', data, '--image', path.join(ws, 'assets', 'red-square.png'), '--json']);
  assert.equal((JSON.parse(image.stdout) as { hits: Array<{ path: string }> }).hits[0].path, 'assets/red-square.png');
  const again = await loupe(['index', ws, '--data', data]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /embedded: 0 text, 0 CLIP text, 0 image input\(s\)/, 'models and paths come from the last run');
  const status = await loupe(['status', ws, '--data', data]);
  assert.match(status.stdout, new RegExp(`data dir: +${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(status.stdout, /text model: +tiny-text/);
});

test('with no model folder and no downloads, the built-in code model still gives semantic search; image search says why it is off', async () => {
  const ws = copyWorkspace();
  const cache = scratchDir('cli-cache');
  const env = { XDG_CACHE_HOME: cache };
  const indexed = await loupe(['index', ws, '--model-path', scratchDir('no-models')], env);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stderr, /image search is off: .*not found/);
  assert.match(indexed.stderr, /indexing without images/);
  assert.doesNotMatch(indexed.stderr, /BM25 text index only/);
  assert.match(indexed.stdout, /semantic search: on \(loupe\/code-v1\)/);
  const meaning = await loupe(['search', ws, 'area of a circle', '--mode', 'dense', '--json', '--limit', '3'], env);
  assert.ok((JSON.parse(meaning.stdout) as { hits: Array<{ symbol: string }> }).hits.some((h) => /circleArea|Area/.test(h.symbol)), meaning.stdout);
  // A transformers.js text model that is not there (and may not be downloaded): BM25 only, and why.
  const noText = await loupe(['index', ws, '--model-path', scratchDir('no-models'), '--text-model', 'Xenova/all-MiniLM-L6-v2'], env);
  assert.equal(noText.code, 0, noText.stderr);
  assert.match(noText.stderr, /semantic search is off: .*not found/);
  assert.match(noText.stderr, /building the BM25 text index only/);
  assert.match(noText.stdout, /semantic search: off/);
  const found = await loupe(['search', ws, 'circleArea', '--mode', 'text', '--json'], env);
  assert.equal((JSON.parse(found.stdout) as { hits: Array<{ path: string }> }).hits[0].path, 'src/math.ts');
  const status = await loupe(['status', ws], env);
  assert.match(status.stdout, new RegExp(`data dir: +${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/loupe/workspace-[0-9a-f]{8}`));
});

test('user errors are one line and a nonzero exit, never a stack trace', async () => {
  const ws = copyWorkspace();
  const cases: Array<[string[], RegExp]> = [
    [['search', ws, 'x', '--data', scratchDir('empty')], /not indexed yet.*loupe index/],
    [['search', path.join(ws, 'nope'), 'x'], /is not a folder/],
    [['search', ws, 'x', '--mode', 'fuzzy'], /--mode must be hybrid, dense or text/],
    [['search', ws, 'x', '--limit', '0'], /--limit must be a whole number/],
    [['index', ws, '--colour'], /unknown option --colour/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['search-image', ws], /exactly one of --text/],
  ];
  for (const [args, message] of cases) {
    const r = await loupe(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr.split('\n')[0], message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const data = scratchDir('bad-filter');
  await loupe(['index', ws, '--data', data, '--model-path', scratchDir('none')]);
  const bad = await loupe(['search', ws, 'x', '--data', data, '--mode', 'text', '--filter', 'kind = 1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^loupe: filter: .*position 5/);
});
