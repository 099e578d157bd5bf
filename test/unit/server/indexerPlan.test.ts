import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { planIndex, fileKey } from '../../../src/server/indexer/plan';

const disk = (path: string, hash: string, folder = 'ws') => ({ folder, path, hash });
const stored = (path: string, fileHash: string, folder = 'ws') => ({ folder, path, fileHash });

test('new, changed, unchanged and deleted files land in the right lists', () => {
  const plan = planIndex(
    [disk('a.ts', 'h1'), disk('b.ts', 'h2-new'), disk('c.ts', 'h3')],
    [stored('a.ts', 'h1'), stored('b.ts', 'h2'), stored('gone.ts', 'h4')],
  );
  assert.deepEqual(plan.unchanged.map((f) => f.path), ['a.ts']);
  assert.deepEqual(plan.toIndex.map((f) => f.path), ['b.ts', 'c.ts']);
  assert.deepEqual(plan.toDelete.map((f) => f.path), ['gone.ts']);
});

test('a rename is a delete of the old path plus an add of the new one, even with the same bytes', () => {
  const plan = planIndex([disk('new-name.ts', 'same')], [stored('old-name.ts', 'same')]);
  assert.deepEqual(plan.toIndex.map((f) => f.path), ['new-name.ts']);
  assert.deepEqual(plan.toDelete.map((f) => f.path), ['old-name.ts']);
  assert.equal(plan.unchanged.length, 0);
});

test('the same path in two workspace folders is two files', () => {
  const plan = planIndex([disk('README.md', 'x', 'front'), disk('README.md', 'x', 'back')], [stored('README.md', 'x', 'front')]);
  assert.deepEqual(plan.unchanged.map((f) => f.folder), ['front']);
  assert.deepEqual(plan.toIndex.map((f) => f.folder), ['back']);
});

test('one row per chunk is fine; rows with mixed hashes (an interrupted write) mean reindex', () => {
  const same = planIndex([disk('a.ts', 'h')], [stored('a.ts', 'h'), stored('a.ts', 'h'), stored('a.ts', 'h')]);
  assert.equal(same.unchanged.length, 1);
  assert.equal(same.toDelete.length, 0);
  const mixed = planIndex([disk('a.ts', 'h')], [stored('a.ts', 'h'), stored('a.ts', 'old')]);
  assert.deepEqual(mixed.toIndex.map((f) => f.path), ['a.ts']);
});

test('every file on disk is either unchanged or to index, once; every stored file not on disk is deleted', () => {
  const file = fc.record({ folder: fc.constantFrom('a', 'b'), path: fc.constantFrom('x', 'y', 'z', 'w/v'), hash: fc.constantFrom('1', '2', '3') });
  fc.assert(
    fc.property(fc.array(file, { maxLength: 12 }), fc.array(file, { maxLength: 12 }), (onDisk, inIndex) => {
      const plan = planIndex(onDisk, inIndex.map((f) => ({ folder: f.folder, path: f.path, fileHash: f.hash })));
      const diskKeys = new Set(onDisk.map((f) => fileKey(f.folder, f.path)));
      const planned = [...plan.unchanged, ...plan.toIndex].map((f) => fileKey(f.folder, f.path));
      assert.equal(planned.length, diskKeys.size);
      assert.deepEqual(new Set(planned), diskKeys);
      const deleted = plan.toDelete.map((f) => fileKey(f.folder, f.path));
      const storedKeys = new Set(inIndex.map((f) => fileKey(f.folder, f.path)));
      assert.deepEqual(new Set(deleted), new Set([...storedKeys].filter((k) => !diskKeys.has(k))));
      assert.equal(deleted.length, new Set(deleted).size);
      for (const f of plan.unchanged) {
        assert.ok(inIndex.some((s) => s.folder === f.folder && s.path === f.path && s.hash === f.hash));
      }
    }),
  );
});
