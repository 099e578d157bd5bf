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

test('without models, index still builds the text index and says why semantic search is off', async () => {
  const ws = copyWorkspace();
  const cache = scratchDir('cli-cache');
  const env = { XDG_CACHE_HOME: cache };
  const indexed = await loupe(['index', ws, '--model-path', scratchDir('no-models')], env);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stderr, /semantic search is off: .*not found/);
  assert.match(indexed.stdout, /semantic search: off/);
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
