// The indexer behind the language server, spoken to over --stdio as an editor would: a full pass
// with work-done progress, search, unsaved buffers, and watched-file deletes.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { Method, type HitsResult, type IndexStatus } from '../../../src/protocol/requests';
import { copyWorkspace } from './indexerFixtures';
import { eventually, startStdioServer, type StdioServer } from './lspStdio';

let server: StdioServer;
let conn: MessageConnection;
let ws: string;
const statuses: IndexStatus[] = [];
const progress: Array<{ kind: string }> = [];

const search = (query: string) => conn.sendRequest(Method.search, { query, mode: 'text', limit: 10 }) as Promise<HitsResult>;

before(async () => {
  ws = copyWorkspace();
  server = await startStdioServer({ workspace: ws, onStatus: (st) => void statuses.push(st), onProgress: (v) => void progress.push(v) });
  conn = server.conn;
});

after(() => server.stop());

test('the first pass indexes the workspace with progress, then search answers', async () => {
  const ready = await eventually(
    () => conn.sendRequest(Method.status) as Promise<IndexStatus>,
    (s) => s.state === 'ready' && s.files > 0 && !!s.lastFlush,
    'the first pass never finished',
  );
  assert.deepEqual(ready.model, { text: 'tiny-text', image: 'tiny-clip' });
  assert.equal(ready.progress, undefined, 'no stale progress once done');
  assert.ok(statuses.some((s) => s.state === 'indexing'), 'statusChanged reported the pass');
  assert.deepEqual([progress[0]?.kind, progress[progress.length - 1]?.kind], ['begin', 'end']);
  const r = await search('circleArea');
  assert.equal(r.hits[0].path, 'src/math.ts');
  assert.equal(r.hits[0].uri, pathToFileURL(path.join(ws, 'src', 'math.ts')).href);
});

test('unsaved text in an open buffer is searchable; closing it goes back to the disk', async () => {
  const uri = pathToFileURL(path.join(ws, 'src', 'math.ts')).href;
  const text = `${fs.readFileSync(path.join(ws, 'src', 'math.ts'), 'utf8')}\nexport function quokkaHelper(): number {\n  return 7;\n}\n`;
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
  const found = await eventually(() => search('quokkaHelper'), (r) => r.hits.some((h) => h.symbol === 'quokkaHelper'), 'unsaved edit not indexed');
  assert.equal(found.hits[0].path, 'src/math.ts');
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await eventually(() => search('quokkaHelper'), (r) => !r.hits.some((h) => h.symbol === 'quokkaHelper'), 'closed buffer still indexed');
});

test('a watched-file delete removes the file from the index', async () => {
  const file = path.join(ws, 'src', 'util.py');
  fs.rmSync(file);
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 3 }] });
  await eventually(() => search('std_dev'), (r) => !r.hits.some((h) => h.path === 'src/util.py'), 'deleted file still found');
});
