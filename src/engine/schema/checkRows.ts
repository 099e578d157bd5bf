// Every row is checked against the schema before anything is stored: a batch with one bad row is
// rejected whole, and the error names the row and the field.

import { invalid } from '../errors';
import type { PrimaryKey } from '../api';
import { type CollectionSchema, type FieldSchema, type Row, DYNAMIC_FIELD, isDenseVectorType } from './types';
import { writeDenseVector } from './denseVector';
import { normalizeTimestamptz } from './timestamptz';
import { toInt64 } from './int64';
import { checkSparseVector } from './sparseVector';
import { normalizeWkt } from './wkt';

/** A checked batch: scalar part of each row (pk, scalar fields, `$meta`) and packed vectors. */
export interface CheckedRows {
  rows: Row[];
  /** Dense vector field → n*dim floats, row-major (see denseVector.ts for each type's form). */
  vectors: Record<string, Float32Array>;
  pks: PrimaryKey[];
}

const INT_RANGE: Record<string, [number, number]> = {
  Int8: [-128, 127],
  Int16: [-32768, 32767],
  Int32: [-2147483648, 2147483647],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks and normalizes rows. `nextAutoId` yields ids for an autoId primary key.
 * Throws an EngineError naming `row N, field "f"` on the first problem found.
 */
export function checkRows(schema: CollectionSchema, input: unknown, nextAutoId: () => number, forUpsert = false): CheckedRows {
  if (!Array.isArray(input)) throw invalid('data must be an array of rows');
  if (input.length === 0) throw invalid('data is empty: nothing to insert');
  const n = input.length;
  const vectorFields = schema.fields.filter((f) => isDenseVectorType(f.dataType));
  const vectors: Record<string, Float32Array> = {};
  for (const f of vectorFields) vectors[f.name] = new Float32Array(n * (f.dim as number));
  const known = new Set(schema.fields.map((f) => f.name));
  const pkField = schema.fields.find((f) => f.isPrimary) as FieldSchema;
  const rows: Row[] = new Array(n);
  const pks: PrimaryKey[] = new Array(n);
  const seenPks = new Set<PrimaryKey>();

  for (let i = 0; i < n; i++) {
    const src = input[i] as unknown;
    if (src === null || typeof src !== 'object' || Array.isArray(src)) throw invalid(`row ${i}: must be an object`);
    const obj = src as Row;
    const out: Row = {};
    for (const f of schema.fields) {
      const where = `row ${i}, field "${f.name}"`;
      if (f.isFunctionOutput) {
        if (obj[f.name] !== undefined) throw invalid(`${where}: is computed by a function and must not be given`);
        continue;
      }
      if (f.isPrimary && f.autoId) {
        // Milvus rejects a given id under autoId for insert; upsert needs the id to find the row.
        if (forUpsert) {
          if (obj[f.name] === undefined) throw invalid(`${where}: upsert needs the primary key`);
          out[f.name] = checkValue(f, obj[f.name], where);
        } else {
          if (obj[f.name] !== undefined) throw invalid(`${where}: primary key is autoId; do not supply it`);
          out[f.name] = nextAutoId();
        }
        continue;
      }
      const value = obj[f.name];
      if (isDenseVectorType(f.dataType)) {
        writeDenseVector(f, value, vectors[f.name], i * (f.dim as number), where);
        continue;
      }
      if (value === undefined || value === null) {
        if (f.defaultValue !== undefined && f.defaultValue !== null) {
          out[f.name] = f.defaultValue;
        } else if (f.nullable) {
          out[f.name] = null;
        } else {
          throw invalid(`${where}: missing value (the field is not nullable and has no default)`);
        }
        continue;
      }
      out[f.name] = checkValue(f, value, where);
    }
    const pk = out[pkField.name] as PrimaryKey;
    if (seenPks.has(pk)) throw invalid(`row ${i}, field "${pkField.name}": primary key ${JSON.stringify(pk)} appears twice in the batch`);
    seenPks.add(pk);
    pks[i] = pk;

    const extra = Object.keys(obj).filter((k) => !known.has(k));
    if (extra.length > 0) {
      if (!schema.enableDynamicField) {
        throw invalid(`row ${i}: unknown field "${extra[0]}" (the collection has no dynamic field)`);
      }
      const meta: Record<string, unknown> = {};
      for (const k of extra) {
        if (k === DYNAMIC_FIELD) {
          const v = obj[k];
          if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(meta, v);
          else throw invalid(`row ${i}, field "${DYNAMIC_FIELD}": must be an object`);
          continue;
        }
        meta[k] = checkJson(obj[k], `row ${i}, dynamic field "${k}"`);
      }
      out[DYNAMIC_FIELD] = meta;
    } else if (schema.enableDynamicField) {
      out[DYNAMIC_FIELD] = {};
    }
    rows[i] = out;
  }
  return { rows, vectors, pks };
}

/** Checks one scalar value against its field; used for rows and for default values. */
export function checkValue(f: FieldSchema, value: unknown, where: string): unknown {
  switch (f.dataType) {
    case 'Bool':
      if (typeof value !== 'boolean') throw invalid(`${where}: expected Bool, got ${describe(value)}`);
      return value;
    case 'Int64': {
      const v = toInt64(value);
      if (typeof v === 'string') throw invalid(`${where}: expected Int64 (an integer), got ${describe(value)}: ${v}`);
      return v;
    }
    case 'Int8':
    case 'Int16':
    case 'Int32': {
      const [lo, hi] = INT_RANGE[f.dataType];
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw invalid(`${where}: expected ${f.dataType} (an integer), got ${describe(value)}`);
      }
      if (value < lo || value > hi) {
        throw invalid(`${where}: ${value} is out of range for ${f.dataType} [${lo}, ${hi}]`);
      }
      return value;
    }
    case 'Float':
    case 'Double':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw invalid(`${where}: expected a finite ${f.dataType}, got ${describe(value)}`);
      }
      if (f.dataType === 'Float' && Math.abs(value) > FLOAT32_MAX) {
        throw invalid(`${where}: ${value} is out of range for Float`);
      }
      return value;
    case 'VarChar': {
      if (typeof value !== 'string') throw invalid(`${where}: expected VarChar (a string), got ${describe(value)}`);
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > (f.maxLength as number)) {
        throw invalid(`${where}: string of ${bytes} bytes exceeds max_length ${f.maxLength}`);
      }
      return value;
    }
    case 'JSON':
      return checkJson(value, where);
    case 'SparseFloatVector':
      return checkSparseVector(value, where);
    case 'Timestamptz': {
      if (typeof value !== 'string') throw invalid(`${where}: expected Timestamptz (ISO-8601 text), got ${describe(value)}`);
      const t = normalizeTimestamptz(value);
      if ('error' in t) throw invalid(`${where}: ${t.error}`);
      return t.value;
    }
    case 'Geometry': {
      if (typeof value !== 'string') throw invalid(`${where}: expected Geometry (WKT text), got ${describe(value)}`);
      const g = normalizeWkt(value);
      if ('error' in g) throw invalid(`${where}: ${g.error}`);
      return g.value;
    }
    case 'Array': {
      if (!Array.isArray(value)) throw invalid(`${where}: expected Array, got ${describe(value)}`);
      if (value.length > (f.maxCapacity as number)) {
        throw invalid(`${where}: ${value.length} elements exceed max_capacity ${f.maxCapacity}`);
      }
      const el: FieldSchema = { name: f.name, dataType: f.elementType as FieldSchema['dataType'], maxLength: f.maxLength };
      return value.map((v, j) => {
        if (v === null || v === undefined) throw invalid(`${where}: element ${j} is null`);
        return checkValue(el, v, `${where}, element ${j}`);
      });
    }
    default:
      throw invalid(`${where}: cannot store a value in a ${f.dataType} field here`);
  }
}

const MAX_JSON_DEPTH = 64;

function checkJson(value: unknown, where: string, depth = 0): unknown {
  if (depth > MAX_JSON_DEPTH) throw invalid(`${where}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(`${where}: JSON numbers must be finite, got ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => checkJson(v, where, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = checkJson(v, where, depth + 1);
    return out;
  }
  throw invalid(`${where}: ${describe(value)} is not JSON`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v;
}
