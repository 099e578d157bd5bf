// Compiles a checked plan into closures once, so evaluating a row is a few function calls rather
// than a walk over the syntax tree.
//
// Null semantics (Milvus 2.5, like SQL): a comparison that reads a null or missing value is
// UNKNOWN — neither it nor its negation matches — and `and`/`or`/`not` follow Kleene's
// three-valued logic; only `is null` / `is not null` see nulls. A value of the wrong type at
// run time (a JSON string compared with a number) makes the comparison plainly FALSE, so its
// negation is true. Instead of returning three values per row, each condition is compiled
// twice over: `holds` (definitely true) and `fails` (definitely false); `not` swaps them.

import type { CompareOp } from './ast';
import { compileLike } from './like';
import { arithmetic, type Cond, type Scalar, type Value } from './plan';
import type { JsonValue, Row } from '../schema/types';

export type Predicate = (row: Row) => boolean;
type Getter = (row: Row) => unknown;

export function compileCond(c: Cond, wantTrue = true): Predicate {
  switch (c.k) {
    case 'const': {
      const result = c.value === wantTrue;
      return () => result;
    }
    case 'not':
      return compileCond(c.operand, !wantTrue);
    case 'and':
    case 'or': {
      // holds(a and b) = holds(a) && holds(b); fails(a and b) = fails(a) || fails(b); dual for or.
      const all = (c.k === 'and') === wantTrue;
      const parts = c.operands.map((o) => compileCond(o, wantTrue));
      if (parts.length === 2) {
        const [a, b] = parts;
        return all ? (row) => a(row) && b(row) : (row) => a(row) || b(row);
      }
      return all ? (row) => parts.every((p) => p(row)) : (row) => parts.some((p) => p(row));
    }
    case 'compare':
      return compileCompare(c.op, c.left, c.right, wantTrue);
    case 'in': {
      const get = compileValue(c.value);
      const set = new Set<unknown>(c.items);
      const member = c.negated !== wantTrue; // `holds` of `in` wants membership
      return (row) => {
        const v = get(row);
        return v != null && set.has(v) === member;
      };
    }
    case 'like': {
      const get = compileValue(c.value);
      const match = compileLike(c.pattern);
      const want = c.negated !== wantTrue;
      // A non-string value is a type mismatch: the LIKE is false, so NOT LIKE is true.
      return (row) => {
        const v = get(row);
        if (v == null) return false;
        return typeof v === 'string' ? match(v) === want : !want;
      };
    }
    case 'isNull': {
      const get = compileValue(c.value);
      const wantNull = c.negated !== wantTrue;
      return (row) => (get(row) == null) === wantNull;
    }
    case 'truth': {
      const get = compileValue(c.value);
      return wantTrue
        ? (row) => get(row) === true
        : (row) => {
            const v = get(row);
            return v != null && v !== true;
          };
    }
    case 'contains':
      return compileContains(c.mode, compileValue(c.target), c.items, wantTrue);
  }
}

/** Arithmetic on an Int64 beyond 2^53 (a bigint) is done in doubles, as Milvus's expressions do. */
const asNumber = (x: unknown): unknown => (typeof x === 'bigint' ? Number(x) : x);

/** Int64 values beyond 2^53 are bigints (schema/int64.ts); they compare with numbers as numbers. */
const isNum = (x: unknown): boolean => typeof x === 'number' || typeof x === 'bigint';
const bothNum = (a: unknown, b: unknown): boolean => isNum(a) && isNum(b);
const ordered = (a: unknown, b: unknown): boolean => bothNum(a, b) || (typeof a === 'string' && typeof b === 'string');

const TESTS: Record<CompareOp, (a: unknown, b: unknown) => boolean> = {
  // `==` between a bigint and a number compares their values (1n == 1), never their types.
  '==': (a, b) => a === b || (bothNum(a, b) && a == b),
  '!=': (a, b) => !(a === b || (bothNum(a, b) && a == b)),
  // Ordering needs two numbers or two strings; anything else is a mismatch (false).
  '<': (a, b) => ordered(a, b) && (a as number) < (b as number),
  '<=': (a, b) => ordered(a, b) && (a as number) <= (b as number),
  '>': (a, b) => ordered(a, b) && (a as number) > (b as number),
  '>=': (a, b) => ordered(a, b) && (a as number) >= (b as number),
};

function compileCompare(op: CompareOp, left: Value, right: Value, wantTrue: boolean): Predicate {
  const test = TESTS[op];
  if (left.k === 'const' && right.k === 'const') {
    const result = test(left.value, right.value) === wantTrue;
    return () => result;
  }
  if (right.k === 'const') {
    const get = compileValue(left);
    const b = right.value;
    return wantTrue
      ? (row) => { const a = get(row); return a != null && test(a, b); }
      : (row) => { const a = get(row); return a != null && !test(a, b); };
  }
  if (left.k === 'const') {
    const a = left.value;
    const get = compileValue(right);
    return wantTrue
      ? (row) => { const b = get(row); return b != null && test(a, b); }
      : (row) => { const b = get(row); return b != null && !test(a, b); };
  }
  const getA = compileValue(left);
  const getB = compileValue(right);
  return (row) => {
    const a = getA(row);
    if (a == null) return false;
    const b = getB(row);
    return b != null && test(a, b) === wantTrue;
  };
}

function compileContains(mode: 'one' | 'all' | 'any', get: Getter, items: JsonValue[], wantTrue: boolean): Predicate {
  const scalars = items.every((i) => typeof i !== 'object');
  const has = scalars
    ? (arr: unknown[], item: JsonValue) => arr.includes(item as Scalar)
    : (arr: unknown[], item: JsonValue) => arr.some((e) => sameJson(e, item));
  const test =
    mode === 'all' ? (arr: unknown[]) => items.every((i) => has(arr, i)) : (arr: unknown[]) => items.some((i) => has(arr, i));
  return (row) => {
    const arr = get(row);
    if (arr == null) return false;
    // A JSON value that is not an array contains nothing: the test is false.
    return Array.isArray(arr) ? test(arr) === wantTrue : !wantTrue;
  };
}

/** Deep equality of JSON values (json_contains may look for a list inside a list). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Row)[k], (b as Row)[k]));
  }
  return false;
}

export function compileValue(v: Value): Getter {
  switch (v.k) {
    case 'const': {
      const value = v.value;
      return () => value;
    }
    case 'read':
      return compileRead(v.field, v.path);
    case 'negate': {
      const get = compileValue(v.operand);
      return (row) => {
        const x = asNumber(get(row));
        return typeof x === 'number' ? -x : undefined;
      };
    }
    case 'arith': {
      const getA = compileValue(v.left);
      const getB = compileValue(v.right);
      const op = v.op;
      // A non-number (null, missing, a JSON string) makes the result unknown, as does NaN.
      return (row) => {
        const a = asNumber(getA(row));
        const b = asNumber(getB(row));
        if (typeof a !== 'number' || typeof b !== 'number') return undefined;
        const r = arithmetic(op, a, b);
        return Number.isNaN(r) ? undefined : r;
      };
    }
    case 'length': {
      const get = compileValue(v.target);
      return (row) => {
        const arr = get(row);
        return Array.isArray(arr) ? arr.length : undefined;
      };
    }
  }
}

/** One step into a JSON value: an own key of an object, or an index into an array. */
function step(v: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(v) && key < v.length ? v[key] : undefined;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, key)) {
    return (v as Record<string, unknown>)[key];
  }
  return undefined;
}

function compileRead(field: string, path: Array<string | number>): Getter {
  if (path.length === 0) return (row) => row[field];
  if (path.length === 1) {
    const key = path[0];
    return (row) => step(row[field], key);
  }
  return (row) => {
    let v: unknown = row[field];
    for (const key of path) {
      v = step(v, key);
      if (v === undefined) return undefined;
    }
    return v;
  };
}
