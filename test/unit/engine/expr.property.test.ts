// Property tests for the filter language. (1) Random well-formed filters over a small schema
// are rendered to text and must keep exactly the rows a plain reference evaluator (written here,
// straight from the semantics: Kleene logic, null is unknown, a JSON type mismatch is false)
// keeps. (2) Mangled and hostile text must only ever fail with ExprError at a valid position.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileFilter, ExprError } from '../../../src/engine/expr';
import type { CollectionSchema, JsonValue, Row } from '../../../src/engine/schema/types';
import { and, compare, type CompareOp, not, or, type Tri } from '../../support/triLogic';

const schema: CollectionSchema = {
  enableDynamicField: true,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'a', dataType: 'Int64', nullable: true },
    { name: 'b', dataType: 'Double' },
    { name: 's', dataType: 'VarChar', nullable: true },
    { name: 'flag', dataType: 'Bool', nullable: true },
    { name: 'j', dataType: 'JSON', nullable: true },
    { name: 'arr', dataType: 'Array', elementType: 'Int64', nullable: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
  ],
};

// ---- the generated language (a tree we can both render and evaluate)

type V =
  | { t: 'num'; v: number }
  | { t: 'field'; name: 'a' | 'b' }
  | { t: 'json' } // j["k"]
  | { t: 'dyn' } // dynamic key d
  | { t: 'elem'; i: number } // arr[i]
  | { t: 'len' } // array_length(arr)
  | { t: 'arith'; op: '+' | '-' | '*' | '/' | '%'; l: V; r: V }
  | { t: 'neg'; x: V };
type StrTarget = 's' | 'js';
type C =
  | { t: 'cmp'; op: Op; l: V; r: V }
  | { t: 'range'; lo: number; mid: V; hi: number; strict1: boolean; strict2: boolean; down: boolean }
  | { t: 'in'; x: V; items: number[]; neg: boolean }
  | { t: 'scmp'; op: Op; s: StrTarget; lit: string }
  | { t: 'like'; s: StrTarget; pattern: string; neg: boolean }
  | { t: 'isnull'; target: 'a' | 'flag' | 's' | 'j["k"]' | 'd' | 'arr'; neg: boolean }
  | { t: 'truth' }
  | { t: 'contains'; mode: 'one' | 'all' | 'any'; items: number[] }
  | { t: 'bool'; v: boolean }
  | { t: 'not'; x: C; word: string }
  | { t: 'and' | 'or'; xs: C[]; word: string };
type Op = CompareOp;

const smallNumber = fc.integer({ min: -6, max: 6 }).map((n) => n / 2);
const nonZero = smallNumber.filter((n) => n !== 0);
const op = fc.constantFrom<Op>('==', '!=', '<', '<=', '>', '>=');
const likeLiteral = fc.string({ unit: fc.constantFrom('a', 'b', '_'), minLength: 1, maxLength: 3 });
const likePattern = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', '%', '_'), maxLength: 5 }),
  likeLiteral.map((l) => `%${l}%`),
  likeLiteral.map((l) => `${l}%`),
  likeLiteral.map((l) => `%${l}`),
);
const leafV: fc.Arbitrary<V> = fc.oneof(
  smallNumber.map((v): V => ({ t: 'num', v })),
  fc.constantFrom<'a' | 'b'>('a', 'b').map((name): V => ({ t: 'field', name })),
  fc.constant<V>({ t: 'json' }),
  fc.constant<V>({ t: 'dyn' }),
  fc.integer({ min: 0, max: 3 }).map((i): V => ({ t: 'elem', i })),
  fc.constant<V>({ t: 'len' }),
);

const { cond } = fc.letrec<{ value: V; cond: C }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafV,
    fc.record({ t: fc.constant('arith' as const), op: fc.constantFrom('+', '-', '*') as fc.Arbitrary<'+' | '-' | '*'>, l: tie('value'), r: tie('value') }),
    // A constant zero divisor is a compile error by design; keep divisors away from it.
    fc.record({ t: fc.constant('arith' as const), op: fc.constantFrom('/', '%') as fc.Arbitrary<'/' | '%'>, l: tie('value'), r: fc.oneof(nonZero.map((v): V => ({ t: 'num', v })), fc.constant<V>({ t: 'field', name: 'a' })) }),
    fc.record({ t: fc.constant('neg' as const), x: tie('value') }),
  ) as fc.Arbitrary<V>,
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constant('cmp' as const), op, l: tie('value'), r: tie('value') }),
    fc.record({ t: fc.constant('range' as const), lo: smallNumber, mid: tie('value'), hi: smallNumber, strict1: fc.boolean(), strict2: fc.boolean(), down: fc.boolean() }),
    fc.record({ t: fc.constant('in' as const), x: tie('value'), items: fc.array(smallNumber, { maxLength: 4 }), neg: fc.boolean() }),
    fc.record({ t: fc.constant('scmp' as const), op, s: fc.constantFrom<StrTarget>('s', 'js'), lit: fc.constantFrom('', 'a', 'ab', 'b', 'ba') }),
    fc.record({ t: fc.constant('like' as const), s: fc.constantFrom<StrTarget>('s', 'js'), pattern: likePattern, neg: fc.boolean() }),
    fc.record({ t: fc.constant('isnull' as const), target: fc.constantFrom('a', 'flag', 's', 'j["k"]', 'd', 'arr') as fc.Arbitrary<'a'>, neg: fc.boolean() }),
    fc.constant<C>({ t: 'truth' }),
    fc.record({ t: fc.constant('contains' as const), mode: fc.constantFrom('one', 'all', 'any') as fc.Arbitrary<'one'>, items: fc.array(fc.integer({ min: -2, max: 3 }), { minLength: 1, maxLength: 3 }) }),
    fc.boolean().map((v): C => ({ t: 'bool', v })),
    fc.record({ t: fc.constant('not' as const), x: tie('cond'), word: fc.constantFrom('not ', 'NOT ', '!') }),
    fc.record({ t: fc.constantFrom('and', 'or') as fc.Arbitrary<'and'>, xs: fc.array(tie('cond'), { minLength: 2, maxLength: 3 }), word: fc.constantFrom('', 'upper', 'symbol') }),
  ) as fc.Arbitrary<C>,
}));

function renderV(v: V): string {
  switch (v.t) {
    case 'num': return String(v.v);
    case 'field': return v.name;
    case 'json': return 'j["k"]';
    case 'dyn': return 'd';
    case 'elem': return `arr[${v.i}]`;
    case 'len': return 'array_length(arr)';
    case 'arith': return `(${renderV(v.l)} ${v.op} ${renderV(v.r)})`;
    case 'neg': return `-(${renderV(v.x)})`;
  }
}

function render(c: C): string {
  switch (c.t) {
    case 'cmp': return `${renderV(c.l)} ${c.op} ${renderV(c.r)}`;
    case 'range': {
      const [o1, o2] = c.down ? [c.strict1 ? '>' : '>=', c.strict2 ? '>' : '>='] : [c.strict1 ? '<' : '<=', c.strict2 ? '<' : '<='];
      return c.down ? `${c.hi} ${o1} ${renderV(c.mid)} ${o2} ${c.lo}` : `${c.lo} ${o1} ${renderV(c.mid)} ${o2} ${c.hi}`;
    }
    case 'in': return `${renderV(c.x)} ${c.neg ? 'not in' : 'in'} [${c.items.join(', ')}]`;
    case 'scmp': return `${c.s === 's' ? 's' : 'j["s"]'} ${c.op} ${JSON.stringify(c.lit)}`;
    case 'like': return `${c.s === 's' ? 's' : 'j["s"]'} ${c.neg ? 'not like' : 'like'} ${JSON.stringify(c.pattern)}`;
    case 'isnull': return `${c.target} ${c.neg ? 'is not null' : 'IS NULL'}`;
    case 'truth': return 'flag';
    case 'contains': {
      const fn = { one: 'array_contains', all: 'array_contains_all', any: 'array_contains_any' }[c.mode];
      return `${fn}(arr, ${c.mode === 'one' ? c.items[0] : `[${c.items.join(', ')}]`})`;
    }
    case 'bool': return c.v ? 'true' : 'False';
    case 'not': return `${c.word}(${render(c.x)})`;
    case 'and':
    case 'or': {
      const word = c.word === 'symbol' ? (c.t === 'and' ? '&&' : '||') : c.word === 'upper' ? c.t.toUpperCase() : c.t;
      return c.xs.map((x) => `(${render(x)})`).join(` ${word} `);
    }
  }
}

// ---- the reference evaluator: true / false / null (unknown)

const own = (o: unknown, k: string): unknown =>
  o !== null && typeof o === 'object' && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, k) ? (o as Row)[k] : undefined;
const orNull = (x: unknown): unknown => (x === undefined ? null : x);

function valueOf(v: V, row: Row): unknown {
  switch (v.t) {
    case 'num': return v.v;
    case 'field': return orNull(row[v.name]);
    case 'json': return orNull(own(row.j, 'k'));
    case 'dyn': return orNull(own(row.$meta, 'd'));
    case 'elem': return Array.isArray(row.arr) && v.i < row.arr.length ? row.arr[v.i] : null;
    case 'len': return Array.isArray(row.arr) ? row.arr.length : null;
    case 'neg': {
      const x = valueOf(v.x, row);
      return typeof x === 'number' ? -x : null;
    }
    case 'arith': {
      const a = valueOf(v.l, row);
      const b = valueOf(v.r, row);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      const r = v.op === '+' ? a + b : v.op === '-' ? a - b : v.op === '*' ? a * b : v.op === '/' ? a / b : a % b;
      return Number.isNaN(r) ? null : r;
    }
  }
}

function likeRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'su');
}

function evaluate(c: C, row: Row): Tri {
  switch (c.t) {
    case 'cmp': return compare(c.op, valueOf(c.l, row), valueOf(c.r, row));
    case 'range': {
      const mid = valueOf(c.mid, row);
      if (c.down) return and([compare(c.strict1 ? '>' : '>=', c.hi, mid), compare(c.strict2 ? '>' : '>=', mid, c.lo)]);
      return and([compare(c.strict1 ? '<' : '<=', c.lo, mid), compare(c.strict2 ? '<' : '<=', mid, c.hi)]);
    }
    case 'in': {
      const x = valueOf(c.x, row);
      if (x === null) return null;
      const found = c.items.includes(x as number);
      return c.neg ? !found : found;
    }
    case 'scmp': return compare(c.op, c.s === 's' ? orNull(row.s) : orNull(own(row.j, 's')), c.lit);
    case 'like': {
      const x = c.s === 's' ? orNull(row.s) : orNull(own(row.j, 's'));
      if (x === null) return null;
      const m = typeof x === 'string' && likeRegex(c.pattern).test(x);
      return c.neg ? !m : m;
    }
    case 'isnull': {
      const x = c.target === 'j["k"]' ? own(row.j, 'k') : c.target === 'd' ? own(row.$meta, 'd') : row[c.target];
      return (x == null) !== c.neg;
    }
    case 'truth': return row.flag == null ? null : row.flag === true;
    case 'contains': {
      const arr = row.arr;
      if (arr == null) return null;
      if (!Array.isArray(arr)) return false;
      if (c.mode === 'one') return arr.includes(c.items[0]);
      if (c.mode === 'all') return c.items.every((i) => arr.includes(i));
      return c.items.some((i) => arr.includes(i));
    }
    case 'bool': return c.v;
    case 'not': return not(evaluate(c.x, row));
    case 'and': return and(c.xs.map((x) => evaluate(x, row)));
    case 'or': return or(c.xs.map((x) => evaluate(x, row)));
  }
}

// ---- rows

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) });
const jsonScalar: fc.Arbitrary<JsonValue> = fc.oneof(smallNumber, fc.constantFrom('', 'a', 'ab', 'b'), fc.boolean(), fc.constant(null));

const rowArb: fc.Arbitrary<Row> = fc.record({
  a: maybe(fc.integer({ min: -3, max: 3 })),
  b: smallNumber,
  s: maybe(fc.constantFrom('', 'a', 'ab', 'ba', 'abab', 'b_a', '%', 'é')),
  flag: maybe(fc.boolean()),
  j: maybe(fc.record({ k: jsonScalar, s: jsonScalar }, { requiredKeys: [] })),
  arr: maybe(fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 4 })),
  $meta: fc.record({ d: jsonScalar }, { requiredKeys: [] }),
}).map((r) => {
  const row: Row = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) row[k] = v; // undefined = key missing
  return row;
});

// ---- properties

function assertOnlyExprError(text: string): void {
  try {
    const keep = compileFilter(text, schema, { p: 1, list: [1, 2] });
    assert.equal(typeof keep({ a: 1, s: 'x', j: { k: 1 }, $meta: { d: 2 } }), 'boolean');
  } catch (e) {
    assert.ok(e instanceof ExprError, `${JSON.stringify(text)} threw ${String(e)}`);
    assert.ok(Number.isInteger(e.position) && e.position >= 0 && e.position <= text.length,
      `${JSON.stringify(text)}: position ${e.position} outside [0, ${text.length}]`);
    assert.ok(!e.message.includes('internal error'), `${JSON.stringify(text)}: ${e.message}`);
    assert.match(e.message, /position \d+/);
  }
}

const FRAGMENTS = ['a', 'b', 's', 'j["k"]', '$meta', 'arr[0]', '(', ')', '[', ']', '{p}', '{', '}', ',', ' ', ' and ', ' or ',
  'not ', '!', '==', '!=', '<', '>=', '=', '&', '1', '-', '2.5', '1e999', '99999999999999999999', '0x', '"x"', '"', "'", '\\',
  ' in ', ' like ', ' is ', 'null', 'true', '**', '%', '/', 'array_contains(', 'array_length(', '\u0000', 'é', '😀', '\ud800'];

describe('expr properties', () => {
  it('compiled filters agree with a reference evaluator on random filters and rows', () => {
    const outcomes = { true: 0, false: 0, null: 0 };
    fc.assert(
      fc.property(cond, fc.array(rowArb, { minLength: 1, maxLength: 6 }), (c, rs) => {
        const text = render(c);
        const keep = compileFilter(text, schema);
        for (const row of rs) {
          const expected = evaluate(c, row);
          outcomes[String(expected) as keyof typeof outcomes]++;
          assert.equal(keep(row), expected === true, `${text} on ${JSON.stringify(row)}`);
        }
      }),
      { seed: 20250601, numRuns: 1000 },
    );
    // The generator must exercise every outcome, or agreement would prove little.
    const total = outcomes.true + outcomes.false + outcomes.null;
    for (const [k, n] of Object.entries(outcomes)) assert.ok(n > total / 10, `only ${n} of ${total} rows were ${k}`);
  });

  it('truncated and token-swapped filters fail only with ExprError at a valid position', () => {
    fc.assert(
      fc.property(cond, fc.nat(), fc.nat(), fc.nat(), fc.constantFrom('cut', 'swap', 'drop', 'insert'), fc.constantFrom(...FRAGMENTS), (c, x, y, z, how, frag) => {
        const text = render(c);
        const words = text.split(' ');
        let mutated: string;
        if (how === 'cut') mutated = text.slice(0, x % (text.length + 1));
        else if (how === 'swap') {
          const i = x % words.length;
          const k = y % words.length;
          [words[i], words[k]] = [words[k], words[i]];
          mutated = words.join(' ');
        } else if (how === 'drop') mutated = words.filter((_, i) => i !== x % words.length).join(' ');
        else {
          const at = z % (text.length + 1);
          mutated = text.slice(0, at) + frag + text.slice(at);
        }
        assertOnlyExprError(mutated);
      }),
      { seed: 4242, numRuns: 1000 },
    );
  });

  it('random unicode, NUL bytes and fragment soup fail only with ExprError at a valid position', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          // Any code points, lone surrogates and NUL included (cheaper than fc.string's 'binary' unit).
          fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }).map((cps) => String.fromCodePoint(...cps)),
          fc.array(fc.integer({ min: 0, max: 0x7f }), { maxLength: 40 }).map((cps) => String.fromCodePoint(...cps)),
          fc.string({ unit: fc.constantFrom(...FRAGMENTS), maxLength: 30 }),
        ),
        assertOnlyExprError,
      ),
      { seed: 77, numRuns: 1000 },
    );
  });

  it('deep nesting of any kind fails cleanly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12_000 }),
        fc.constantFrom('(', '[', 'not ', '!', '-', 'array_length(', '-(', 'a in [', 'j["k"]'),
        fc.boolean(),
        (n, opener, close) => {
          const closers: Record<string, string> = { '(': ')', '[': ']', 'array_length(': ')', '-(': ')', 'a in [': ']' };
          const closer = closers[opener] ?? '';
          assertOnlyExprError(`${opener.repeat(n)}a > 1${close ? closer.repeat(n) : ''}`);
        },
      ),
      { seed: 9, numRuns: 60 },
    );
  });
});
