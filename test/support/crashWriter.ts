// Child process for crash tests: opens a Database in argv[2] and, driven by the seed in argv[3],
// runs inserts, upserts, deletes (by id and by filter), flushes and compactions on one collection
// (HNSW index and a BM25 function field), up to argv[6] of them in flight at once (crashOps.ts).
// Before each operation it prints `T <id> <op json>` and after it is acknowledged `A <id>`; stdout
// is a pipe, and pipe writes are synchronous on Linux, so every line printed before a SIGKILL
// reaches the parent. The parent (crashHarness.ts) kills it at a random moment or it kills itself
// at LOUPE_CRASH_AT (see src/engine/storage/crashPoint.ts).
// Run: node crashWriter.js <dir> <seed> <maxOps> <firstPk> <concurrency>

import { Database } from '../../src/engine/database';
import type { Collection } from '../../src/engine/collection';
import type { CollectionSchema } from '../../src/engine/schema/types';
import type { ModelOp } from './crashModel';
import { OpSource, rng, runConcurrently } from './crashOps';

export const CRASH_DIM = 8;
export const CRASH_COLLECTION = 'crash';

export const crashSchema: CollectionSchema = {
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'tag', dataType: 'VarChar', maxLength: 64, enableAnalyzer: true },
    { name: 'sparse', dataType: 'SparseFloatVector' },
    { name: 'vec', dataType: 'FloatVector', dim: CRASH_DIM },
  ],
  functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['tag'], outputFieldNames: ['sparse'] }],
};

/** Small segments (about 150 rows) so a run seals, flushes and compacts many times. */
export const crashStoreOptions = { flushIntervalMs: 0, sealBytes: 96 * 150, smallSegmentRows: 300 };

/** A row's vector follows from its tag, so checking the tag and the vector checks both. */
export function vecOf(tag: string): number[] {
  let h = 2166136261;
  for (const ch of tag) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return Array.from({ length: CRASH_DIM }, (_, j) => Math.fround(Math.sin(h * 0.001 + j * 1.7)));
}

export { rng };

/** One operation through the engine API. */
function runOp(c: Collection, op: ModelOp): Promise<unknown> {
  switch (op.k) {
    case 'insert':
    case 'upsert': {
      const data = op.rows.map(([id, tag]) => ({ id, tag, vec: vecOf(tag) }));
      return op.k === 'insert' ? c.insert(data) : c.upsert(data);
    }
    case 'delete':
      return c.delete(op.filter ? { filter: op.filter } : { ids: op.pks });
    case 'flush':
      return c.flush();
    case 'compact':
      return c.compact();
  }
}

async function main(dir: string, seed: number, maxOps: number, firstPk: number, concurrency: number): Promise<void> {
  const db = await Database.open(dir, crashStoreOptions);
  const c = db.hasCollection(CRASH_COLLECTION)
    ? db.collection(CRASH_COLLECTION)
    : await db.createCollection(CRASH_COLLECTION, crashSchema, {
        indexes: [{ fieldName: 'vec', indexType: 'HNSW', metricType: 'L2', params: { M: 8, efConstruction: 32 } }],
      });
  const say = (line: string): void => void process.stdout.write(line + '\n');
  say('R');
  await runConcurrently(new OpSource(rng(seed), firstPk), maxOps, concurrency, async (op) => void (await runOp(c, op)),
    (id, op) => say(`T ${id} ${JSON.stringify(op)}`), (id) => say(`A ${id}`));
  say('D');
  // Stay alive until killed: the parent decides when the crash happens.
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) {
  const [dir, seed, maxOps, firstPk, concurrency] = process.argv.slice(2);
  main(dir, Number(seed), Number(maxOps ?? 1000), Number(firstPk ?? 1), Number(concurrency ?? 1)).catch((err: Error) => {
    process.stdout.write(`E ${(err.stack ?? err.message).replace(/\n/g, ' | ')}\n`);
    process.exit(3);
  });
}
