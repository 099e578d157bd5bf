// Shared by the store tests: chunk rows for two workspaces that index the same repository (same
// chunk ids, different text), and the two backends the contract runs against.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Collection } from '../../../src/engine/collection';
import { Database } from '../../../src/engine/database';
import type { ChunkModels, ChunkRow } from '../../../src/server/indexer/chunkSchema';
import { EmbeddedStore } from '../../../src/server/store/embeddedStore';
import { MilvusStore } from '../../../src/server/store/milvusStore';
import type { VectorStore } from '../../../src/server/store/vectorStore';
import { type TestServer, startTestServer } from '../engine/rest/harness';

export const TOKEN = 'store-test-token-42';
export const MODELS: ChunkModels = { text: { modelId: 'test/tiny-4d', dim: 4 } };
export const ALICE = 'github.com/acme/app@main';
export const BOB = 'github.com/acme/app@feature/login';

export function chunk(id: string, p: string, language: string, text: string, vector: number[], kind = 'function'): ChunkRow {
  return {
    id,
    path: p,
    folder: 'app',
    language,
    kind,
    symbol: '',
    signature: '',
    start_line: 1,
    end_line: 10,
    mtime: 1_700_000_000_000,
    size: 100,
    content_hash: `h-${id}`,
    file_hash: `f-${p}`,
    text,
    text_vector: vector,
  };
}

export const aliceRows: ChunkRow[] = [
  chunk('c1', 'src/http.ts', 'typescript', 'parse the http response body into json', [1, 0, 0, 0]),
  chunk('c2', 'src/cache.ts', 'typescript', 'the cache keeps file contents in memory', [0, 1, 0, 0]),
  chunk('c3', 'tools/config.py', 'python', 'read the yaml config file from disk', [0, 0, 1, 0]),
  chunk('c4', 'tools/client.py', 'python', 'send an http request and wait for the response', [0.8, 0.2, 0, 0]),
  chunk('c5', 'README.md', 'markdown', 'how to install and run the server', [0, 0, 0, 1], 'section'),
];

/** Bob's branch: the same ids for http.ts and cache.ts (same repo), other text; one file of his own. */
export const bobRows: ChunkRow[] = [
  chunk('c1', 'src/http.ts', 'typescript', 'decode the http response with streaming', [1, 0, 0, 0]),
  chunk('c2', 'src/cache.ts', 'typescript', 'an lru cache with a size limit', [0, 1, 0, 0]),
  chunk('c9', 'src/login.ts', 'typescript', 'login form posts the password', [0, 0.5, 0.5, 0]),
];

export interface Backend {
  name: string;
  /** Two stores on one collection, for Alice's and Bob's workspaces. */
  start(): Promise<{ alice: VectorStore; bob: VectorStore; stop(): Promise<void> }>;
}

export type RunningRest = TestServer;

/** Loupe's REST server over a temp database, with this file's token (the REST tests' harness). */
export function startRest(): Promise<RunningRest> {
  return startTestServer({ token: TOKEN });
}

export const backends: Backend[] = [
  {
    name: 'EmbeddedStore',
    start: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'loupe-store-'));
      const db = await Database.open(dir);
      return {
        alice: new EmbeddedStore(db, { workspace: ALICE }),
        bob: new EmbeddedStore(db, { workspace: BOB }),
        stop: async () => {
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'MilvusStore over HttpClient (Loupe REST server)',
    start: async () => {
      const rest = await startRest();
      const opts = { uri: rest.server.url, protocol: 'http' as const, token: TOKEN };
      const alice = new MilvusStore({ ...opts, workspace: ALICE });
      const bob = new MilvusStore({ ...opts, workspace: BOB });
      return {
        alice,
        bob,
        stop: async () => {
          await alice.close();
          await bob.close();
          await rest.stop();
        },
      };
    },
  },
];

/** Counts Collection.compileFilter calls (every filter text the engine compiles goes through it) while `run` runs. */
export async function countCompiles<T>(run: () => Promise<T>): Promise<{ result: T; compiled: string[] }> {
  const original = Collection.prototype.compileFilter;
  const compiled: string[] = [];
  Collection.prototype.compileFilter = function (this: Collection, text, params) {
    compiled.push(text);
    return original.call(this, text, params);
  };
  try {
    return { result: await run(), compiled };
  } finally {
    Collection.prototype.compileFilter = original;
  }
}
