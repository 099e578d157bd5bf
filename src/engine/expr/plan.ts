// The checked filter ("plan" in Milvus's words): names resolved to row reads, placeholders
// filled, types known where the schema fixes them. compile.ts turns it into a row predicate.

import type { ArithOp, CompareOp } from './ast';
import { quote } from './error';
import type { JsonValue } from '../schema/types';

/** Static types; `json` is decided per row (JSON fields, dynamic keys), `array` is a whole Array field. */
export type ValueType = 'number' | 'string' | 'bool' | 'json' | 'array';

/** A bigint is an Int64 literal beyond 2^53 (schema/int64.ts). */
export type Scalar = number | bigint | string | boolean;

export type Value =
  | { k: 'const'; type: 'number' | 'string' | 'bool'; value: Scalar; pos: number }
  /**
   * `row[field]`, then each path step: a string key into a JSON object or an integer index into
   * an array. Dynamic keys read field `$meta` with the key as the first step.
   */
  | {
      k: 'read'; field: string; path: Array<string | number>; type: ValueType; pos: number;
      /** Array fields: the static type of an element. */
      elementType?: ValueType;
      /** The schema's name for the type read (`Int64`, `VarChar`…), for error messages. */
      declared: string;
      /** How the user wrote it: `tags`, `meta["a"][0]`. */
      label: string;
    }
  | { k: 'arith'; op: ArithOp; left: Value; right: Value; pos: number }
  | { k: 'negate'; operand: Value; pos: number }
  /** array_length(target): the number of elements, or unknown when the target is not an array. */
  | { k: 'length'; target: Value; pos: number };

export type Cond =
  | { k: 'const'; value: boolean }
  | { k: 'compare'; op: CompareOp; left: Value; right: Value }
  | { k: 'in'; value: Value; items: Scalar[]; negated: boolean }
  | { k: 'like'; value: Value; pattern: string; negated: boolean }
  | { k: 'isNull'; value: Value; negated: boolean }
  /** array_contains (one), array_contains_all (all), array_contains_any (any) and json_* twins. */
  | { k: 'contains'; mode: 'one' | 'all' | 'any'; target: Value; items: JsonValue[] }
  /** A Bool field or JSON value used as a condition on its own: true when it is `true`. */
  | { k: 'truth'; value: Value }
  | { k: 'not'; operand: Cond }
  | { k: 'and' | 'or'; operands: Cond[] };

export function valueType(v: Value): ValueType {
  switch (v.k) {
    case 'const':
      return v.type;
    case 'read':
      return v.type;
    default:
      return 'number';
  }
}

export function scalarType(v: JsonValue): 'number' | 'string' | 'bool' | undefined {
  if (typeof v === 'number' || typeof (v as unknown) === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return undefined;
}

export function describeType(t: string | undefined): string {
  return t === 'number' ? 'a number' : t === 'string' ? 'a string' : t === 'bool' ? 'true/false' : 'a list';
}

/** How a value reads in an error: `VarChar field 'title'`, `a number`, `JSON value meta["a"]`. */
export function describe(v: Value): string {
  if (v.k === 'const') return describeType(v.type);
  if (v.k !== 'read') return 'a computed number';
  if (v.type === 'json') return `JSON value ${quote(v.label)}`;
  if (v.path.length > 0) return `${v.declared} element ${quote(v.label)}`;
  return `${v.declared} field ${quote(v.label)}`;
}


export function arithmetic(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    default: return a ** b;
  }
}
