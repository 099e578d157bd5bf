// The shipped code model through the whole index: with no loupe.modelPath and no network,
// semantic search is on; a query in words the code does not use finds its function; switching
// from another text model rebuilds the dense field.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_TEXT_MODEL } from '../../../src/protocol/defaultModels';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { MODEL_PATH, scratchDir, searchOf } from './indexerFixtures';

/** A small workspace of functions that share few words with each other. */
function writeWorkspace(): string {
  const dir = path.join(scratchDir('builtin-ws'), 'workspace');
  const files: Record<string, string> = {
    'src/net/fetchWithRetry.ts': [
      'export async function fetchWithRetry(url: string, attempts = 5): Promise<Response> {',
      '  let delay = 100;',
      '  for (let i = 0; i < attempts; i++) {',
      '    try {',
      '      return await fetch(url);',
      '    } catch (err) {',
      '      await new Promise((r) => setTimeout(r, delay));',
      '      delay *= 2;',
      '    }',
      '  }',
      '  throw new Error(`gave up on ${url}`);',
      '}',
    ].join('\n'),
    'src/text/slugify.ts': [
      'export function slugify(title: string): string {',
      '  return title.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");',
      '}',
    ].join('\n'),
    'src/cache/lru.ts': [
      'export class LruCache<K, V> {',
      '  private readonly map = new Map<K, V>();',
      '  constructor(private readonly capacity: number) {}',
      '  get(key: K): V | undefined {',
      '    const value = this.map.get(key);',
      '    if (value !== undefined) { this.map.delete(key); this.map.set(key, value); }',
      '    return value;',
      '  }',
      '  set(key: K, value: V): void {',
      '    this.map.delete(key);',
      '    this.map.set(key, value);',
      '    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);',
      '  }',
      '}',
    ].join('\n'),
    'src/db/pool.py': [
      'import sqlite3',
      '',
      'def open_connection(path, timeout=5.0):',
      '    conn = sqlite3.connect(path, timeout=timeout)',
      '    conn.execute("PRAGMA journal_mode=WAL")',
      '    return conn',
    ].join('\n'),
    'src/auth/password.py': [
      'import hashlib, os',
      '',
      'def hash_password(password: str) -> bytes:',
      '    salt = os.urandom(16)',
      '    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000)',
    ].join('\n'),
  };
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), `${content}\n`);
  }
  return dir;
}

const offline = (modelPath: string, textModel = DEFAULT_TEXT_MODEL) => ({ modelPath, textModel, imageModel: 'tiny-clip', threads: 1, allowDownload: false });

test('with no model folder and no network, the default model gives semantic search, and a paraphrase finds its function', async () => {
  const ws = writeWorkspace();
  const index = await WorkspaceIndex.open({
    folders: [{ name: 'workspace', absPath: ws }],
    dataDir: scratchDir('builtin-data'),
    models: offline(scratchDir('no-models')),
  });
  try {
    assert.equal(index.status().model.text, 'loupe/code-v1');
    await index.indexAll();
    const cases: Array<[string, string]> = [
      ['call it again after a longer pause each time', 'src/net/fetchWithRetry.ts'],
      ['cache that drops the oldest item when full', 'src/cache/lru.ts'],
      ['turn a title into a url friendly string', 'src/text/slugify.ts'],
    ];
    for (const [query, file] of cases) {
      const semantic = await searchOf(index).search({ query, mode: 'semantic', limit: 5 });
      assert.equal(semantic.error, undefined);
      assert.equal(semantic.hits[0]?.path, file, `${query}: ${semantic.hits.map((h) => h.path).join(', ')}`);
    }
    // BM25 alone has no word of the first query to go on; hybrid brings the dense hit in
    const [query, file] = cases[0];
    const text = await searchOf(index).search({ query, mode: 'text', limit: 5 });
    assert.notEqual(text.hits[0]?.path, file);
    const hybrid = await searchOf(index).search({ query, mode: 'hybrid', limit: 3 });
    assert.ok(hybrid.hits.some((h) => h.path === file), `hybrid: ${hybrid.hits.map((h) => h.path).join(', ')}`);
  } finally {
    await index.close();
  }
});

test('switching from another text model to the built-in one rebuilds the dense field', async () => {
  const ws = writeWorkspace();
  const dataDir = scratchDir('switch-data');
  const open = (textModel: string) =>
    WorkspaceIndex.open({ folders: [{ name: 'workspace', absPath: ws }], dataDir, models: offline(MODEL_PATH, textModel) });
  const before = await open('tiny-text');
  await before.indexAll();
  assert.equal(before.status().model.text, 'tiny-text');
  await before.close();

  const after = await open(DEFAULT_TEXT_MODEL);
  try {
    const report = await after.indexAll();
    assert.equal(report.indexed, 5, 'every file is embedded again');
    assert.equal(after.status().model.text, 'loupe/code-v1');
    const hit = (await searchOf(after).search({ query: 'cache that drops the oldest item when full', mode: 'semantic', limit: 1 })).hits[0];
    assert.equal(hit?.path, 'src/cache/lru.ts');
  } finally {
    await after.close();
  }
});
