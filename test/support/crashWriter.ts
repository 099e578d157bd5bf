// Child process for crash tests: opens a Database in argv[2] and, driven by the seed in argv[3],
// loops over inserts, upserts, deletes, flushes and compactions on one collection (HNSW index and
// a BM25 function field). Before each operation it prints `T <op json>` and after the operation
// is acknowledged `A`; stdout is a pipe, and pipe writes are synchronous on Linux, so every line
// printed before a SIGKILL reaches the parent. The parent (crashHarness.ts) kills it at a random
// moment or it kills itself at LOUPE_CRASH_AT (see src/engine/storage/crashPoint.ts).
// Run: node crashWriter.js <dir> <seed> <maxOps> <firstPk>

import { Database } from '../../src/engine/database';
import type { CollectionSchema } from '../../src/engine/schema/types';

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

/** What an operation does to the expected contents, as the parent replays it. */
export type ModelOp =
  | { k: 'insert' | 'upsert'; rows: Array<[number, string]> }
  | { k: 'delete'; pks: number[] }
  | { k: 'flush' | 'compact' };

/** A row's vector follows from its tag, so checking the tag and the vector checks both. */
export function vecOf(tag: string): number[] {
  let h = 2166136261;
  for (const ch of tag) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return Array.from({ length: CRASH_DIM }, (_, j) => Math.fround(Math.sin(h * 0.001 + j * 1.7)));
}

/** mulberry32: small, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(dir: string, seed: number, maxOps: number, firstPk: number): Promise<void> {
  const random = rng(seed);
  const db = await Database.open(dir, crashStoreOptions);
  const c = db.hasCollection(CRASH_COLLECTION)
    ? db.collection(CRASH_COLLECTION)
    : await db.createCollection(CRASH_COLLECTION, crashSchema, {
        indexes: [{ fieldName: 'vec', indexType: 'HNSW', metricType: 'L2', params: { M: 8, efConstruction: 32 } }],
      });
  const live: number[] = [];
  let nextPk = firstPk;
  const say = (line: string): void => void process.stdout.write(line + '\n');
  say('R');
  for (let n = 0; n < maxOps; n++) {
    const r = random();
    const pick = (): number => live[Math.floor(random() * live.length)];
    let op: ModelOp;
    if (r < 0.5 || live.length < 5) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 30) }, (): [number, string] => [nextPk++, `t${n} w${Math.floor(random() * 50)}`]);
      op = { k: 'insert', rows };
    } else if (r < 0.7) {
      const pks = [...new Set(Array.from({ length: 1 + Math.floor(random() * 5) }, pick))];
      op = { k: 'upsert', rows: pks.map((pk): [number, string] => [pk, `u${n} w${Math.floor(random() * 50)}`]) };
    } else if (r < 0.88) {
      op = { k: 'delete', pks: [...new Set(Array.from({ length: 1 + Math.floor(random() * 8) }, pick))] };
    } else if (r < 0.97) {
      op = { k: 'flush' };
    } else {
      op = { k: 'compact' };
    }
    say('T ' + JSON.stringify(op));
    switch (op.k) {
      case 'insert':
      case 'upsert': {
        const data = op.rows.map(([id, tag]) => ({ id, tag, vec: vecOf(tag) }));
        await (op.k === 'insert' ? c.insert(data) : c.upsert(data));
        if (op.k === 'insert') live.push(...op.rows.map(([pk]) => pk));
        break;
      }
      case 'delete': {
        await c.delete({ ids: op.pks });
        const gone = new Set(op.pks);
        for (let i = live.length - 1; i >= 0; i--) if (gone.has(live[i])) live.splice(i, 1);
        break;
      }
      case 'flush':
        await c.flush();
        break;
      case 'compact':
        await c.compact();
        break;
    }
    say('A');
  }
  say('D');
  // Stay alive until killed: the parent decides when the crash happens.
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 1000), Number(process.argv[5] ?? 1)).catch((err: Error) => {
    process.stdout.write(`E ${err.stack ?? err.message}\n`);
    process.exit(3);
  });
}
