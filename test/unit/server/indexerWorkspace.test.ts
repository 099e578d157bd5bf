import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IndexModels } from '../../../src/server/indexer/models';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import type { IndexStatus } from '../../../src/protocol/requests';
import { TINY_MODELS, copyWorkspace, scratchDir, searchOf } from './indexerFixtures';

// One workspace copy and one index for the whole file: the tests run in order and each builds
// on the state the previous one left (indexed → edited → deleted → reopened).
let ws: string;
let dataDir: string;
let models: IndexModels;
let index: WorkspaceIndex;
const statuses: IndexStatus[] = [];

const open = () =>
  WorkspaceIndex.open({ folders: [{ name: 'workspace', absPath: ws }], dataDir, models, flushDelayMs: 10, onStatus: (s) => statuses.push(s) });
const paths = (hits: Array<{ path: string }>) => hits.map((h) => h.path);

before(async () => {
  ws = copyWorkspace();
  dataDir = scratchDir('data');
  models = await IndexModels.load(TINY_MODELS);
  assert.equal(models.state.error, undefined, 'the tiny models load');
  index = await open();
});

after(async () => {
  await index?.close();
  await models?.close();
});

test('a full pass indexes code, docs and images, skips ignored files, and reports progress', async () => {
  const progress: number[] = [];
  const report = await index.indexAll((p) => progress.push(p.done));
  assert.ok(report.indexed >= 4, `indexed ${report.indexed} files`);
  assert.equal(report.cancelled, false);
  assert.ok(progress.length > 0 && progress[progress.length - 1] === report.indexed + report.failed);
  const status = index.status();
  assert.equal(status.state, 'ready');
  assert.ok(status.files >= 4 && status.chunks >= status.files && status.images >= 1);
  assert.deepEqual(status.model, { text: 'tiny-text', image: 'tiny-clip' });
  assert.ok((status.skipped.gitignored ?? 0) >= 1, 'debug.log is gitignored');
  assert.equal(status.reusedIndex, false);
  await index.settled();
  assert.ok(index.status().lastFlush, 'the pass started a flush, and it finished');
  assert.ok(statuses.some((s) => s.state === 'indexing'), 'status changes were pushed while indexing');
  const log = await searchOf(index).search({ query: 'noise', mode: 'text' });
  assert.ok(!paths(log.hits).includes('debug.log'));
});

test('text and hybrid search find a function by a distinctive word; semantic search answers too', async () => {
  for (const mode of ['text', 'hybrid'] as const) {
    const r = await searchOf(index).search({ query: 'circleArea', mode, limit: 5 });
    assert.equal(r.error, undefined);
    assert.equal(r.hits[0].path, 'src/math.ts', `${mode}: ${JSON.stringify(paths(r.hits))}`);
    assert.equal(r.hits[0].symbol, 'circleArea');
    assert.equal(r.hits[0].kind, 'function');
    assert.ok(r.hits[0].matchedTerms?.includes('circlearea'));
    assert.equal(r.hits[0].uri, pathToFileURL(path.join(ws, 'src', 'math.ts')).href);
    const text = fs.readFileSync(path.join(ws, 'src', 'math.ts'), 'utf8').split('\n');
    const lines = text.slice(r.hits[0].startLine, r.hits[0].endLine + 1).join('\n');
    assert.match(lines, /function circleArea/, 'the 0-based line range covers the declaration');
  }
  const semantic = await searchOf(index).search({ query: 'area of a circle', mode: 'semantic', limit: 3 });
  assert.equal(semantic.error, undefined);
  assert.equal(semantic.hits.length, 3);
  assert.ok(semantic.hits.every((h) => h.score <= 1 && h.score >= -1), 'cosine similarity');
});

test('filters: shortcuts in the query, a raw filter, and a clear error for a bad filter', async () => {
  const py = await searchOf(index).search({ query: 'lang:py mean', mode: 'hybrid', limit: 10 });
  assert.ok(py.hits.length > 0);
  assert.ok(py.hits.every((h) => h.language === 'python' && h.path === 'src/util.py'));
  assert.ok(py.hits.slice(0, 3).some((h) => h.symbol === 'mean'));
  const raw = await searchOf(index).search({ query: 'area', mode: 'text', filter: 'language == "markdown"', limit: 10 });
  assert.ok(raw.hits.length > 0 && raw.hits.every((h) => h.language === 'markdown'));
  const onlyFilter = await searchOf(index).search({ query: 'path:src/** kind:function', mode: 'hybrid', limit: 50 });
  assert.ok(onlyFilter.hits.length > 0 && onlyFilter.hits.every((h) => h.path.startsWith('src/') && h.kind === 'function'));
  const bad = await searchOf(index).search({ query: 'area', mode: 'text', filter: 'language === "x"' });
  assert.deepEqual(bad.hits, []);
  assert.match(bad.error?.message ?? '', /filter/);
  assert.equal(typeof bad.error?.position, 'number');
  const badShortcut = await searchOf(index).search({ query: 'area since:soon', mode: 'text' });
  assert.match(badShortcut.error?.message ?? '', /since:soon/);
});

test('image search: an image finds itself first; text finds images only', async () => {
  const red = path.join(ws, 'assets', 'red-square.png');
  const byImage = await searchOf(index).searchImage({ imagePath: red, limit: 3 });
  assert.equal(byImage.error, undefined);
  assert.equal(byImage.hits[0].path, 'assets/red-square.png');
  assert.equal(byImage.hits[0].kind, 'image');
  const byBytes = await searchOf(index).searchImage({ imageBytesBase64: fs.readFileSync(red).toString('base64'), limit: 1 });
  assert.equal(byBytes.hits[0].path, 'assets/red-square.png');
  const byText = await searchOf(index).searchImage({ text: 'a red square', limit: 10 });
  assert.ok(byText.hits.length > 0 && byText.hits.every((h) => h.kind === 'image'));
});

test('similar: chunks like a range of a file, never the chunk itself', async () => {
  const uri = pathToFileURL(path.join(ws, 'src', 'math.ts')).href;
  const hit = (await searchOf(index).search({ query: 'circleArea', mode: 'text', limit: 1 })).hits[0];
  const r = await searchOf(index).similar({ uri, startLine: hit.startLine, endLine: hit.endLine, limit: 5 });
  assert.equal(r.error, undefined);
  assert.equal(r.hits.length, 5);
  assert.ok(!r.hits.some((h) => h.path === 'src/math.ts' && h.startLine === hit.startLine));
});

test('editing a file (unsaved text) re-embeds only that file, and only its changed chunks', async () => {
  const file = path.join(ws, 'src', 'math.ts');
  const before = { ...index.counters };
  const chunksBefore = index.status().chunks;
  const edited = `${fs.readFileSync(file, 'utf8')}\nexport function zebraStripeCount(n: number): number {\n  return n * 2;\n}\n`;
  assert.equal(await index.updateFile(file, edited), 'indexed');
  const embedded = index.counters.texts - before.texts;
  assert.ok(embedded >= 1 && embedded <= 2, `embedded ${embedded} chunk(s): the new function (and a neighbour at most)`);
  assert.ok(index.counters.reused > before.reused, 'unchanged chunks kept their vectors');
  assert.equal(index.status().chunks, chunksBefore + 1);
  const found = await searchOf(index).search({ query: 'zebraStripeCount', mode: 'text', limit: 1 });
  assert.equal(found.hits[0]?.path, 'src/math.ts');
  assert.equal(found.hits[0]?.symbol, 'zebraStripeCount');
  // The same text again is a no-op.
  const again = { ...index.counters };
  assert.equal(await index.updateFile(file, edited), 'unchanged');
  assert.deepEqual(index.counters, again);
  // Closing the editor without saving: back to the text on disk.
  assert.equal(await index.updateFile(file), 'indexed');
  const gone = await searchOf(index).search({ query: 'zebraStripeCount', mode: 'text', limit: 10 });
  assert.ok(!gone.hits.some((h) => h.symbol === 'zebraStripeCount'));
});

test('deleting a file removes its rows', async () => {
  const file = path.join(ws, 'src', 'util.py');
  const before = index.status();
  fs.rmSync(file);
  assert.ok((await index.removeFile(file)) > 0);
  assert.equal(index.status().files, before.files - 1);
  const r = await searchOf(index).search({ query: 'mean', mode: 'text', limit: 20 });
  assert.ok(!paths(r.hits).includes('src/util.py'));
});

test('reopening an unchanged workspace reuses the index and embeds nothing; a rename is picked up', async () => {
  const expected = index.status();
  await index.close();
  index = await open();
  assert.equal(index.status().reusedIndex, true);
  assert.equal(index.status().chunks, expected.chunks);
  const report = await index.indexAll();
  assert.deepEqual(report.embedded, { texts: 0, clipTexts: 0, images: 0, reused: 0 });
  assert.equal(report.indexed, 0);
  fs.renameSync(path.join(ws, 'src', 'math.ts'), path.join(ws, 'src', 'geometry.ts'));
  const renamed = await index.indexAll();
  assert.equal(renamed.deleted, 1);
  assert.equal(renamed.indexed, 1);
  const hit = (await searchOf(index).search({ query: 'circleArea', mode: 'text', limit: 1 })).hits[0];
  assert.equal(hit.path, 'src/geometry.ts');
});

// The timeout turns a search stuck behind the pause into a failure instead of a hung run.
test('pause holds a pass between groups, not a search; resume lets it finish', { timeout: 60_000 }, async () => {
  fs.writeFileSync(path.join(ws, 'src', 'extra.ts'), 'export const walrusFactor = 42;\n');
  index.pause();
  assert.equal(index.status().state, 'paused');
  let done = false;
  const pass = index.indexAll().then((r) => ((done = true), r));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(done, false, 'nothing is written while paused');
  // Pausing indexing holds the embedding of chunks, never a search's query.
  const hybrid = await searchOf(index).search({ query: 'circleArea', mode: 'hybrid', limit: 5 });
  assert.equal(hybrid.error, undefined);
  assert.equal(hybrid.hits[0]?.path, 'src/geometry.ts', 'renamed by the test before');
  assert.equal(done, false, 'still paused after the search');
  index.resume();
  const report = await pass;
  assert.equal(report.indexed, 1);
  assert.equal(index.status().state, 'ready');
});

test('without models, text search still works and the status says why semantic search is off', async () => {
  const lonely = await WorkspaceIndex.open({
    folders: [{ name: 'workspace', absPath: ws }],
    dataDir: scratchDir('nomodel'),
    models: { modelPath: scratchDir('empty-models'), textModel: 'tiny-text', imageModel: 'tiny-clip' },
  });
  try {
    const status = lonely.status();
    assert.equal(status.model.text, '');
    assert.match(status.model.error ?? '', /semantic search is off.*tiny-text/);
    await lonely.indexAll();
    const hit = (await searchOf(lonely).search({ query: 'circleArea', mode: 'hybrid', limit: 1 })).hits[0];
    assert.equal(hit.path, 'src/geometry.ts');
    const semantic = await searchOf(lonely).search({ query: 'circle', mode: 'semantic' });
    assert.match(semantic.error?.message ?? '', /semantic search is off/);
    const image = await searchOf(lonely).searchImage({ text: 'red', limit: 1 });
    assert.match(image.error?.message ?? '', /image search is off/);
  } finally {
    await lonely.close();
  }
});
