// What a crashed store must hold, given what its writer saw: every acknowledged operation, and each
// operation still in flight at the kill either wholly applied or not at all. Writers keep the
// keys of their in-flight operations disjoint, so the expected rows do not depend on the order in
// which concurrent operations reached the log, and each in-flight one can be judged on its own.

/** An operation as the checker replays it: rows set (insert/upsert) or keys removed (delete). */
export type ModelOp =
  | { k: 'insert' | 'upsert'; rows: Array<[number, string]> }
  | { k: 'delete'; pks: number[]; filter?: string }
  | { k: 'flush' | 'compact' };

/** Primary key → tag of every live row. */
export type Model = Map<number, string>;

export function applyOp(model: Model, op: ModelOp): Model {
  const m = new Map(model);
  if (op.k === 'insert' || op.k === 'upsert') for (const [pk, tag] of op.rows) m.set(pk, tag);
  if (op.k === 'delete') for (const pk of op.pks) m.delete(pk);
  return m;
}

export function keysOf(op: ModelOp): number[] {
  if (op.k === 'insert' || op.k === 'upsert') return op.rows.map(([pk]) => pk);
  if (op.k === 'delete') return op.pks;
  return [];
}

export interface Judgement {
  /** The rows found, which become the next round's expectation. */
  model: Model;
  /** In-flight operations found applied (whole). */
  applied: number;
}

/**
 * Compares the rows found with the acknowledged model and the in-flight operations. Throws with
 * the first few differences: a lost or wrong acknowledged row, an in-flight operation found half
 * applied, or a row nobody wrote.
 */
export function judge(found: Model, acked: Model, inFlight: readonly ModelOp[]): Judgement {
  const pendingKeys = new Set<number>();
  let applied = 0;
  for (const op of inFlight) {
    const keys = keysOf(op);
    const after = applyOp(acked, op);
    let asBefore = 0;
    let asAfter = 0;
    for (const pk of keys) {
      pendingKeys.add(pk);
      const got = found.get(pk);
      const before = acked.get(pk);
      const then = after.get(pk);
      if (before === then) continue; // this key cannot tell
      if (got === before) asBefore++;
      else if (got === then) asAfter++;
      else throw new Error(`row ${pk} is ${JSON.stringify(got)}: neither before (${JSON.stringify(before)}) nor after (${JSON.stringify(then)}) the in-flight ${JSON.stringify(op)}`);
    }
    if (asBefore && asAfter) throw new Error(`the in-flight ${JSON.stringify(op)} is half applied: ${asAfter} keys changed, ${asBefore} not`);
    if (asAfter) applied++;
  }
  const lost = [...acked].filter(([pk, tag]) => !pendingKeys.has(pk) && found.get(pk) !== tag);
  const extra = [...found].filter(([pk]) => !pendingKeys.has(pk) && !acked.has(pk));
  if (lost.length || extra.length) {
    throw new Error(`contents differ from the acknowledged writes: expected ${acked.size} rows, found ${found.size}; ` +
      `${lost.length} lost or wrong (e.g. ${JSON.stringify(lost.slice(0, 5))}), ${extra.length} unexpected (e.g. ${JSON.stringify(extra.slice(0, 5).map(([pk]) => pk))}); ` +
      `${inFlight.length} in flight`);
  }
  return { model: found, applied };
}
