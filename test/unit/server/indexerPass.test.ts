import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IndexModels } from '../../../src/server/indexer/models';
import { GROUP_FILES } from '../../../src/server/indexer/indexPass';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { TINY_MODELS, scratchDir, searchOf } from './indexerFixtures';

// A full pass writes its groups while later ones are chunked and embedded; these tests edit and
// delete files while that is under way and check what search finds afterwards.

const FILES = GROUP_FILES * 3;
let models: IndexModels;
const indexes: WorkspaceIndex[] = [];

/** A word no other file has: letters only, so the BM25 analyzer keeps it whole. */
const word = (stem: string, i: number) => `${stem}${[...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('')}q`;
const source = (stem: string, i: number) => `export function ${word(stem, i)}(x: number): number {\n  return x * ${i};\n}\n`;
const fileName = (i: number) => `src/m${String(i).padStart(3, '0')}.ts`;

function workspace(files = FILES): string {
  const dir = path.join(scratchDir('pass-ws'), 'ws');
  for (let i = 0; i < files; i++) {
    fs.mkdirSync(path.dirname(path.join(dir, fileName(i))), { recursive: true });
    fs.writeFileSync(path.join(dir, fileName(i)), source('kestrel', i));
  }
  return dir;
}

async function open(ws: string): Promise<WorkspaceIndex> {
  const index = await WorkspaceIndex.open({ folders: [{ name: 'ws', absPath: ws }], dataDir: scratchDir('pass-data'), models, flushDelayMs: 10 });
  indexes.push(index);
  return index;
}

/** (path, start line) of the text hits for a word. */
async function hitsFor(index: WorkspaceIndex, query: string): Promise<string[]> {
  const r = await searchOf(index).search({ query, mode: 'text', limit: 10 });
  assert.equal(r.error, undefined);
  return r.hits.map((h) => `${h.path}:${h.startLine}`);
}

before(async () => {
  models = await IndexModels.load(TINY_MODELS);
  assert.equal(models.state.error, undefined, 'the tiny models load');
});

after(async () => {
  for (const index of indexes) await index.close();
  await models?.close();
});

test('edits and a deletion made while a pass is under way end up in the index, never the stale text', async () => {
  const ws = workspace();
  const index = await open(ws);
  const edits: Array<Promise<unknown>> = [];
  const gone = FILES - 3;
  const report = await index.indexAll((p) => {
    if (edits.length > 0) return;
    // After the first group is written, later groups are already being chunked or embedded.
    for (let i = 0; i < FILES; i++) {
      const abs = path.join(ws, fileName(i));
      if (i === gone) {
        fs.rmSync(abs);
        edits.push(index.removeFile(abs));
      } else if (i % 2 === 0) {
        fs.writeFileSync(abs, source('osprey', i)); // saved
        edits.push(index.updateFile(abs));
      } else {
        edits.push(index.updateFile(abs, source('osprey', i))); // unsaved editor text
      }
    }
    assert.ok(p.done < p.total, 'the edits land mid-pass');
  });
  await Promise.all(edits);
  assert.equal(report.cancelled, false);
  assert.equal(report.scanned, FILES);
  for (let i = 0; i < FILES; i++) {
    const newHits = await hitsFor(index, word('osprey', i));
    const oldHits = await hitsFor(index, word('kestrel', i));
    if (i === gone) {
      assert.deepEqual([...newHits, ...oldHits], [], `${fileName(i)} was deleted`);
      continue;
    }
    assert.deepEqual(newHits, [`${fileName(i)}:0`], `${fileName(i)}: its new text, once`);
    assert.deepEqual(oldHits, [], `${fileName(i)}: no stale chunks`);
  }
  assert.equal(index.status().files, FILES - 1);
});

test('a cancelled pass stops between groups, keeps what it wrote, and the next pass finishes', async () => {
  const files = FILES * 2; // more groups than the pipeline holds at once
  const ws = workspace(files);
  const index = await open(ws);
  const token = { isCancellationRequested: false };
  const first = await index.indexAll(() => (token.isCancellationRequested = true), token);
  assert.equal(first.cancelled, true);
  assert.ok(first.indexed >= GROUP_FILES && first.indexed < files, `indexed ${first.indexed} of ${files}`);
  assert.equal(index.status().state, 'ready');
  assert.match(index.status().message ?? '', /cancelled/);
  assert.equal(index.status().files, first.indexed);

  const second = await index.indexAll();
  assert.equal(second.cancelled, false);
  assert.equal(second.unchanged, first.indexed);
  assert.equal(second.indexed, files - first.indexed);
  for (const i of [0, files - 1]) assert.deepEqual(await hitsFor(index, word('kestrel', i)), [`${fileName(i)}:0`]);
});
