// Milvus 2.5 filter templating: `age > {age} and city in {city}` with params
// `{ age: 25, city: ["北京", "上海"] }`. A placeholder becomes the literal its value spells.

import type { Expr } from './ast';
import { ExprError } from './error';
import type { JsonValue } from '../schema/types';

export function fillTemplate(e: Extract<Expr, { kind: 'template' }>, params: Record<string, JsonValue>): Expr {
  if (!Object.prototype.hasOwnProperty.call(params, e.name)) {
    const given = Object.keys(params);
    throw new ExprError(
      `no value for placeholder {${e.name}} at position ${e.pos} (params given: ${given.length ? given.join(', ') : 'none'})`,
      e.pos,
    );
  }
  return toLiteral(params[e.name], e, 0);
}

function toLiteral(v: JsonValue, e: { name: string; pos: number }, depth: number): Expr {
  const pos = e.pos;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ExprError(`placeholder {${e.name}} at position ${pos} is not a finite number`, pos);
    return { kind: 'number', pos, value: v, isInt: Number.isInteger(v) };
  }
  if (typeof v === 'string') return { kind: 'string', pos, value: v };
  if (typeof v === 'boolean') return { kind: 'bool', pos, value: v };
  if (Array.isArray(v) && depth < 8) return { kind: 'list', pos, items: v.map((item) => toLiteral(item, e, depth + 1)) };
  const what = v === null || v === undefined ? 'no value (to test for null use "is null")' : Array.isArray(v) ? 'a list nested too deep' : 'an object';
  throw new ExprError(`placeholder {${e.name}} at position ${pos} holds ${what}; expected a number, string, true/false or a list`, pos);
}
