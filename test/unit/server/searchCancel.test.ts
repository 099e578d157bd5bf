// A search the user has moved on from: the palette cancels the previous request on every
// keystroke, the server drops the query's embedding and answers RequestCancelled, and the next
// search is served as usual.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { cancellable } from '../../../src/server/handlers';
import { IndexModels } from '../../../src/server/indexer/models';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { TINY_MODELS, copyWorkspace, scratchDir, searchOf } from './indexerFixtures';

let models: IndexModels;
let index: WorkspaceIndex;

before(async () => {
  models = await IndexModels.load(TINY_MODELS);
  index = await WorkspaceIndex.open({ folders: [{ name: 'workspace', absPath: copyWorkspace() }], dataDir: scratchDir('cancel-data'), models });
  await index.indexAll();
});

after(async () => {
  await index?.close();
  await models?.close();
});

test('a cancelled signal drops the query embedding of hybrid and image searches; the next search answers', async () => {
  const aborted = AbortSignal.abort();
  await assert.rejects(searchOf(index).search({ query: 'circleArea', mode: 'hybrid' }, aborted), /cancelled/);
  await assert.rejects(searchOf(index).searchImage({ text: 'a red square', limit: 3 }, aborted), /cancelled/);
  const r = await searchOf(index).search({ query: 'circleArea', mode: 'hybrid', limit: 3 });
  assert.equal(r.error, undefined);
  assert.equal(r.hits[0]?.path, 'src/math.ts');
});

test('a request cancelled while it runs is answered RequestCancelled; one that is not returns its hits', async () => {
  const source = new CancellationTokenSource();
  const pending = cancellable(source.token, (signal) => searchOf(index).search({ query: 'circleArea', mode: 'hybrid' }, signal));
  source.cancel();
  await assert.rejects(pending, (err: unknown) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled);

  const open = new CancellationTokenSource();
  const r = await cancellable(open.token, (signal) => searchOf(index).search({ query: 'circleArea', mode: 'hybrid', limit: 3 }, signal));
  assert.equal(r.hits[0]?.path, 'src/math.ts');
});
