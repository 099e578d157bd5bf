// The language server SIGKILLed while it indexes, with edits, new files and deletions arriving
// as an editor sends them: after a restart on the same storage, once it has caught up, its index
// must be exactly what a fresh index of the same files is (no file whose hash says "indexed"
// without its rows, no rows of a deleted file or of an old version).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Database } from '../../../src/engine/database';
import { CHUNK_COLLECTION } from '../../../src/server/indexer/chunkSchema';
import { Method, type IndexStatus } from '../../../src/protocol/requests';
import { scratchDir } from './indexerFixtures';
import { eventually, exitOf, release, within, startStdioServer, type StdioServer } from './lspStdio';

const FILES = 240;

function source(i: number, version: number): string {
  const fns = [0, 1, 2].map((j) => `export function f${i}_${j}_v${version}(x: number): number {\n  // step ${j} of module ${i}, version ${version}\n  return x * ${i + j + version};\n}\n`);
  return fns.join('\n');
}

function makeWorkspace(): string {
  const ws = path.join(scratchDir('crash-ws'), 'ws');
  for (let i = 0; i < FILES; i++) {
    const file = path.join(ws, `src/m${i % 12}/mod${i}.ts`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, source(i, 0));
  }
  return ws;
}

/** Every chunk row of an index folder, by id: what a user's searches can find. */
async function rowsOf(storage: string): Promise<Map<string, string>> {
  const db = await Database.open(path.join(storage, 'index', 'db'));
  try {
    const rows = await db.collection(CHUNK_COLLECTION).query({ filter: 'path != ""', outputFields: ['id', 'path', 'file_hash', 'start_line', 'end_line', 'text'], limit: 1_000_000 });
    return new Map(rows.map((r) => [r.id as string, JSON.stringify([r.path, r.file_hash, r.start_line, r.end_line, r.text])]));
  } finally {
    await db.close();
  }
}

async function caughtUp(server: StdioServer, files: number): Promise<void> {
  await eventually(
    () => server.conn.sendRequest(Method.status) as Promise<IndexStatus>,
    (s) => s.state === 'ready' && s.files === files && !!s.lastFlush,
    'the restarted server never caught up',
    600,
  );
}

/** An editor at work: rewrites, creates and deletes files, telling the server as VS Code does. */
function startEditing(ws: string, server: StdioServer): { stop(): Promise<number> } {
  let n = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const i = n % FILES;
      const file = path.join(ws, `src/m${i % 12}/mod${i}.ts`);
      // After the kill the connection throws synchronously ("Connection is closed"): the editor
      // keeps writing files either way, as a real one would while the server is down, and a write
        // into a dead pipe may never settle.
      const change = async (type: number, f: string): Promise<void> => {
        try {
          await within(server.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(f).href, type }] }), 5_000);
        } catch {
          // the server is gone
        }
      };
      if (n % 7 === 3 && fs.existsSync(file)) {
        fs.rmSync(file);
        await change(3, file);
      } else {
        const existed = fs.existsSync(file);
        fs.writeFileSync(file, source(i, n + 1));
        await change(existed ? 2 : 1, file);
      }
      const added = path.join(ws, `src/new/added${n}.ts`);
      if (n % 5 === 0) {
        fs.mkdirSync(path.dirname(added), { recursive: true });
        fs.writeFileSync(added, source(10_000 + n, 0));
        await change(1, added);
      }
      n += 17;
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return n;
    },
  };
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

for (const moment of ['during the pass', 'as the pass finishes (its flush in the background)']) {
  // A bound, so a server that never catches up fails here with its last status instead of
  // holding the whole run.
  test(`killed ${moment} with edits arriving: after a restart the index equals a fresh index of the same files`, { timeout: 300_000 }, async () => {
    const ws = makeWorkspace();
    const storage = scratchDir('crash-storage');
    const globalStoragePath = scratchDir('crash-global');
    let sawIndexing = false;
    let finished = false;
    const first = await startStdioServer({
      workspace: ws,
      options: { storagePath: storage, globalStoragePath },
      onStatus: (s) => {
        if (s.state === 'indexing' && (s.progress?.done ?? 0) > 0) sawIndexing = true;
        if (s.state === 'ready' && sawIndexing) finished = true;
      },
    });
    const editor = startEditing(ws, first);
    await eventually(async () => (moment.startsWith('during') ? sawIndexing : finished), (ok) => ok, `the server never got to ${moment}`, 1200);
    // Let some edits reach it first.
    await new Promise((r) => setTimeout(r, 120));
    first.proc.kill('SIGKILL');
    await exitOf(first.proc);
    await editor.stop();
    first.conn.dispose();
    release(first.proc);

    const files = countFiles(ws);
    const again = await startStdioServer({ workspace: ws, options: { storagePath: storage, globalStoragePath } });
    try {
      await caughtUp(again, files);
    } finally {
      await again.stop();
    }
    const fresh = scratchDir('crash-fresh');
    const reference = await startStdioServer({ workspace: ws, options: { storagePath: fresh, globalStoragePath } });
    try {
      await caughtUp(reference, files);
    } finally {
      await reference.stop();
    }
    const got = await rowsOf(storage);
    const want = await rowsOf(fresh);
    const missing = [...want.keys()].filter((id) => !got.has(id));
    const extra = [...got.keys()].filter((id) => !want.has(id));
    const differ = [...want.keys()].filter((id) => got.has(id) && got.get(id) !== want.get(id));
    assert.deepEqual({ missing: missing.length, extra: extra.length, differ: differ.length }, { missing: 0, extra: 0, differ: 0 },
      `after the crash the index differs from a fresh one: missing ${missing.slice(0, 3).map((id) => want.get(id)?.slice(0, 80))}, extra ${extra.slice(0, 3).map((id) => got.get(id)?.slice(0, 80))}`);
    assert.ok(want.size > FILES, 'the fresh index holds the workspace');
  });
}
