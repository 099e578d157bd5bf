// Reading every row of a workspace when there are more than one query may return (Milvus caps a
// query at 16,384 rows): the index's view of its files must not silently stop at the cap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { queryAll } from '../../../src/server/indexer/indexedFiles';
import { EmbeddedStore } from '../../../src/server/store/embeddedStore';
import { MODELS, chunk } from './storeFixtures';

test('queryAll returns every matching row exactly once when a page comes back full', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-queryall-'));
  const db = await Database.open(dir);
  try {
    const store = new EmbeddedStore(db, { workspace: 'w' });
    await store.ensureCollection(MODELS);
    const rows = Array.from({ length: 60 }, (_, i) => ({
      ...chunk(`c${i}`, `src/f${i}.ts`, i % 3 === 0 ? 'python' : 'typescript', `text ${i}`, [1, i, 0, 0]),
      content_hash: createHash('sha256').update(String(i)).digest('hex').slice(0, 16),
    }));
    await store.upsert(rows);
    const all = await queryAll(store, { filter: 'path != ""' }, ['path'], 8);
    assert.deepEqual(all.map((r) => r.id).sort(), rows.map((r) => r.id).sort());
    const python = await queryAll(store, { filter: 'language == {lang}', filterParams: { lang: 'python' } }, ['path'], 8);
    assert.deepEqual(python.map((r) => r.id).sort(), rows.filter((r) => r.language === 'python').map((r) => r.id).sort());
    const onePage = await queryAll(store, { filter: 'path != ""' }, ['path'], 100);
    assert.equal(onePage.length, 60);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
