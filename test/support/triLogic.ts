// Milvus's three-valued logic for the filter tests' reference evaluators: a comparison with null
// is unknown (null), `and` / `or` / `not` propagate unknown as SQL does, and a row matches only
// when its filter is true.

export type Tri = boolean | null;
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A comparison of two field or literal values; values of different types only compare unequal. */
export function compare(op: CompareOp, a: unknown, b: unknown): Tri {
  if (a === null || b === null) return null;
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const x = a as number;
  const y = b as number;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

export const and = (xs: Tri[]): Tri => (xs.includes(false) ? false : xs.includes(null) ? null : true);
export const or = (xs: Tri[]): Tri => (xs.includes(true) ? true : xs.includes(null) ? null : false);
export const not = (x: Tri): Tri => (x === null ? null : !x);
