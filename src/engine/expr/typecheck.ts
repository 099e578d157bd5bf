// Checks a parsed filter against a collection schema and builds the plan: resolves names to
// fields (or dynamic `$meta` keys), fills `{name}` placeholders, and rejects what cannot be
// right for any row — unknown fields, vector fields, VarChar compared with a number — with the
// position of the offending piece.

import type { Expr } from './ast';
import { ExprError, quote } from './error';
import { callToCond, callToValue } from './functions';
import type { Cond, Scalar, Value, ValueType } from './plan';
import { arithmetic, describe, describeType, scalarType, valueType } from './plan';
import { fillTemplate } from './templates';
import { normalizeTimestamptz } from '../schema/timestamptz';
import { DYNAMIC_FIELD, isVectorType, type CollectionSchema, type FieldSchema, type JsonValue } from '../schema/types';

export interface CheckedFilter {
  cond: Cond;
  /** Fields the filter reads (`$meta` for dynamic keys), in first-use order. */
  fields: string[];
}

export function checkFilter(expr: Expr, schema: CollectionSchema, params: Record<string, JsonValue> = {}): CheckedFilter {
  const checker = new Checker(schema, params);
  const cond = checker.cond(expr);
  return { cond, fields: [...checker.fields] };
}

const SCALAR_TYPE: Record<string, ValueType> = {
  Bool: 'bool', Int8: 'number', Int16: 'number', Int32: 'number', Int64: 'number', Float: 'number',
  Double: 'number', VarChar: 'string', JSON: 'json', Array: 'array',
  // Stored in a fixed-width UTC normal form, so string order is time order (schema/timestamptz.ts).
  Timestamptz: 'string', Geometry: 'string',
};

export class Checker {
  readonly fields = new Set<string>();
  private readonly byName: Map<string, FieldSchema>;

  constructor(
    private readonly schema: CollectionSchema,
    private readonly params: Record<string, JsonValue>,
  ) {
    this.byName = new Map(schema.fields.map((f) => [f.name, f]));
  }

  /** An expression in condition position: it must be true or false for a row. */
  cond(e: Expr): Cond {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { k: e.kind, operands: e.operands.map((o) => this.cond(o)) };
      case 'not':
        return { k: 'not', operand: this.cond(e.operand) };
      case 'compare':
        return this.compare(e.op, this.value(e.left), this.value(e.right), e.pos);
      case 'range': {
        const middle = this.value(e.middle);
        return {
          k: 'and',
          operands: [
            this.compare(e.op1, this.value(e.low), middle, e.op1Pos),
            this.compare(e.op2, middle, this.value(e.high), e.op2Pos),
          ],
        };
      }
      case 'in':
        return this.inList(e.value, e.list, e.negated, e.pos);
      case 'like':
        return this.like(e.value, e.pattern, e.negated, e.pos);
      case 'isNull': {
        const value = this.value(e.value);
        if (value.k !== 'read') {
          throw new ExprError(`'is null' at position ${e.pos} needs a field or JSON path on its left`, e.value.pos);
        }
        return { k: 'isNull', value, negated: e.negated };
      }
      case 'call':
        return callToCond(this, e);
      case 'bool':
        return { k: 'const', value: e.value };
      case 'template': {
        const filled = fillTemplate(e, this.params);
        if (filled.kind === 'bool') return { k: 'const', value: filled.value };
        throw new ExprError(`placeholder {${e.name}} at position ${e.pos} is used as a condition but its value is not true or false`, e.pos);
      }
      case 'identifier':
      case 'index': {
        const v = this.value(e);
        if (valueType(v) === 'bool' || valueType(v) === 'json') return { k: 'truth', value: v };
        throw new ExprError(
          `expected a condition at position ${e.pos} but ${describe(v)} is not true/false; compare it, e.g. ${exampleFor(v)}`,
          e.pos, 'a condition',
        );
      }
      default:
        throw new ExprError(`expected a condition at position ${e.pos} but found a ${kindName(e)}`, e.pos, 'a condition');
    }
  }

  /** An expression in value position: a constant, a field read, arithmetic, array_length(...). */
  value(e: Expr): Value {
    switch (e.kind) {
      case 'number':
        return { k: 'const', type: 'number', value: e.big ?? e.value, pos: e.pos };
      case 'string':
        return { k: 'const', type: 'string', value: e.value, pos: e.pos };
      case 'bool':
        return { k: 'const', type: 'bool', value: e.value, pos: e.pos };
      case 'template':
        return this.value(fillTemplate(e, this.params));
      case 'identifier':
        return this.read(e.name, e.pos);
      case 'index':
        return this.index(e);
      case 'negate': {
        const operand = this.numeric(this.value(e.operand), '-', e.pos);
        if (operand.k === 'const') return { ...operand, value: -(operand.value as number), pos: e.pos };
        return { k: 'negate', operand, pos: e.pos };
      }
      case 'arith': {
        const left = this.numeric(this.value(e.left), e.op, e.pos);
        const right = this.numeric(this.value(e.right), e.op, e.pos);
        if ((e.op === '/' || e.op === '%') && right.k === 'const' && right.value === 0) {
          throw new ExprError(`division by zero at position ${e.pos}`, e.pos);
        }
        if (left.k === 'const' && right.k === 'const') {
          const v = arithmetic(e.op, left.value as number, right.value as number);
          if (!Number.isFinite(v)) throw new ExprError(`the arithmetic at position ${e.pos} gives no finite number`, e.pos);
          return { k: 'const', type: 'number', value: v, pos: left.pos };
        }
        return { k: 'arith', op: e.op, left, right, pos: e.pos };
      }
      case 'call':
        return callToValue(this, e);
      case 'list':
        throw new ExprError(`a list at position ${e.pos} can only follow 'in' or be a function argument`, e.pos);
      default:
        throw new ExprError(`expected a value at position ${e.pos} but found a ${kindName(e)}`, e.pos, 'a value');
    }
  }

  /** A list of constants (or a placeholder holding an array), as `in` and array_contains_* take. */
  list(e: Expr, what: string): Array<{ value: JsonValue; pos: number }> {
    const filled = e.kind === 'template' ? fillTemplate(e, this.params) : e;
    if (filled.kind !== 'list') {
      throw new ExprError(`${what} at position ${e.pos} needs a list like [1, 2] but found a ${kindName(filled)}`, e.pos, 'a list');
    }
    return filled.items.map((item) => ({ value: this.constant(item, true), pos: item.pos }));
  }

  /** A constant: literal, placeholder, or (when allowed) a nested list of constants. */
  constant(e: Expr, allowList: boolean): JsonValue {
    if (e.kind === 'template') return this.constant(fillTemplate(e, this.params), allowList);
    if (e.kind === 'list' && allowList) return e.items.map((i) => this.constant(i, true));
    const v = e.kind === 'list' ? undefined : this.value(e);
    if (v?.k !== 'const') {
      throw new ExprError(`expected a constant at position ${e.pos} but found ${v ? describe(v) : 'a list'}`, e.pos, 'a constant');
    }
    // A bigint (an Int64 literal beyond 2^53) is no JSON value, but flows through as a scalar item.
    return v.value as JsonValue;
  }

  private compare(op: string, leftIn: Value, rightIn: Value, pos: number): Cond {
    for (const v of [leftIn, rightIn]) {
      if (v.k === 'read' && v.declared === 'Geometry') {
        throw new ExprError(`Geometry field ${quote(v.label)} at position ${pos} cannot be compared; use ST_EQUALS, ST_INTERSECTS, ST_WITHIN or ST_CONTAINS`, pos);
      }
    }
    const left = timeConstant(leftIn, rightIn);
    const right = timeConstant(rightIn, leftIn);
    const lt = valueType(left);
    const rt = valueType(right);
    for (const v of [left, right]) {
      if (valueType(v) === 'array') {
        throw new ExprError(`cannot compare ${describe(v)} as a whole at position ${pos}; compare an element (${(v as { label: string }).label}[0]) or use array_contains`, pos);
      }
    }
    if (lt !== 'json' && rt !== 'json') {
      if (lt !== rt) throw new ExprError(`cannot compare ${describe(left)} with ${describe(right)} at position ${pos}`, pos);
      if (lt === 'bool' && op !== '==' && op !== '!=') {
        throw new ExprError(`'${op}' at position ${pos} cannot order true/false values; use '==' or '!='`, pos);
      }
    }
    return { k: 'compare', op: op as '==', left, right };
  }

  private inList(valueExpr: Expr, listExpr: Expr, negated: boolean, pos: number): Cond {
    const value = this.value(valueExpr);
    const type = valueType(value);
    if (type === 'array') throw new ExprError(`'in' at position ${pos} cannot test ${describe(value)} as a whole; use array_contains_any`, pos);
    const items: Scalar[] = [];
    for (const item of this.list(listExpr, `'in'`)) {
      const it = scalarType(item.value);
      if (it === undefined) throw new ExprError(`the list after 'in' holds a nested list at position ${item.pos}`, item.pos);
      if (type !== 'json' && it !== type) {
        throw new ExprError(`cannot compare ${describe(value)} with ${describeType(it)} at position ${item.pos} in the list after 'in'`, item.pos);
      }
      const c = timeConstant({ k: 'const', type: it, value: item.value as Scalar, pos: item.pos }, value);
      items.push((c as { value: Scalar }).value);
    }
    return { k: 'in', value, items, negated };
  }

  private like(valueExpr: Expr, patternExpr: Expr, negated: boolean, pos: number): Cond {
    const value = this.value(valueExpr);
    const type = valueType(value);
    if (type !== 'string' && type !== 'json') {
      throw new ExprError(`'like' at position ${pos} needs a VarChar or JSON value but ${describe(value)} is not text`, valueExpr.pos);
    }
    const pattern = this.constant(patternExpr, false);
    if (typeof pattern !== 'string') {
      throw new ExprError(`'like' at position ${pos} needs a quoted pattern like "ab%" but found ${describeType(scalarType(pattern))}`, patternExpr.pos, 'a string');
    }
    return { k: 'like', value, pattern, negated };
  }

  private numeric(v: Value, op: string, pos: number): Value {
    const t = valueType(v);
    if (t !== 'number' && t !== 'json') {
      throw new ExprError(`arithmetic '${op}' at position ${pos} needs numbers but ${describe(v)} is not a number`, v.pos);
    }
    return v;
  }

  /** A bare name: a schema field, else a dynamic key in `$meta`, else an error. */
  private read(name: string, pos: number): Value {
    const field = this.byName.get(name);
    if (field) {
      if (isVectorType(field.dataType)) {
        throw new ExprError(`vector field ${quote(name)} at position ${pos} cannot be used in a filter`, pos);
      }
      this.fields.add(name);
      const elementType = field.elementType ? SCALAR_TYPE[field.elementType] : undefined;
      return { k: 'read', field: name, path: [], type: SCALAR_TYPE[field.dataType], elementType, declared: field.dataType, label: name, pos };
    }
    if (!this.schema.enableDynamicField) {
      const known = this.schema.fields.filter((f) => !isVectorType(f.dataType)).map((f) => f.name);
      throw new ExprError(
        name === DYNAMIC_FIELD
          ? `$meta at position ${pos}: this collection has no dynamic field (enableDynamicField is off)`
          : `unknown field ${quote(name)} at position ${pos} (fields: ${known.join(', ') || 'none'})`,
        pos,
      );
    }
    this.fields.add(DYNAMIC_FIELD);
    const path = name === DYNAMIC_FIELD ? [] : [name];
    return { k: 'read', field: DYNAMIC_FIELD, path, type: 'json', declared: 'JSON', label: name, pos };
  }

  private index(e: Extract<Expr, { kind: 'index' }>): Value {
    const target = this.value(e.target);
    if (target.k !== 'read') throw new ExprError(`only fields can be indexed, at position ${e.pos}`, e.pos);
    const label = `${target.label}[${JSON.stringify(e.key)}]`;
    if (target.type === 'json') {
      return { ...target, path: [...target.path, e.key], label };
    }
    if (target.type === 'array') {
      if (typeof e.key !== 'number') {
        throw new ExprError(`Array field ${quote(target.label)} takes an integer index, not the key ${JSON.stringify(e.key)} at position ${e.keyPos}`, e.keyPos);
      }
      const field = this.byName.get(target.field);
      return {
        ...target, path: [...target.path, e.key], type: target.elementType ?? 'json', elementType: undefined,
        declared: field?.elementType ?? 'JSON', label,
      };
    }
    throw new ExprError(`${describe(target)} cannot be indexed at position ${e.pos}; only JSON and Array fields can`, e.pos);
  }
}

/**
 * A string constant compared with a Timestamptz field, in the field's normal form (so
 * '2025-01-02T08:00:00+08:00' equals a stored '2025-01-02T00:00:00.000000Z'); other values as they are.
 */
function timeConstant(v: Value, other: Value): Value {
  if (v.k !== 'const' || typeof v.value !== 'string' || other.k !== 'read' || other.declared !== 'Timestamptz') return v;
  const t = normalizeTimestamptz(v.value);
  if ('error' in t) throw new ExprError(`Timestamptz field ${quote(other.label)} is compared with ${t.error}, at position ${v.pos}`, v.pos);
  return { ...v, value: t.value };
}

function exampleFor(v: Value): string {
  const label = v.k === 'read' ? v.label : 'x';
  return valueType(v) === 'string' ? `${label} == "abc"` : valueType(v) === 'array' ? `array_contains(${label}, 1)` : `${label} > 0`;
}

function kindName(e: Expr): string {
  const names: Record<string, string> = {
    number: 'number', string: 'string', bool: 'true/false', list: 'list', template: 'placeholder',
    identifier: 'name', index: 'JSON path', call: 'function call', negate: 'number', arith: 'number',
    compare: 'comparison', range: 'range', in: "'in' test", like: "'like' test", isNull: "'is null' test",
    not: 'condition', and: 'condition', or: 'condition',
  };
  return names[e.kind];
}
