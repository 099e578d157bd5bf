// Model-based test of a durable collection: random sequences of insert / upsert / delete (by ids
// and by filter) / flush / compact / reopen run against both the engine (a Database in a temp
// dir) and a plain Map pk → row. After every step, query(*) and count(*) must match the model.
// Bad rows mixed into a batch must get the whole batch refused with an EngineError naming the
// row, and leave the model (and so the engine) unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import type { Collection } from '../../../src/engine/collection';
import { EngineError } from '../../../src/engine/errors';
import type { CollectionSchema, Row } from '../../../src/engine/schema/types';
import { fuzzParams } from './fuzzConfig';

const schema: CollectionSchema = {
  enableDynamicField: false,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'tag', dataType: 'VarChar', maxLength: 4, nullable: true },
    { name: 'n', dataType: 'Int32' },
    { name: 'vec', dataType: 'FloatVector', dim: 2 },
  ],
};

interface ModelRow { id: number; tag: string | null; n: number; vec: number[] }

/** Halves are exact in float32, so vectors round-trip unchanged. */
const goodRow: fc.Arbitrary<ModelRow> = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  tag: fc.option(fc.constantFrom('a', 'b', 'é', 'abcd', ''), { nil: null }),
  n: fc.integer({ min: -5, max: 5 }),
  vec: fc.array(fc.integer({ min: -8, max: 8 }).map((x) => x / 2), { minLength: 2, maxLength: 2 }),
});

/** Ways a row can be wrong; each must be caught by the schema check. */
const BREAKAGES: Array<(r: ModelRow) => Record<string, unknown>> = [
  ({ vec: _v, ...r }) => r, // vector missing
  (r) => ({ ...r, vec: [1, 2, 3] }), // wrong dim
  (r) => ({ ...r, vec: [1, 'x'] }),
  (r) => ({ ...r, vec: [1, NaN] }),
  (r) => ({ ...r, tag: 'toolong' }),
  (r) => ({ ...r, tag: 7 }),
  (r) => ({ ...r, n: 1.5 }),
  (r) => ({ ...r, n: 2 ** 31 }),
  (r) => ({ ...r, n: '3' }),
  (r) => ({ ...r, n: null }),
  (r) => ({ ...r, id: 'seven' }),
  (r) => ({ ...r, id: 1.25 }),
  (r) => ({ ...r, extra: 1 }), // no dynamic field
];

type Cmd =
  | { k: 'insert'; rows: ModelRow[]; bad?: { at: number; how: number } }
  | { k: 'upsert'; rows: ModelRow[]; bad?: { at: number; how: number } }
  | { k: 'deleteIds'; ids: number[] }
  | { k: 'deleteFilter'; n: number }
  | { k: 'flush' }
  | { k: 'compact' }
  | { k: 'reopen' };

const badSpec = fc.option(fc.record({ at: fc.nat(), how: fc.nat({ max: BREAKAGES.length - 1 }) }), { nil: undefined, freq: 3 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('insert' as const), rows: fc.array(goodRow, { minLength: 1, maxLength: 5 }), bad: badSpec }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('upsert' as const), rows: fc.array(goodRow, { minLength: 1, maxLength: 5 }), bad: badSpec }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('deleteIds' as const), ids: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('deleteFilter' as const), n: fc.integer({ min: -5, max: 5 }) }) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ k: 'flush' }) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ k: 'compact' }) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ k: 'reopen' }) },
);

function withBreakage(rows: ModelRow[], bad: { at: number; how: number } | undefined): Row[] {
  const out: Row[] = rows.map((r) => ({ ...r, vec: [...r.vec] }));
  if (bad) out[bad.at % out.length] = BREAKAGES[bad.how](rows[bad.at % rows.length]) as Row;
  return out;
}

/** fc.record may build null-prototype objects (good for the engine); the model keeps plain ones. */
const plain = (r: ModelRow): ModelRow => ({ id: r.id, tag: r.tag, n: r.n, vec: [...r.vec] });

async function expectRefused(work: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof EngineError, `${what}: expected EngineError, got ${String(e)}`);
    assert.match(e.message, /row \d+|primary key/i, `${what}: the message should name the row: ${e.message}`);
    return true;
  });
}

async function checkAgainstModel(c: Collection, model: Map<number, ModelRow>, step: string): Promise<void> {
  const rows = await c.query({ filter: 'id >= 0', outputFields: ['tag', 'n', 'vec'] });
  const got = rows
    .map((r) => ({ id: r.id as number, tag: (r.tag ?? null) as string | null, n: r.n as number, vec: Array.from(r.vec as ArrayLike<number>) }))
    .sort((a, b) => a.id - b.id);
  const want = [...model.values()].sort((a, b) => a.id - b.id);
  assert.deepEqual(got, want, `${step}: query(*) differs from the model`);
  const [count] = await c.query({ outputFields: ['count(*)'] });
  assert.equal(count['count(*)'], model.size, `${step}: count(*)`);
  assert.equal(c.stats().rowCount, model.size, `${step}: stats().rowCount`);
}

test('durable collection matches a Map model under random writes, flushes, compactions and reopens', async () => {
  let dirs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 25 }), async (cmds) => {
      const dir = await mkdtemp(path.join(tmpdir(), `loupe-fuzz-engine-${dirs++}-`));
      let db = await Database.open(dir, { flushIntervalMs: 0 });
      try {
        let c = await db.createCollection('m', schema, { indexes: [{ fieldName: 'vec', indexType: 'FLAT', metricType: 'L2', params: {} }] });
        const model = new Map<number, ModelRow>();
        for (const [i, command] of cmds.entries()) {
          const step = `step ${i} ${JSON.stringify(command)}`;
          switch (command.k) {
            case 'insert': {
              const ids = command.rows.map((r) => r.id);
              const clash = ids.some((id, j) => model.has(id) || ids.indexOf(id) !== j);
              const data = withBreakage(command.rows, command.bad);
              if (command.bad || clash) await expectRefused(c.insert(data), step);
              else {
                const res = await c.insert(data);
                assert.deepEqual(res.ids, ids, step);
                for (const r of command.rows) model.set(r.id, plain(r));
              }
              break;
            }
            case 'upsert': {
              const ids = command.rows.map((r) => r.id);
              const twice = ids.some((id, j) => ids.indexOf(id) !== j); // Milvus refuses these too
              const data = withBreakage(command.rows, command.bad);
              if (command.bad || twice) await expectRefused(c.upsert(data), step);
              else {
                await c.upsert(data);
                for (const r of command.rows) model.set(r.id, plain(r));
              }
              break;
            }
            case 'deleteIds': {
              const res = await c.delete({ ids: command.ids });
              const present = new Set(command.ids.filter((id) => model.has(id)));
              assert.equal(res.deleteCount, present.size, `${step}: deleteCount`);
              for (const id of present) model.delete(id);
              break;
            }
            case 'deleteFilter': {
              const res = await c.delete({ filter: 'n > {n} or tag == "é"', filterParams: { n: command.n } });
              const gone = [...model.values()].filter((r) => r.n > command.n || r.tag === 'é');
              assert.equal(res.deleteCount, gone.length, `${step}: deleteCount`);
              for (const r of gone) model.delete(r.id);
              break;
            }
            case 'flush': await c.flush(); break;
            case 'compact': await c.compact(); break;
            case 'reopen':
              await db.close();
              db = await Database.open(dir, { flushIntervalMs: 0 });
              c = db.collection('m');
              break;
          }
          await checkAgainstModel(c, model, step);
        }
      } finally {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      }
    }),
    fuzzParams(7, 80),
  );
});

test('regression: deleting the same id twice in one request counts one deletion', async () => {
  // Shrunk by the model test above: upsert id 22, then delete ids [22, 22] reported 2.
  const db = Database.inMemory();
  const c = await db.createCollection('m', schema);
  await c.upsert([{ id: 22, tag: null, n: 0, vec: [0, 0] }]);
  assert.deepEqual(await c.delete({ ids: [22, 22] }), { deleteCount: 1 });
  assert.deepEqual(await c.query({ outputFields: ['count(*)'] }), [{ 'count(*)': 0 }]);
  await db.close();
});
