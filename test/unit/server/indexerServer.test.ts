// The indexer behind the language server, spoken to over --stdio as an editor would: a full pass
// with work-done progress, search, unsaved buffers, and watched-file deletes.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { Method, type HitsResult, type IndexStatus, type InitializationOptions } from '../../../src/protocol/requests';
import { MODEL_PATH, copyWorkspace, repoRoot, scratchDir } from './indexerFixtures';

const SERVER = path.resolve(__dirname, '..', '..', '..', 'src', 'server', 'main.js');

let proc: ChildProcess;
let conn: MessageConnection;
let ws: string;
const statuses: IndexStatus[] = [];
const progress: Array<{ kind: string }> = [];

/** Asks again until `ok` holds; the server works in the background (debounced edits, passes). */
async function eventually<T>(ask: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await ask();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}; last answer: ${JSON.stringify(last)}`);
}

const search = (query: string) => conn.sendRequest(Method.search, { query, mode: 'text', limit: 10 }) as Promise<HitsResult>;

before(async () => {
  ws = copyWorkspace();
  proc = spawn(process.execPath, [SERVER, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_PATH: path.join(repoRoot(), 'node_modules') },
  });
  conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(Method.statusChanged, (s: IndexStatus) => void statuses.push(s));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onNotification('$/progress', (p: { value: { kind: string } }) => void progress.push(p.value));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const options: InitializationOptions = {
    settings: {
      modelPath: MODEL_PATH,
      textModel: 'tiny-text',
      imageModel: 'tiny-clip',
      exclude: [],
      maxFileSize: 1_048_576,
      embeddingThreads: 1,
      hoverEnabled: true,
      traceServer: 'off',
    },
    globalStoragePath: scratchDir('global'),
    storagePath: scratchDir('storage'),
  };
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'workspace' }],
    capabilities: { window: { workDoneProgress: true }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    initializationOptions: options,
  });
  await conn.sendNotification('initialized', {});
});

after(async () => {
  const exited = new Promise((r) => proc.once('exit', r));
  await conn.sendRequest('shutdown').catch(() => undefined);
  await conn.sendNotification('exit').catch(() => undefined);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  proc.kill();
  conn.dispose();
});

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
