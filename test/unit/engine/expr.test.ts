// The filter language as a user meets it: which sample rows each filter keeps, and what the
// error says (and where) for filters that cannot work.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, ExprError, MAX_DEPTH, parseFilter } from '../../../src/engine/expr';
import type { CollectionSchema, JsonValue, Row } from '../../../src/engine/schema/types';

const fields: CollectionSchema['fields'] = [
  { name: 'id', dataType: 'Int64', isPrimary: true },
  { name: 'vec', dataType: 'FloatVector', dim: 2 },
  { name: 'title', dataType: 'VarChar', maxLength: 100 },
  { name: 'age', dataType: 'Int32', nullable: true },
  { name: 'price', dataType: 'Double' },
  { name: 'meta', dataType: 'JSON', nullable: true },
  { name: 'tags', dataType: 'Array', elementType: 'VarChar', maxCapacity: 8 },
  { name: 'nums', dataType: 'Array', elementType: 'Int64', maxCapacity: 8 },
  { name: 'ok', dataType: 'Bool', nullable: true },
];
const schema: CollectionSchema = { fields, enableDynamicField: true };
const staticSchema: CollectionSchema = { fields };

const rows: Row[] = [
  { id: 1, vec: [0, 0], title: 'hello world', age: 30, price: 2.5, meta: { lang: 'ts', n: 5, a: { b: [7, 8] } },
    tags: ['x', 'y'], nums: [1, 2, 3], ok: true, $meta: { color: 'red', n: 3 } },
  { id: 2, vec: [0, 0], title: 'Hello', age: null, price: 10, meta: { lang: 'py', n: '5', a: { b: [] } },
    tags: [], nums: [5], ok: false, $meta: { color: 'blue' } },
  { id: 3, vec: [0, 0], title: '50% off_sale', age: 17, price: 0, meta: null,
    tags: ['y', 'z', 'x'], nums: [], ok: null, $meta: {} },
  { id: 4, vec: [0, 0], title: '', price: -3, meta: { lang: 'ts', n: 12.5 },
    tags: ['a'], nums: [2, 4], ok: true, $meta: { color: 'red', n: '3', 'k y': 1 } },
];

function matching(filter: string, params?: Record<string, JsonValue>, s = schema): number[] {
  const keep = compileFilter(filter, s, params);
  return rows.filter((r) => keep(r)).map((r) => r.id as number);
}

const ALL = [1, 2, 3, 4];

// [filter, ids of the rows it keeps]
const VALID: Array<[string, number[]]> = [
  // comparisons; a null or missing age never matches, not even `!=`
  ['age > 20', [1]],
  ['age >= 17', [1, 3]],
  ['age != 30', [3]],
  ['age == 30.0', [1]],
  ['age == 30.5', []],
  ['price < 1', [3, 4]],
  ['price == 10', [2]],
  ['price <= 0', [3, 4]],
  ['title == "Hello"', [2]],
  ["title == 'Hello'", [2]],
  ['"hello world" == title', [1]],
  ['title > "a"', [1]],
  ['age > price', [1, 3]],
  ['id in [1, 3]', [1, 3]],
  // chained ranges
  ['1 < price < 5', [1]],
  ['10 >= price > 0', [1, 2]],
  ['0 <= price <= 0', [3]],
  ['-5 < price <= 2.5', [1, 3, 4]],
  // literals
  ['price < 1e1', [1, 3, 4]],
  ['price == 2.5e0', [1]],
  ['price > .5', [1, 2]],
  ['price == 25E-1', [1]],
  ['age == 0x1e', [1]],
  ['age == 0b10001', [3]],
  ['title == "\\u0048ello"', [2]],
  ['title == "a\\"b" or title == \'it\\\'s\'', []],
  ['title != "日本語"', ALL],
  ['true', ALL],
  ['False', []],
  ['TRUE and age > 20', [1]],
  ['ok == True', [1, 4]],
  // in / not in
  ['title in ["Hello", ""]', [2, 4]],
  ['title not in ["Hello", ""]', [1, 3]],
  ['title NOT IN ["Hello", "",]', [1, 3]],
  ['age in []', []],
  ['age not in []', [1, 3]],
  // like: % any run, _ one character, \% and \_ literal
  ['title like "hel%"', [1]],
  ['title LIKE "H%"', [2]],
  ['title like "%o%"', [1, 2, 3]],
  ['title like "%LLO"', []],
  ['title like "_ello"', [2]],
  ['title like "h_llo%"', [1]],
  ['title like "50\\% off%"', [3]],
  ['title like "%\\_%"', [3]],
  ['title like "%"', ALL],
  ['title like ""', [4]],
  ['title not like "%o%"', [4]],
  ['title like "%o%l%d"', [1]],
  // null tests
  ['age is null', [2, 4]],
  ['age IS NOT NULL', [1, 3]],
  ['age Is Null', [2, 4]],
  ['ok is null', [3]],
  // bool fields and logic; `not` binds looser than comparison (SQL-like)
  ['ok', [1, 4]],
  ['not ok', [2]],
  ['!ok', [2]],
  ['NOT ok', [2]],
  ['ok != true', [2]],
  ['not age == 30', [3]],
  ['not (age == 30)', [3]],
  ['age > 20 or price < 0', [1, 4]],
  ['age > 20 || price < 0', [1, 4]],
  ['age > 10 and price == 0', [3]],
  ['age > 10 AND price == 0', [3]],
  ['age > 10 && price == 0', [3]],
  ['age > 10 AnD price == 0', [3]],
  ['price > 0 and price < 5 or title == ""', [1, 4]],
  ['((age > 20))', [1]],
  // Kleene logic: unknown (null) or true is true; unknown and false is false; not unknown is unknown
  ['age > 100 or price == 10', [2]],
  ['not (age > 20 or price > 5)', [3]],
  ['not (age > 20 and price > 5)', [1, 3, 4]],
  ['not not (age > 20)', [1]],
  // arithmetic inside comparisons
  ['price * 2 > 4', [1, 2]],
  ['price + 1 == 1', [3]],
  ['price - 1 < -3', [4]],
  ['price / 2 == 5', [2]],
  ['age % 2 == 1', [3]],
  ['age ** 2 == 900', [1]],
  ['-price > 0', [4]],
  ['2 ** 3 ** 2 == 512', ALL],
  ['-2 ** 2 == -4', ALL],
  ['(price + 1) * 2 == 7', [1]],
  ['price * 2 + 1 == 6', [1]],
  ['age + price > 30', [1]],
  ['price > 2 * 3 - 1', [2]],
  // JSON fields: dynamic types; a mismatch is false (so its negation is true), null is unknown
  ['meta["lang"] == "ts"', [1, 4]],
  ['meta[\'lang\'] == "ts"', [1, 4]],
  ['meta["n"] > 4', [1, 4]],
  ['not (meta["n"] > 4)', [2]],
  ['meta["n"] == "5"', [2]],
  ['meta["a"]["b"][0] == 7', [1]],
  ['meta["a"]["b"][1] == 8', [1]],
  ['meta["missing"] is null', ALL],
  ['meta["lang"] is not null', [1, 2, 4]],
  ['meta is null', [3]],
  ['meta["lang"] in ["py", "go"]', [2]],
  ['meta["lang"] like "t%"', [1, 4]],
  ['meta["n"] * 2 == 25', [4]],
  ['json_contains(meta["a"]["b"], 8)', [1]],
  ['json_contains_any(meta["a"]["b"], [1, 7])', [1]],
  ['json_contains_all(meta["a"]["b"], [7, 8])', [1]],
  ['array_length(meta["a"]["b"]) == 0', [2]],
  // dynamic field: names that are not fields read $meta
  ['color == "red"', [1, 4]],
  ['$meta["color"] == "red"', [1, 4]],
  ['n == 3', [1]],
  ['n != 3', [4]],
  ['color is null', [3]],
  ['unknown_key == 1', []],
  ['unknown_key is null', ALL],
  ['$meta["k y"] == 1', [4]],
  // Array fields
  ['tags[0] == "x"', [1]],
  ['tags[1] == "z"', [3]],
  ['tags[5] is null', ALL],
  ['array_contains(tags, "x")', [1, 3]],
  ['ARRAY_CONTAINS(tags, "x")', [1, 3]],
  ['not array_contains(tags, "x")', [2, 4]],
  ['array_contains_all(tags, ["x", "y"])', [1, 3]],
  ['array_contains_any(tags, ["z", "a"])', [3, 4]],
  ['array_length(tags) == 0', [2]],
  ['array_length(tags) >= 2', [1, 3]],
  ['nums[0] + 1 == 2', [1]],
  ['array_contains(nums, 2)', [1, 4]],
  ['array_contains_any(nums, [])', []],
  ['array_contains_all(nums, [])', ALL],
  ['tags[0] like "x%"', [1]],
];

const PARAMS: Array<[string, Record<string, JsonValue>, number[]]> = [
  ['age > {a}', { a: 20 }, [1]],
  ['title in {list}', { list: ['Hello', ''] }, [2, 4]],
  ['array_contains_any(tags, {t})', { t: ['z'] }, [3]],
  ['title like {p}', { p: 'H%' }, [2]],
  ['{yes}', { yes: true }, ALL],
  ['price > {f} and color == {c}', { f: 2.4, c: 'red' }, [1]],
  ['{low} < price < {high}', { low: 0, high: 20 }, [1, 2]],
];

// [filter, position, fragment of the message]; `schema` has the dynamic field on unless noted
const INVALID: Array<[string, number, string, CollectionSchema?]> = [
  ['', 0, 'empty'],
  ['   ', 0, 'empty'],
  ['age ==', 6, "expected a value after '==' at position 6"],
  ['age == 1 and', 12, "expected a value after 'and'"],
  ['(age == 1', 9, "expected ')'"],
  ['age == 1)', 8, "expected 'and', 'or' or the end at position 8 but found ')'"],
  ['age == 1 age', 9, "expected 'and', 'or' or the end"],
  ['title == 1', 6, "cannot compare VarChar field 'title' with a number"],
  ['age == "x"', 4, "cannot compare Int32 field 'age' with a string"],
  ['ok < true', 3, 'cannot order true/false'],
  ['vec > 1', 0, "vector field 'vec'"],
  ['foo == 1', 0, "unknown field 'foo'", staticSchema],
  ['$meta["x"] == 1', 0, 'no dynamic field', staticSchema],
  ['age > {missing}', 6, 'no value for placeholder {missing}'],
  ['1 < age > 5', 8, 'must go one way'],
  ['a == b == c', 7, 'must go one way'],
  ['1 < age < 5 < 9', 12, 'at most two comparisons'],
  ['age = 1', 4, "use '=='"],
  ['age > 1 & ok', 8, "'&&'"],
  ['title == "abc', 9, 'unterminated string'],
  ['title == "\\q"', 10, 'unknown escape'],
  ['title == "\\u12"', 10, '4 hex digits'],
  ['age == 99999999999999999999', 7, 'out of range'],
  ['age == 1e999', 7, 'out of range'],
  ['age == 12abc', 7, 'malformed number'],
  ['age == 1e', 7, 'exponent'],
  ['price / 0 > 1', 6, 'division by zero'],
  ['tags == "x"', 5, 'as a whole'],
  ['tags["k"] == 1', 5, 'integer index'],
  ['age["k"] == 1', 3, 'cannot be indexed'],
  ['title like 5', 11, 'quoted pattern'],
  ['age like "1%"', 0, 'needs a VarChar or JSON value'],
  ['age in [1, "x"]', 11, 'with a string'],
  ['age in 5', 7, 'needs a list'],
  ['age', 0, 'expected a condition'],
  ['price + 1', 6, 'expected a condition'],
  ['array_contains(tags, 1)', 21, 'the value at position 21 is a number'],
  ['array_contains(tags)', 0, 'takes 2 arguments'],
  ['array_contains(age, 1)', 15, 'needs an Array field or a JSON value'],
  ['array_length(tags)', 0, 'is a number, not a condition'],
  ['array_contains(tags, "x") == true', 0, 'is a condition, not a value'],
  ['foo(1)', 0, "unknown function 'foo'"],
  ['age == null', 7, "'null' is not a value"],
  ['age > 1 \u0000', 8, "unexpected character '\\u0000'"],
  ['age > é', 6, "unexpected character 'é'"],
  ['$metax == 1', 0, "unknown name '$metax'"],
  ['title like "a%" is null', 16, "expected 'and', 'or' or the end"],
  ['(age > 1) + 1 > 2', 5, 'expected a value'],
  ['age > {p}', 6, 'holds an object'],
  ['age > {n}', 6, 'to test for null use "is null"'],
  ['price > [1, 2]', 8, 'can only follow'],
  ['ok is 5', 6, "expected 'null'"],
  ['tags[-1] == "x"', 5, 'non-negative integer index'],
];

describe('compileFilter: which rows a filter keeps', () => {
  for (const [filter, expected] of VALID) {
    it(filter, () => assert.deepEqual(matching(filter), expected));
  }
  for (const [filter, params, expected] of PARAMS) {
    it(`${filter} with ${JSON.stringify(params)}`, () => assert.deepEqual(matching(filter, params), expected));
  }
});

describe('compileFilter: invalid filters say what and where', () => {
  for (const [filter, position, fragment, s] of INVALID) {
    it(JSON.stringify(filter), () => {
      assert.throws(
        () => compileFilter(filter, s ?? schema, { p: { a: 1 }, n: null }),
        (e: unknown) => {
          assert.ok(e instanceof ExprError, `not an ExprError: ${String(e)}`);
          assert.equal(e.code, 1100);
          assert.ok(e.message.startsWith('filter: '), e.message);
          assert.ok(e.message.includes(fragment), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(fragment)}`);
          assert.equal(e.position, position, e.message);
          return true;
        },
      );
    });
  }
});

describe('compileFilter: limits and reporting', () => {
  it('reports the fields a filter reads, $meta for dynamic keys', () => {
    assert.deepEqual(compileFilter('age > 1 and meta["a"] == 1 or color == "x" and age < 5', schema).fields, ['age', 'meta', '$meta']);
    assert.deepEqual(compileFilter('true', schema).fields, []);
  });

  it(`accepts nesting up to ${MAX_DEPTH} levels and refuses deeper with a clear error`, () => {
    const nested = (n: number): string => `${'('.repeat(n)}age > 1${')'.repeat(n)}`;
    assert.deepEqual(rows.filter(compileFilter(nested(MAX_DEPTH - 2), schema)).map((r) => r.id), [1, 3]);
    for (const deep of [nested(10_000), `${'not '.repeat(10_000)}ok`, `${'-'.repeat(10_000)}1 > 0`, `age > ${'['.repeat(10_000)}`]) {
      assert.throws(() => compileFilter(deep, schema), (e: unknown) =>
        e instanceof ExprError && /nests deeper than 256 levels/.test(e.message));
    }
    const longChain = Array.from({ length: 5000 }, (_, i) => `age == ${i}`).join(' or ');
    assert.deepEqual(rows.filter(compileFilter(longChain, schema)).map((r) => r.id), [1, 3]);
    const longSum = `price ${'+ 1 '.repeat(1000)}> 0`;
    assert.throws(() => compileFilter(longSum, schema), (e: unknown) => e instanceof ExprError && /nests deeper/.test(e.message));
  });

  it('parseFilter checks syntax only: unknown fields parse, bad syntax does not', () => {
    assert.equal(parseFilter('whatever > 1').kind, 'compare');
    assert.throws(() => parseFilter('whatever >'), ExprError);
  });

  it('a compiled filter never throws on odd rows', () => {
    const keep = compileFilter('age > 1 or title like "a%" or meta["x"][0] == 1 or array_contains(tags, "a") or n + 1 > 2', schema);
    const odd: Row[] = [{}, { age: 'x', title: 5, meta: [1], tags: 'no', $meta: 7 }, { meta: { x: 'str' }, $meta: null },
      { meta: { x: { 0: 1 } }, $meta: { n: '1' } }, { meta: Object.create(null) }];
    for (const r of odd) assert.equal(typeof keep(r), 'boolean');
    assert.equal(compileFilter('constructor is null and toString is null', schema)({ $meta: {} }), true);
  });
});
