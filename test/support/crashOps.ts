// The operations crash writers issue: inserts, upserts, deletes by id and by filter, flushes and
// compactions, chosen by a seeded random source, with up to `concurrency` in flight at once. Keys
// are locked while an operation on them is in flight, so concurrent operations never touch the
// same row (crashModel.ts relies on that); flushes and compactions overlap anything, each other too.

import { type ModelOp, keysOf } from './crashModel';

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

/** Width of the key range a delete-by-filter covers. */
const FILTER_SPAN = 6;

export class OpSource {
  private readonly live: number[] = [];
  private readonly locked = new Set<number>();
  private nextPk: number;
  private n = 0;

  constructor(private readonly random: () => number, firstPk: number, private readonly maxRows = 30) {
    this.nextPk = firstPk;
  }

  /** The next operation; its keys are locked until `settled(op)`. */
  next(): ModelOp {
    const n = this.n++;
    const r = this.random();
    const free = this.live.filter((pk) => !this.locked.has(pk));
    const pick = (): number => free[Math.floor(this.random() * free.length)];
    let op: ModelOp;
    if (r < 0.5 || free.length < 5) {
      const rows = Array.from({ length: 1 + Math.floor(this.random() * this.maxRows) }, (): [number, string] => [this.nextPk++, `t${n} w${Math.floor(this.random() * 50)}`]);
      op = { k: 'insert', rows };
    } else if (r < 0.68) {
      const pks = [...new Set(Array.from({ length: 1 + Math.floor(this.random() * 5) }, pick))];
      op = { k: 'upsert', rows: pks.map((pk): [number, string] => [pk, `u${n} w${Math.floor(this.random() * 50)}`]) };
    } else if (r < 0.8) {
      op = { k: 'delete', pks: [...new Set(Array.from({ length: 1 + Math.floor(this.random() * 8) }, pick))] };
    } else if (r < 0.86) {
      op = this.filterDelete(pick()) ?? { k: 'delete', pks: [pick()] };
    } else if (r < 0.96) {
      op = { k: 'flush' };
    } else {
      op = { k: 'compact' };
    }
    for (const pk of keysOf(op)) this.locked.add(pk);
    if (op.k === 'delete') {
      const gone = new Set(op.pks);
      for (let i = this.live.length - 1; i >= 0; i--) if (gone.has(this.live[i])) this.live.splice(i, 1);
    }
    return op;
  }

  /** The operation was acknowledged (or failed): unlock its keys; inserted rows become pickable. */
  settled(op: ModelOp, ok: boolean): void {
    for (const pk of keysOf(op)) this.locked.delete(pk);
    if (ok && op.k === 'insert') this.live.push(...op.rows.map(([pk]) => pk));
  }

  /** A delete by a range filter over keys no in-flight operation holds, or undefined. */
  private filterDelete(from: number): ModelOp | undefined {
    const pks = Array.from({ length: FILTER_SPAN }, (_, i) => from + i);
    if (pks.some((pk) => this.locked.has(pk))) return undefined;
    return { k: 'delete', pks, filter: `id >= ${from} and id <= ${from + FILTER_SPAN - 1}` };
  }
}

/**
 * Runs `count` operations from `source` through `run`, keeping up to `concurrency` in flight;
 * `onStart` / `onDone` see each one. Resolves when all are acknowledged; rejects on the first failure.
 */
export async function runConcurrently(
  source: OpSource,
  count: number,
  concurrency: number,
  run: (op: ModelOp) => Promise<void>,
  onStart: (id: number, op: ModelOp) => void,
  onDone: (id: number) => void,
): Promise<void> {
  let started = 0;
  let failure: Error | undefined;
  const lane = async (): Promise<void> => {
    while (started < count && !failure) {
      const id = started++;
      const op = source.next();
      onStart(id, op);
      try {
        await run(op);
      } catch (err) {
        source.settled(op, false);
        failure ??= new Error(`operation ${id} ${JSON.stringify(op).slice(0, 200)} failed: ${(err as Error).stack ?? err}`);
        return;
      }
      source.settled(op, true);
      onDone(id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (failure) throw failure;
}
