// The language server on the Milvus backend, as the editor drives it: settings pick the backend,
// the token comes in initializationOptions (from SecretStorage), and statusChanged tells the
// status bar when the Milvus server goes away and when indexing resumes.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { Database } from '../../../src/engine/database';
import { type RestServer, startRestServer } from '../../../src/engine/rest/server';
import { Method, type HitsResult, type IndexStatus } from '../../../src/protocol/requests';
import { copyWorkspace } from './indexerFixtures';
import { eventually, startStdioServer, type StdioServer } from './lspStdio';

const TOKEN = 'lsp-milvus-token';

let serverDir: string;
let db: Database;
let rest: RestServer;
let server: StdioServer;
let conn: MessageConnection;
let ws: string;
const statuses: IndexStatus[] = [];

const status = () => conn.sendRequest(Method.status) as Promise<IndexStatus>;
const search = (query: string) => conn.sendRequest(Method.search, { query, mode: 'text', limit: 10 }) as Promise<HitsResult>;

before(async () => {
  serverDir = await mkdtemp(path.join(tmpdir(), 'loupe-lsp-milvus-'));
  db = await Database.open(serverDir);
  rest = await startRestServer({ db, host: '127.0.0.1', port: 0, token: TOKEN });
  ws = copyWorkspace();
  server = await startStdioServer({
    workspace: ws,
    settings: { backend: 'milvus', milvusUri: rest.url, milvusDatabase: '', milvusCollectionPrefix: 'lsp_' },
    options: { milvusToken: TOKEN },
    onStatus: (st) => void statuses.push(st),
  });
  conn = server.conn;
});

after(async () => {
  await server.stop();
  await rest.close();
  await db.close();
  await rm(serverDir, { recursive: true, force: true });
});

test('with loupe.backend milvus the server indexes into the Milvus collection and searches it', async () => {
  await eventually(status, (s) => s.state === 'ready' && s.files > 0, 'the first pass never finished');
  const r = await search('circleArea');
  assert.equal(r.hits[0]?.path, 'src/math.ts');
  assert.ok(db.hasCollection('lsp_loupe_chunks'), 'the collection prefix from the settings is used');
});

test('the Milvus server stops: statusChanged says paused and why; it comes back: indexing resumes', async () => {
  const port = rest.port;
  await rest.close();
  const file = path.join(ws, 'src', 'constants.ts');
  fs.appendFileSync(file, '\nexport const walrusTuskLength = 2;\n');
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 2 }] });
  const paused = await eventually(status, (s) => s.state === 'paused', 'indexing never paused');
  assert.match(paused.message ?? '', /vector store is unavailable: milvus http:\/\/127\.0\.0\.1:\d+ .*cannot reach the server.*Retrying in \d+ s/);
  assert.ok(statuses.some((s) => s.state === 'paused' && /unavailable/.test(s.message ?? '')), 'pushed to the status bar');
  rest = await startRestServer({ db, host: '127.0.0.1', port, token: TOKEN });
  await eventually(status, (s) => s.state === 'ready' && s.message === undefined, 'indexing never resumed');
  const found = await eventually(() => search('walrusTuskLength'), (res) => res.hits.length > 0, 'the edit made during the outage was lost');
  assert.equal(found.hits[0].path, 'src/constants.ts');
});
