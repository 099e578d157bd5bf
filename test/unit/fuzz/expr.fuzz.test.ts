// Fuzzing the filter language beyond test/unit/engine/expr.property.test.ts: that file covers
// scalar fields, one-level JSON keys, Int64 arrays and Kleene logic. This one generates filters
// over nested JSON paths (j["a"]["b"], j["l"][1]), VarChar arrays, unicode strings, `in` lists,
// json_contains* and `{name}` templates, checks them against a reference evaluator written here,
// and throws huge literals, 10,000-term chains and 10,000-deep paths at the parser.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileFilter, ExprError } from '../../../src/engine/expr';
import type { CollectionSchema, JsonValue, Row } from '../../../src/engine/schema/types';
import { and, compare, type CompareOp, or, type Tri } from '../../support/triLogic';
import { fuzzParams } from './fuzzConfig';

const schema: CollectionSchema = {
  enableDynamicField: false,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'x', dataType: 'Double' },
    { name: 'name', dataType: 'VarChar', nullable: true },
    { name: 'j', dataType: 'JSON', nullable: true },
    { name: 'tags', dataType: 'Array', elementType: 'VarChar', nullable: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
  ],
};

type Op = CompareOp;
/** A number-valued read: a field, a nested JSON path, a list element, or a length. */
type NumRead = 'x' | 'j["a"]["b"]' | 'j["l"][0]' | 'j["l"][2]' | 'array_length(tags)' | 'array_length(j["l"])';
/** A string-valued read. */
type StrRead = 'name' | 'j["a"]["s"]' | 'tags[0]' | 'tags[1]';
type C =
  | { t: 'ncmp'; op: Op; r: NumRead; n: number; tpl: boolean }
  | { t: 'scmp'; op: Op; r: StrRead; s: string; tpl: boolean }
  | { t: 'in'; r: StrRead | NumRead; items: Array<string | number>; neg: boolean; tpl: boolean }
  | { t: 'like'; r: StrRead; pattern: string; neg: boolean }
  | { t: 'isnull'; r: NumRead | StrRead | 'j["a"]' | 'tags'; neg: boolean }
  | { t: 'contains'; fn: 'array' | 'json'; target: 'tags' | 'j["l"]'; mode: 'one' | 'all' | 'any'; items: Array<string | number>; tpl: boolean }
  | { t: 'not'; x: C }
  | { t: 'and' | 'or'; xs: C[] };

const STRINGS = ['', 'a', 'ab', 'é', 'Ω', '😀', 'a b', 'a"b', 'a\\b', '北京', 'ǅ'];
const str = fc.constantFrom(...STRINGS);
const num = fc.integer({ min: -4, max: 4 }).map((n) => n / 2);
const op = fc.constantFrom<Op>('==', '!=', '<', '<=', '>', '>=');
const numRead = fc.constantFrom<NumRead>('x', 'j["a"]["b"]', 'j["l"][0]', 'j["l"][2]', 'array_length(tags)', 'array_length(j["l"])');
const strRead = fc.constantFrom<StrRead>('name', 'j["a"]["s"]', 'tags[0]', 'tags[1]');
const likeUnit = fc.constantFrom('a', 'b', 'é', '😀', '%', '_', ' ');

const { cond } = fc.letrec<{ cond: C }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constant('ncmp' as const), op, r: numRead, n: num, tpl: fc.boolean() }),
    fc.record({ t: fc.constant('scmp' as const), op, r: strRead, s: str, tpl: fc.boolean() }),
    fc.oneof(
      fc.record({ t: fc.constant('in' as const), r: strRead as fc.Arbitrary<StrRead | NumRead>, items: fc.array(str, { maxLength: 4 }) as fc.Arbitrary<Array<string | number>>, neg: fc.boolean(), tpl: fc.boolean() }),
      fc.record({ t: fc.constant('in' as const), r: numRead as fc.Arbitrary<StrRead | NumRead>, items: fc.array(num, { maxLength: 4 }) as fc.Arbitrary<Array<string | number>>, neg: fc.boolean(), tpl: fc.boolean() }),
    ),
    fc.record({ t: fc.constant('like' as const), r: strRead, pattern: fc.string({ unit: likeUnit, maxLength: 4 }), neg: fc.boolean() }),
    fc.record({ t: fc.constant('isnull' as const), r: fc.constantFrom('x', 'name', 'j["a"]', 'j["a"]["b"]', 'j["l"][0]', 'tags', 'tags[0]') as fc.Arbitrary<'tags'>, neg: fc.boolean() }),
    fc.record({
      t: fc.constant('contains' as const),
      fn: fc.constantFrom('array', 'json') as fc.Arbitrary<'array'>,
      target: fc.constantFrom<'tags' | 'j["l"]'>('tags', 'j["l"]'),
      mode: fc.constantFrom('one', 'all', 'any') as fc.Arbitrary<'one'>,
      items: fc.array(str, { minLength: 1, maxLength: 3 }) as fc.Arbitrary<Array<string | number>>,
      tpl: fc.boolean(),
    }).map((c): C => (c.target === 'j["l"]' ? { ...c, items: c.items.map((_, i) => i - 1) } : c)),
    fc.record({ t: fc.constant('not' as const), x: tie('cond') }),
    fc.record({ t: fc.constantFrom('and', 'or') as fc.Arbitrary<'and'>, xs: fc.array(tie('cond'), { minLength: 2, maxLength: 3 }) }),
  ) as fc.Arbitrary<C>,
}));

// ---- rendering (templates become {pN} with the value in params)

function render(c: C, params: Record<string, JsonValue>): string {
  const lit = (v: JsonValue, tpl: boolean): string => {
    if (!tpl) return Array.isArray(v) ? `[${v.map((i) => JSON.stringify(i)).join(', ')}]` : JSON.stringify(v);
    const name = `p${Object.keys(params).length}`;
    params[name] = v;
    return `{${name}}`;
  };
  switch (c.t) {
    case 'ncmp': return `${c.r} ${c.op} ${lit(c.n, c.tpl)}`;
    case 'scmp': return `${c.r} ${c.op} ${lit(c.s, c.tpl)}`;
    case 'in': return `${c.r} ${c.neg ? 'not in' : 'in'} ${lit(c.items, c.tpl)}`;
    case 'like': return `${c.r} ${c.neg ? 'not like' : 'like'} ${JSON.stringify(c.pattern)}`;
    case 'isnull': return `${c.r} ${c.neg ? 'is not null' : 'is null'}`;
    case 'contains': {
      const fn = `${c.fn}_contains${c.mode === 'one' ? '' : `_${c.mode}`}`;
      return `${fn}(${c.target}, ${lit(c.mode === 'one' ? c.items[0] : c.items, c.tpl)})`;
    }
    case 'not': return `not (${render(c.x, params)})`;
    case 'and':
    case 'or': return c.xs.map((x) => `(${render(x, params)})`).join(` ${c.t} `);
  }
}

// ---- reference evaluator: true / false / null (unknown)

const key = (o: unknown, k: string | number): unknown => {
  if (typeof k === 'number') return Array.isArray(o) && k < o.length ? o[k] : undefined;
  return o !== null && typeof o === 'object' && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, k) ? (o as Row)[k] : undefined;
};
const orNull = (v: unknown): unknown => (v === undefined ? null : v);

function read(r: string, row: Row): unknown {
  switch (r) {
    case 'x': return orNull(row.x);
    case 'name': return orNull(row.name);
    case 'tags': return orNull(row.tags);
    case 'j["a"]': return orNull(key(row.j, 'a'));
    case 'j["a"]["b"]': return orNull(key(key(row.j, 'a'), 'b'));
    case 'j["a"]["s"]': return orNull(key(key(row.j, 'a'), 's'));
    case 'j["l"][0]': return orNull(key(key(row.j, 'l'), 0));
    case 'j["l"][2]': return orNull(key(key(row.j, 'l'), 2));
    case 'tags[0]': return orNull(key(row.tags, 0));
    case 'tags[1]': return orNull(key(row.tags, 1));
    case 'array_length(tags)': return Array.isArray(row.tags) ? row.tags.length : null;
    case 'array_length(j["l"])': {
      const l = key(row.j, 'l');
      return Array.isArray(l) ? l.length : null;
    }
  }
  throw new Error(`reference evaluator does not know ${r}`);
}

function likeMatch(pattern: string, s: string): boolean {
  const body = [...pattern].map((ch) => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'su').test(s);
}

function evaluate(c: C, row: Row): Tri {
  switch (c.t) {
    case 'ncmp': return compare(c.op, read(c.r, row), c.n);
    case 'scmp': return compare(c.op, read(c.r, row), c.s);
    case 'in': {
      const v = read(c.r, row);
      if (v === null) return null;
      const found = c.items.includes(v as string);
      return c.neg ? !found : found;
    }
    case 'like': {
      const v = read(c.r, row);
      if (v === null) return null;
      const m = typeof v === 'string' && likeMatch(c.pattern, v);
      return c.neg ? !m : m;
    }
    case 'isnull': return (read(c.r, row) === null) !== c.neg;
    case 'contains': {
      const arr = c.target === 'tags' ? orNull(row.tags) : orNull(key(row.j, 'l'));
      if (arr === null) return null;
      if (!Array.isArray(arr)) return false;
      const items = c.mode === 'one' ? [c.items[0]] : c.items;
      return c.mode === 'any' ? items.some((i) => arr.includes(i)) : items.every((i) => arr.includes(i));
    }
    case 'not': {
      const x = evaluate(c.x, row);
      return x === null ? null : !x;
    }
    case 'and': return and(c.xs.map((x) => evaluate(x, row)));
    case 'or': return or(c.xs.map((x) => evaluate(x, row)));
  }
}

// ---- rows: nested JSON with type mismatches in every slot

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) });
const scalar: fc.Arbitrary<JsonValue> = fc.oneof(num, str, fc.boolean(), fc.constant(null));
const jsonArb: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ a: fc.oneof(fc.record({ b: scalar, s: scalar }, { requiredKeys: [] }), scalar), l: fc.oneof(fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 4 }), fc.array(scalar, { maxLength: 3 }), scalar) }, { requiredKeys: [] }) as fc.Arbitrary<JsonValue> },
  { weight: 1, arbitrary: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })) },
);
const rowArb: fc.Arbitrary<Row> = fc.record({
  x: num,
  name: maybe(str),
  j: maybe(jsonArb),
  tags: maybe(fc.array(str, { maxLength: 3 })),
}).map((r) => {
  const row: Row = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) row[k] = v;
  return row;
});

function assertOnlyExprError(text: string, params: Record<string, JsonValue> = {}): void {
  try {
    const keep = compileFilter(text, schema, params);
    assert.equal(typeof keep({ id: 1, x: 1, name: 'a', j: { a: { b: 1 } }, tags: ['a'] }), 'boolean');
  } catch (e) {
    const shown = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…(${text.length} chars)` : text);
    assert.ok(e instanceof ExprError, `${shown} threw ${String(e)}`);
    assert.ok(Number.isInteger(e.position) && e.position >= 0 && e.position <= text.length, `${shown}: position ${e.position}`);
    assert.ok(!e.message.includes('internal error'), `${shown}: ${e.message}`);
  }
}

describe('expr fuzz: nested JSON, VarChar arrays, unicode, templates', () => {
  it('compiled filters agree with the reference evaluator', () => {
    const outcomes = { true: 0, false: 0, null: 0 };
    fc.assert(
      fc.property(cond, fc.array(rowArb, { minLength: 1, maxLength: 6 }), (c, rows) => {
        const params: Record<string, JsonValue> = {};
        const text = render(c, params);
        const keep = compileFilter(text, schema, params);
        for (const row of rows) {
          const expected = evaluate(c, row);
          outcomes[String(expected) as keyof typeof outcomes]++;
          assert.equal(keep(row), expected === true, `${text} ${JSON.stringify(params)} on ${JSON.stringify(row)}`);
        }
      }),
      fuzzParams(20261125, 800),
    );
    const total = outcomes.true + outcomes.false + outcomes.null;
    for (const [k, n] of Object.entries(outcomes)) assert.ok(n > total / 10, `only ${n} of ${total} rows were ${k}`);
  });

  it('templates with wrong, missing or hostile values fail only with ExprError', () => {
    const hostile: fc.Arbitrary<JsonValue> = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
      fc.constantFrom<JsonValue>(Number.MAX_VALUE, -0, 1e308, 2 ** 53 + 2, '\u0000', '\ud800', []),
      fc.integer({ min: 1, max: 50 }).map((d) => { let v: JsonValue = 1; for (let i = 0; i < d; i++) v = [v]; return v; }),
    );
    fc.assert(
      fc.property(cond, fc.dictionary(fc.constantFrom('p0', 'p1', 'p2', 'q'), hostile), (c, given) => {
        const params: Record<string, JsonValue> = {};
        const text = render(c, params);
        assertOnlyExprError(text, given);
      }),
      fuzzParams(31, 400),
    );
  });

  it('huge literals, long chains and 10,000-deep paths fail cleanly or compile', () => {
    const bigInt = '9'.repeat(400);
    const cases: string[] = [
      `x > ${bigInt}`, `x > 1e309`, `x > -1e309`, `x > 1${'0'.repeat(5000)}.5`, `x > 0.${'0'.repeat(5000)}1`,
      `x in [${Array.from({ length: 10_000 }, (_, i) => i).join(',')}]`,
      `name == "${'é'.repeat(100_000)}"`, `name like "${'%_'.repeat(20_000)}a"`,
      `j${'["a"]'.repeat(10_000)} == 1`, `j${'[0]'.repeat(10_000)} == 1`, `tags${'[0]'.repeat(10_000)} == "a"`,
      Array.from({ length: 10_000 }, () => 'x > 1').join(' and '),
      Array.from({ length: 10_000 }, () => 'x > 1').join(' || '),
      `x > ${Array.from({ length: 10_000 }, () => '1').join(' + ')}`,
      `x > ${'-'.repeat(10_000)}1`, `${'not '.repeat(10_000)}x > 1`,
      `${'('.repeat(10_000)}x > 1${')'.repeat(10_000)}`, `x in ${'['.repeat(10_000)}1${']'.repeat(10_000)}`,
      `array_contains(tags, ${'['.repeat(10_000)}`, `x > {${'p'.repeat(100_000)}}`, `{${'{'.repeat(10_000)}`,
      `name == "\u0000"`, `name\u0000== "a"`, '\u0000'.repeat(10_000), `name == "${'\\'.repeat(9_999)}"`,
    ];
    for (const text of cases) assertOnlyExprError(text, { p: 1 });
  });

  it('a 10,000-term and-chain still evaluates like the reference', () => {
    // Flat chains are common in generated filters (id in-lists written out); they must not be
    // refused as "too deep" nor overflow the stack when compiled.
    const text = Array.from({ length: 10_000 }, (_, i) => `x != ${i + 100}`).join(' and ');
    let keep: ((row: Row) => boolean) | undefined;
    try {
      keep = compileFilter(text, schema);
    } catch (e) {
      assert.ok(e instanceof ExprError, String(e));
      return; // refusing with a clear ExprError is acceptable too
    }
    assert.equal(keep({ id: 1, x: 1 }), true);
    assert.equal(keep({ id: 1, x: 150 }), false);
  });
});
