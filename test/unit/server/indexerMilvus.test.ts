// The indexer on the Milvus backend, end to end: the fixture workspace indexed into Loupe's own
// Milvus REST server (`loupe serve`'s startRestServer) through the official SDK's HttpClient.
// Search, edits and deletes go to the server; when it stops, indexing pauses and says why; when
// it comes back on the same port, indexing resumes and catches up from file hashes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { type RestServer, startRestServer } from '../../../src/engine/rest/server';
import type { IndexStatus } from '../../../src/protocol/requests';
import { IndexModels } from '../../../src/server/indexer/models';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { StoreUnavailableError } from '../../../src/server/store/storeErrors';
import { TINY_MODELS, copyWorkspace, scratchDir, searchOf } from './indexerFixtures';

const TOKEN = 'indexer-milvus-token';
const WORKSPACE = 'github.com/acme/shapes@main (test@ci)';

let serverDir: string;
let db: Database;
let server: RestServer;
let ws: string;
let dataDir: string;
let models: IndexModels;
let index: WorkspaceIndex;
const statuses: IndexStatus[] = [];

const paths = (hits: Array<{ path: string }>) => hits.map((h) => h.path);
const serve = (port: number) => startRestServer({ db, host: '127.0.0.1', port, token: TOKEN });

before(async () => {
  serverDir = await mkdtemp(path.join(tmpdir(), 'loupe-milvus-server-'));
  db = await Database.open(serverDir);
  server = await serve(0);
  ws = copyWorkspace();
  dataDir = scratchDir('milvus-data');
  models = await IndexModels.load(TINY_MODELS);
  index = await WorkspaceIndex.open({
    folders: [{ name: 'workspace', absPath: ws }],
    dataDir,
    models,
    store: { backend: 'milvus', uri: server.url, token: TOKEN, workspace: WORKSPACE },
    flushDelayMs: 10,
    retryDelayMs: 50,
    onStatus: (s) => statuses.push(s),
  });
});

after(async () => {
  await index?.close();
  await models?.close();
  await server?.close();
  await db?.close();
  await rm(serverDir, { recursive: true, force: true });
});

test('a full pass writes the workspace to the Milvus server, not to a local database', async () => {
  const report = await index.indexAll();
  assert.ok(report.indexed >= 4, `indexed ${report.indexed} files`);
  const status = index.status();
  assert.equal(status.state, 'ready');
  assert.ok(status.files >= 4 && status.chunks >= status.files && status.images >= 1);
  assert.match(index.where, /^milvus http:\/\/127\.0\.0\.1:\d+ .*workspace github\.com\/acme\/shapes@main/);
  // The rows are on the server, tagged with the workspace; nothing was written under dataDir/db.
  const onServer = await db.collection('loupe_chunks').query({ filter: 'workspace == "github.com/acme/shapes@main (test@ci)"', outputFields: ['count(*)'] });
  assert.equal(onServer[0]['count(*)'], status.chunks);
  assert.equal(fs.existsSync(path.join(dataDir, 'db')), false);
});

test('text, hybrid and semantic search on the server find the function; filters and similar work', async () => {
  for (const mode of ['text', 'hybrid'] as const) {
    const r = await searchOf(index).search({ query: 'circleArea', mode, limit: 5 });
    assert.equal(r.error, undefined);
    assert.equal(r.hits[0].path, 'src/math.ts', `${mode}: ${JSON.stringify(paths(r.hits))}`);
    assert.equal(r.hits[0].symbol, 'circleArea');
  }
  const semantic = await searchOf(index).search({ query: 'area of a circle', mode: 'semantic', limit: 5 });
  assert.equal(semantic.error, undefined);
  assert.ok(semantic.hits.length > 0);
  const md = await searchOf(index).search({ query: 'lang:markdown shapes', mode: 'text' });
  assert.ok(md.hits.length > 0 && md.hits.every((h) => h.language === 'markdown'), JSON.stringify(md.hits));
  const like = await searchOf(index).similar({ uri: path.join(ws, 'src', 'math.ts'), startLine: 5, endLine: 8, limit: 5 });
  assert.equal(like.error, undefined);
  assert.ok(like.hits.length > 0 && !like.hits.some((h) => h.path === 'src/math.ts' && h.startLine <= 5 && h.endLine >= 8 && h.symbol === 'circleArea'));
  const image = await searchOf(index).searchImage({ imagePath: path.join(ws, 'assets', 'red-square.png'), limit: 3 });
  assert.equal(image.hits[0]?.path, 'assets/red-square.png');
});

test('an edit and a delete reach the server', async () => {
  const math = path.join(ws, 'src', 'math.ts');
  fs.appendFileSync(math, '\nexport function hexagonPerimeter(side: number): number {\n  return 6 * side;\n}\n');
  assert.equal(await index.updateFile(math), 'indexed');
  const found = await searchOf(index).search({ query: 'hexagonPerimeter', mode: 'text' });
  assert.equal(found.hits[0]?.symbol, 'hexagonPerimeter');
  const util = path.join(ws, 'src', 'util.py');
  fs.rmSync(util);
  assert.ok((await index.removeFile(util)) > 0);
  const gone = await searchOf(index).search({ query: 'path:src/util.py', mode: 'text' });
  assert.deepEqual(gone.hits, []);
  const rows = await db.collection('loupe_chunks').query({ filter: 'path == "src/util.py"', outputFields: ['count(*)'] });
  assert.equal(rows[0]['count(*)'], 0);
});

test('the server stops: indexing pauses and says so; it restarts on the same port: indexing resumes', async () => {
  const port = server.port;
  await server.close();
  const shapes = path.join(ws, 'src', 'constants.ts');
  fs.appendFileSync(shapes, '\nexport const zebraStripeWidth = 3;\n');
  await assert.rejects(index.updateFile(shapes), StoreUnavailableError);
  // The failed edit starts a retrying pass; it pauses with the reason.
  await waitFor(() => index.status().state === 'paused');
  const paused = index.status();
  assert.match(paused.message ?? '', /vector store is unavailable: milvus http:\/\/127\.0\.0\.1:\d+ .*cannot reach the server/);
  assert.match(paused.message ?? '', /Retrying in \d+ ms; nothing indexed locally is lost/);
  assert.ok(statuses.some((s) => s.state === 'paused' && /unavailable/.test(s.message ?? '')), 'the pause was pushed to status listeners');
  const whileDown = await searchOf(index).search({ query: 'circleArea', mode: 'text' });
  assert.match(whileDown.error?.message ?? '', /milvus http:\/\/127\.0\.0\.1/);

  server = await serve(port);
  const report = await index.indexAll(); // joins the retrying pass
  assert.equal(report.cancelled, false);
  assert.equal(index.status().state, 'ready');
  assert.equal(index.status().message, undefined);
  assert.ok(report.indexed >= 1 && report.unchanged >= 3, `re-planned from hashes: ${JSON.stringify(report)}`);
  const found = await searchOf(index).search({ query: 'zebraStripeWidth', mode: 'text' });
  assert.equal(found.hits[0]?.path, 'src/constants.ts');
  const still = await searchOf(index).search({ query: 'hexagonPerimeter', mode: 'text' });
  assert.equal(still.hits[0]?.symbol, 'hexagonPerimeter', 'what was indexed before the outage is still there');
});

async function waitFor(check: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}
