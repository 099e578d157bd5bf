// The filter functions Milvus offers on Array fields and JSON values: array_contains,
// array_contains_all, array_contains_any, array_length, and their json_contains* twins (Milvus's
// grammar treats the two families as synonyms, so we accept either name on either kind).

import type { Expr } from './ast';
import { ExprError, quote } from './error';
import type { Cond, Value } from './plan';
import { describe, scalarType, valueType } from './plan';
import type { Checker } from './typecheck';
import type { JsonValue } from '../schema/types';

const CONTAINS: Record<string, 'one' | 'all' | 'any'> = {
  array_contains: 'one', json_contains: 'one',
  array_contains_all: 'all', json_contains_all: 'all',
  array_contains_any: 'any', json_contains_any: 'any',
};
const KNOWN = [...Object.keys(CONTAINS), 'array_length'];

type Call = Extract<Expr, { kind: 'call' }>;

export function callToCond(checker: Checker, e: Call): Cond {
  const name = e.name.toLowerCase();
  const mode = CONTAINS[name];
  if (mode === undefined) {
    if (name === 'array_length') {
      throw new ExprError(`array_length(...) at position ${e.pos} is a number, not a condition; compare it, e.g. array_length(x) > 0`, e.pos, 'a condition');
    }
    throw unknownFunction(e);
  }
  arity(e, 2);
  const target = collection(checker, e);
  const element = target.k === 'read' && target.type === 'array' ? target.elementType : undefined;
  const check = (v: JsonValue, pos: number): JsonValue => {
    const t = scalarType(v);
    if (element !== undefined && element !== 'json' && t !== element) {
      throw new ExprError(`${name} at position ${e.pos}: ${describe(target)} holds ${element === 'bool' ? 'true/false' : element} values, but the value at position ${pos} is ${t === undefined ? 'a list' : t === 'bool' ? 'true/false' : `a ${t}`}`, pos);
    }
    return v;
  };
  if (mode === 'one') {
    const arg = e.args[1];
    return { k: 'contains', mode, target, items: [check(checker.constant(arg, true), arg.pos)] };
  }
  const items = checker.list(e.args[1], `${name}'s second argument`).map((i) => check(i.value, i.pos));
  return { k: 'contains', mode, target, items };
}

export function callToValue(checker: Checker, e: Call): Value {
  const name = e.name.toLowerCase();
  if (name !== 'array_length') {
    if (CONTAINS[name]) {
      throw new ExprError(`${e.name}(...) at position ${e.pos} is a condition, not a value; it cannot be compared or computed with`, e.pos, 'a value');
    }
    throw unknownFunction(e);
  }
  arity(e, 1);
  return { k: 'length', target: collection(checker, e), pos: e.pos };
}

/** The first argument: an Array field or a JSON value. */
function collection(checker: Checker, e: Call): Value {
  const target = checker.value(e.args[0]);
  const t = valueType(target);
  if (target.k !== 'read' || (t !== 'array' && t !== 'json')) {
    throw new ExprError(`${e.name} at position ${e.pos} needs an Array field or a JSON value as its first argument, but found ${describe(target)}`, e.args[0].pos);
  }
  return target;
}

function arity(e: Call, n: number): void {
  if (e.args.length !== n) {
    throw new ExprError(`${e.name} at position ${e.pos} takes ${n} argument${n === 1 ? '' : 's'} but was given ${e.args.length}`, e.pos);
  }
}

function unknownFunction(e: Call): ExprError {
  return new ExprError(`unknown function ${quote(e.name)} at position ${e.pos} (known: ${KNOWN.join(', ')})`, e.pos);
}
