// The language server as a process, spoken to over --stdio with real JSON-RPC, as an editor would:
// the handshake, the status it reports, search without a folder, pause/resume, bad initializationOptions.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { IndexStatus, InitializationOptions } from '../../../src/protocol/requests';
import { Method } from '../../../src/protocol/requests';
import { DEFAULT_SETTINGS } from '../../../src/extension/config';

const SERVER = path.resolve(__dirname, '..', '..', '..', 'src', 'server', 'main.js');

const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-lsp-test-'));
const OPTIONS: InitializationOptions = {
  settings: { ...DEFAULT_SETTINGS }, // what the extension sends when nothing is configured
  globalStoragePath: path.join(storage, 'global'),
  storagePath: path.join(storage, 'workspace'),
};

interface Server {
  proc: ChildProcess;
  conn: MessageConnection;
  notifications: IndexStatus[];
  stop(): Promise<void>;
}

function startServer(): Server {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const notifications: IndexStatus[] = [];
  conn.onNotification(Method.statusChanged, (s: IndexStatus) => {
    notifications.push(s);
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  return {
    proc,
    conn,
    notifications,
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      proc.kill();
      conn.dispose();
    },
  };
}

const initialize = (conn: MessageConnection, initializationOptions: unknown) =>
  conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });

let server: Server;
before(async () => {
  server = startServer();
  const result = (await initialize(server.conn, OPTIONS)) as { capabilities: Record<string, unknown> };
  // Honest capabilities: document sync (unsaved text is indexed; 2 = Incremental) and the
  // "Similar in workspace" hover, since this client did not say it has its own (clientHover).
  assert.deepEqual(result.capabilities, { textDocumentSync: { openClose: true, change: 2, save: { includeText: false } }, hoverProvider: true });
  await server.conn.sendNotification('initialized', {});
});
after(() => server.stop());

async function statusWhen(state: IndexStatus['state']): Promise<IndexStatus> {
  for (let i = 0; i < 100; i++) {
    const s = (await server.conn.sendRequest(Method.status)) as IndexStatus;
    if (s.state === state) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server never reached ${state}`);
}

test('with no folder open the server is ready with nothing indexed and says why', async () => {
  const status = await statusWhen('ready');
  assert.equal(status.files, 0);
  assert.equal(status.chunks, 0);
  assert.equal(status.images, 0);
  assert.deepEqual(status.skipped, {});
  assert.deepEqual(status.model, { text: 'loupe/code-v1', image: 'Xenova/clip-vit-base-patch32' });
  assert.match(status.message ?? '', /No folder is open/);
  assert.ok(server.notifications.some((n) => n.state === 'ready'), 'no statusChanged notification for ready');
});

test('search requests answer with a readable error instead of invented hits', async () => {
  for (const [method, params] of [
    [Method.search, { query: 'greet', mode: 'hybrid' }],
    [Method.searchImage, { text: 'a cat', limit: 5 }],
    [Method.similar, { uri: 'file:///x.ts', startLine: 0, endLine: 3, limit: 5 }],
  ] as const) {
    const result = (await server.conn.sendRequest(method, params)) as { hits: unknown[]; error?: { message: string } };
    assert.deepEqual(result.hits, []);
    assert.match(result.error?.message ?? '', /No folder is open/);
  }
});

test('pause and resume change the state and notify the client', async () => {
  const paused = (await server.conn.sendRequest(Method.pause)) as IndexStatus;
  assert.equal(paused.state, 'paused');
  assert.match(paused.message ?? '', /Resume Indexing/);
  assert.equal(((await server.conn.sendRequest(Method.status)) as IndexStatus).state, 'paused');
  const resumed = (await server.conn.sendRequest(Method.resume)) as IndexStatus;
  assert.equal(resumed.state, 'ready');
  const states = server.notifications.map((n) => n.state);
  assert.deepEqual(states.slice(-2), ['paused', 'ready']);
});

test('bad initializationOptions are refused with the field named', async () => {
  const other = startServer();
  try {
    const bad = { ...OPTIONS, settings: { ...OPTIONS.settings, maxFileSize: '1MB' } };
    await assert.rejects(initialize(other.conn, bad), /initializationOptions\.settings\.maxFileSize must be a number, got string/);
    await assert.rejects(initialize(other.conn, undefined), /initializationOptions must be an object/);
    await assert.rejects(initialize(other.conn, { ...OPTIONS, clientHover: 'yes' }), /initializationOptions\.clientHover must be true or false when given, got string/);
  } finally {
    await other.stop();
  }
});
