// Milvus's gRPC carries rows as columns (`FieldData`: one typed array per field, vectors
// flattened, JSON as bytes, nulls in `valid_data`); Loupe's engine and REST routes take rows.
// These two functions turn one into the other, naming the field and row of anything malformed.

import type { CollectionSchema, DenseVectorType, FieldSchema, Row } from '../schema/types';
import { DYNAMIC_FIELD, isDenseVectorType } from '../schema/types';
import { formatTimestamptz } from '../schema/timestamptz';
import { toInt64 } from '../schema/int64';
import { denseFromBytes, denseToWire } from './vectorBytes';
import { RestCode, RestError } from '../rest/wire';

/** A FieldData message as grpc-js hands it over or takes it (snake_case, int64 as string). */
export interface WireFieldData {
  type?: string;
  field_name: string;
  is_dynamic?: boolean;
  valid_data?: boolean[];
  scalars?: Record<string, unknown> | null;
  vectors?: {
    dim?: string | number;
    float_vector?: { data: number[] } | null;
    sparse_float_vector?: { dim?: string | number; contents: Uint8Array[] } | null;
    [k: string]: unknown;
  } | null;
}

const SCALAR_KEY: Record<string, string> = {
  Bool: 'bool_data',
  Int8: 'int_data',
  Int16: 'int_data',
  Int32: 'int_data',
  Int64: 'long_data',
  Float: 'float_data',
  Double: 'double_data',
  VarChar: 'string_data',
  JSON: 'json_data',
  Array: 'array_data',
  // The SDK sends Timestamptz as ISO text in string_data (Milvus answers the same way); a client
  // may also send timestamptz_data (int64 microseconds, UTC), read below.
  Timestamptz: 'string_data',
  Geometry: 'geometry_wkt_data',
};
/** Input-only keys, besides SCALAR_KEY's. */
const EXTRA_INPUT_KEYS = ['timestamptz_data', 'geometry_data'];

function bad(field: string, what: string): RestError {
  return new RestError(RestCode.InvalidInsertData, `fail to deal the insert data: field "${field}": ${what}`);
}

/** `n` rows from the columns of an insert or upsert; dynamic keys come out of `$meta` into the row. */
export function rowsFromColumns(columns: WireFieldData[], numRows: number): Row[] {
  const rows: Row[] = Array.from({ length: numRows }, () => ({}));
  for (const col of columns) {
    const values = columnValues(col, numRows);
    if (col.is_dynamic || col.field_name === DYNAMIC_FIELD) {
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        if (typeof v !== 'object' || Array.isArray(v)) throw bad(col.field_name, `row ${i}: the dynamic field must hold a JSON object`);
        Object.assign(rows[i], v);
      });
      continue;
    }
    values.forEach((v, i) => {
      if (v !== undefined) rows[i][col.field_name] = v;
    });
  }
  return rows;
}

function columnValues(col: WireFieldData, numRows: number): unknown[] {
  let dense: unknown[];
  if (col.vectors) dense = vectorValues(col);
  else if (col.scalars) dense = scalarValues(col.field_name, col.scalars);
  else throw bad(col.field_name, 'neither scalars nor vectors are set');
  const valid = col.valid_data ?? [];
  if (valid.length === 0) {
    if (dense.length !== numRows) throw bad(col.field_name, `has ${dense.length} values for ${numRows} rows`);
    return dense;
  }
  if (valid.length !== numRows) throw bad(col.field_name, `valid_data has ${valid.length} flags for ${numRows} rows`);
  // Inserts send only the valid values (compact); accept the row-dense form too.
  if (dense.length === numRows) return dense.map((v, i) => (valid[i] ? v : null));
  let next = 0;
  const out = valid.map((ok) => (ok ? dense[next++] : null));
  if (next !== dense.length) throw bad(col.field_name, `has ${dense.length} values for ${next} valid rows`);
  return out;
}

function scalarValues(field: string, scalars: Record<string, unknown>): unknown[] {
  const key = [...Object.values(SCALAR_KEY), ...EXTRA_INPUT_KEYS].find((k) => scalars[k]);
  if (!key) throw bad(field, 'no scalar data of a type Loupe stores (bool, int, long, float, double, string, json, array, timestamptz, geometry_wkt)');
  const data = (scalars[key] as { data?: unknown[] }).data ?? [];
  switch (key) {
    case 'long_data':
      return data.map((v, i) => int64Of(field, i, v));
    case 'timestamptz_data':
      return data.map((v, i) => formatTimestamptz(safeInt64Of(field, i, v)));
    case 'geometry_data':
      throw bad(field, 'geometry as WKB (geometry_data) is not read by Loupe; send WKT in geometry_wkt_data');
    case 'json_data':
      return data.map((b, i) => {
        const text = Buffer.from(b as Uint8Array).toString('utf8');
        if (text === '') return null;
        try {
          return JSON.parse(text) as unknown;
        } catch (e) {
          throw bad(field, `row ${i}: not JSON: ${(e as Error).message}`);
        }
      });
    case 'array_data':
      return data.map((el, i) => {
        const inner = el as Record<string, unknown> | null;
        if (!inner) return [];
        const k = Object.values(SCALAR_KEY).find((c) => inner[c] && c !== 'array_data' && c !== 'json_data');
        if (!k) return [];
        const vals = (inner[k] as { data?: unknown[] }).data ?? [];
        return k === 'long_data' ? vals.map((v) => int64Of(`${field}[${i}]`, i, v)) : vals;
      });
    default:
      return data;
  }
}

/** int64 travels as a string (the SDK's `longs: String`); Loupe keeps it exact (schema/int64.ts). */
function int64Of(field: string, row: number, v: unknown): number | bigint {
  const n = toInt64(v);
  if (typeof n === 'string') throw bad(field, `row ${row}: ${n}`);
  return n;
}

function safeInt64Of(field: string, row: number, v: unknown): number {
  const n = int64Of(field, row, v);
  if (typeof n === 'bigint') throw bad(field, `row ${row}: ${n} is beyond 2^53, which a Timestamptz cannot be`);
  return n;
}

function vectorValues(col: WireFieldData): unknown[] {
  const v = col.vectors!;
  if (v.float_vector) {
    const dim = Number(v.dim);
    const flat = v.float_vector.data ?? [];
    if (!(dim > 0) || flat.length % dim !== 0) throw bad(col.field_name, `${flat.length} floats do not split into vectors of dim ${v.dim}`);
    const out: number[][] = [];
    for (let i = 0; i < flat.length; i += dim) out.push(flat.slice(i, i + dim));
    return out;
  }
  if (v.sparse_float_vector) return v.sparse_float_vector.contents.map((b) => sparseFromBytes(b));
  const kind = Object.keys(v).find((k) => k !== 'dim' && k !== 'data' && v[k]);
  const bytes = kind ? v[kind] : undefined;
  if (kind && bytes instanceof Uint8Array) {
    const rows = denseFromBytes(kind, bytes, Number(v.dim));
    if (typeof rows === 'string') throw bad(col.field_name, rows);
    return rows;
  }
  throw bad(col.field_name, `${kind ?? 'this vector type'} is not stored by Loupe`);
}

/** Milvus's sparse row bytes: (uint32 index, float32 value) pairs, little-endian. */
export function sparseFromBytes(bytes: Uint8Array): Record<number, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<number, number> = {};
  for (let o = 0; o + 8 <= bytes.byteLength; o += 8) out[view.getUint32(o, true)] = view.getFloat32(o + 4, true);
  return out;
}

export function sparseToBytes(row: Record<number, number>): Buffer {
  const keys = Object.keys(row).map(Number).sort((a, b) => a - b);
  const buf = Buffer.alloc(keys.length * 8);
  keys.forEach((k, i) => {
    buf.writeUInt32LE(k, i * 8);
    buf.writeFloatLE(row[k], i * 8 + 4);
  });
  return buf;
}

/**
 * Rows (from a query or a search's entities) as columns for `names`; keys that are not schema
 * fields go into the `$meta` JSON column as Milvus returns dynamic fields.
 */
export function columnsFromRows(schema: CollectionSchema, rows: Row[], names: string[]): WireFieldData[] {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const cols: WireFieldData[] = [];
  const dynamicKeys = new Set<string>();
  for (const name of names) {
    const f = byName.get(name);
    if (f) cols.push(column(f, rows));
    else if (name !== DYNAMIC_FIELD) dynamicKeys.add(name);
  }
  if (schema.enableDynamicField && (dynamicKeys.size || names.includes(DYNAMIC_FIELD))) {
    const meta = rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (!byName.has(k) && (names.includes(DYNAMIC_FIELD) || dynamicKeys.has(k))) o[k] = v;
      return Buffer.from(JSON.stringify(o));
    });
    cols.push({ type: 'JSON', field_name: DYNAMIC_FIELD, is_dynamic: true, scalars: { json_data: { data: meta } }, valid_data: [] });
  }
  return cols;
}

function column(f: FieldSchema, rows: Row[]): WireFieldData {
  const values = rows.map((r) => r[f.name]);
  const hasNull = values.some((v) => v === null || v === undefined);
  const valid_data = f.nullable || hasNull ? values.map((v) => v !== null && v !== undefined) : [];
  if (isDenseVectorType(f.dataType)) {
    const present = values.filter((v) => v) as Array<ArrayLike<number>>;
    const [key, data] = denseToWire(f.dataType as DenseVectorType, present);
    return { type: f.dataType, field_name: f.name, vectors: { dim: f.dim ?? 0, [key]: data }, valid_data };
  }
  if (f.dataType === 'SparseFloatVector') {
    const present = values.filter((v) => v) as Array<Record<number, number>>;
    const contents = present.map((v) => sparseToBytes(v));
    // The dim of a sparse column is one past its largest index, as Milvus reports it.
    const dim = present.reduce((m, v) => Math.max(m, ...Object.keys(v).map((k) => Number(k) + 1)), 0);
    return { type: f.dataType, field_name: f.name, vectors: { dim, sparse_float_vector: { dim, contents } }, valid_data };
  }
  const key = SCALAR_KEY[f.dataType];
  // Row-dense: a null is a zero value at its place, flagged in valid_data (what Milvus sends).
  const zero = f.dataType === 'Bool' ? false : ['VarChar', 'Timestamptz', 'Geometry'].includes(f.dataType) ? '' : 0;
  let data: unknown[];
  if (f.dataType === 'JSON') data = values.map((v) => Buffer.from(v === null || v === undefined ? '' : JSON.stringify(v)));
  else if (f.dataType === 'Array') {
    const elKey = SCALAR_KEY[f.elementType ?? 'Int64'];
    data = values.map((v) => ({ [elKey]: { data: (v as unknown[] | null) ?? [] } }));
  } else data = values.map((v) => (v === null || v === undefined ? zero : f.dataType === 'Int64' ? String(v) : v));
  const scalars: Record<string, unknown> = { [key]: f.dataType === 'Array' ? { data, element_type: f.elementType } : { data } };
  return { type: f.dataType, field_name: f.name, scalars, valid_data };
}

/**
 * The columns an answer carries for `asked` output fields: `*` is every stored field (vectors
 * included, BM25 outputs not) and the dynamic `$meta` column; other names stay as asked (a name
 * that is not a field is a dynamic key, answered inside `$meta`). The primary key comes first.
 */
export function outputColumns(schema: CollectionSchema, asked: string[]): string[] {
  const pk = (schema.fields.find((f) => f.isPrimary) as FieldSchema).name;
  const names = new Set<string>([pk]);
  for (const a of asked) {
    if (a !== '*') names.add(a);
    else {
      for (const f of schema.fields) if (!f.isFunctionOutput) names.add(f.name);
      if (schema.enableDynamicField) names.add(DYNAMIC_FIELD);
    }
  }
  return [...names];
}
