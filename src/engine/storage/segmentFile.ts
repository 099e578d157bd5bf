// A sealed segment on disk: one binary, columnar, checksummed file per segment, written once
// (atomically) at flush and never modified; deletes go to its delta log.
//
// Layout:
//   "LOUPESEG" | u32 version | u32 directoryLength | directory (JSON) | pad to 8
//   body: one block per column part, each 8-byte aligned, offsets in the directory are
//         relative to the body start
//   trailer: u32 crc32(every byte before the trailer) | "LSEG"
// Column encodings: Bool → u8 per row; Int8/16/32 → typed arrays; Int64, Double → float64
// (exact while every INT64 value is a safe integer; a column holding a larger one, a bigint, is
// int64 instead); Float → float32 when every value is exactly a float32, else float64 (so a value reads back as it was written); VarChar → u32
// offsets[n+1] + UTF-8 bytes, and so Geometry (its WKT); Timestamptz → float64 microseconds since
// the epoch (UTC; exact, as |µs| < 2^53 for years 1..9999); JSON, Array, sparse vectors and '$meta'
// → UTF-8 JSON. A column with any null gets a null bitmap (bit set = null). Dense vectors → raw
// float32 (every dense type is kept as float32 rows, see schema/denseVector.ts).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { endianness } from 'node:os';
import { EngineError, ErrorCode } from '../errors';
import { primaryField, type CollectionSchema, type DataType } from '../schema/types';
import { formatTimestamptz, timestamptzMicros } from '../schema/timestamptz';
import { toInt64 } from '../schema/int64';
import { parseRows, stringifyRows } from './int64Json';
import { crc32 } from './crc32';
import { writeFileAtomic } from './atomicFile';
import { corruptFile, newerFormat, storageError } from './storageError';
import { readFloats, writeFloats } from './walRecord';

export interface SegmentData {
  id: number;
  rowCount: number;
  /** Primary key column. */
  pks: Array<number | bigint | string>;
  /** Scalar fields incl. '$meta'; null (or undefined) marks a null. */
  columns: Record<string, unknown[]>;
  /** Per FloatVector field, rowCount × dim floats. */
  vectors: Record<string, Float32Array>;
  dims: Record<string, number>;
}

export interface SegmentFileInfo {
  /** File name, relative to the segment folder. */
  file: string;
  bytes: number;
  /** crc32 of the whole file. */
  crc32: number;
}

export const SEGMENT_VERSION = 1;
const MAGIC = Buffer.from('LOUPESEG', 'ascii');
const TRAILER_MAGIC = Buffer.from('LSEG', 'ascii');
const LITTLE_ENDIAN = endianness() === 'LE';

type Encoding = 'bool' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64' | 'utf8' | 'json' | 'tsz' | 'i64';
interface Block { offset: number; length: number }
interface ColumnEntry { name: string; encoding: Encoding; data: Block; offsets?: Block; nulls?: Block }
interface VectorEntry { name: string; dim: number; data: Block }
interface Directory { id: number; rowCount: number; pk: ColumnEntry; columns: ColumnEntry[]; vectors: VectorEntry[] }

export function segmentFileName(id: number): string {
  return `segment-${String(id).padStart(6, '0')}.seg`;
}

const pad8 = (n: number): number => (n + 7) & ~7;
const INT_RANGE: Partial<Record<Encoding, [number, number]>> = {
  i8: [-128, 127], i16: [-32768, 32767], i32: [-2147483648, 2147483647],
};
type NumberArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
const TYPED: Record<'i8' | 'i16' | 'i32' | 'f32' | 'f64', new (n: number) => NumberArray> = {
  i8: Int8Array, i16: Int16Array, i32: Int32Array, f32: Float32Array, f64: Float64Array,
};

function encodingFor(type: DataType | undefined, values: unknown[]): Encoding {
  switch (type) {
    case 'Bool': return 'bool';
    case 'Int8': return 'i8';
    case 'Int16': return 'i16';
    case 'Int32': return 'i32';
    // Int64 beyond 2^53 is a bigint (schema/int64.ts): then the column is exact int64s.
    case 'Int64': return values.some((v) => typeof v === 'bigint') ? 'i64' : 'f64';
    case 'Double': return 'f64';
    case 'Float': return values.every((v) => v == null || (typeof v === 'number' && Math.fround(v) === v)) ? 'f32' : 'f64';
    case 'VarChar': case 'Geometry': return 'utf8';
    case 'Timestamptz': return 'tsz';
    default: return 'json'; // JSON, Array, SparseFloatVector, '$meta', fields the schema does not name
  }
}

/** Encodes one column into body parts; `where` names the segment for error messages. */
function encodeColumn(name: string, encoding: Encoding, values: unknown[], where: string): { entry: Omit<ColumnEntry, 'data' | 'offsets' | 'nulls'>; parts: Record<'data' | 'offsets' | 'nulls', Uint8Array | undefined> } {
  const n = values.length;
  let nulls: Uint8Array | undefined;
  const isNull = (i: number): boolean => {
    if (values[i] != null) return false;
    nulls ??= new Uint8Array((n + 7) >> 3);
    nulls[i >> 3] |= 1 << (i & 7);
    return true;
  };
  const bad = (i: number, expected: string): EngineError =>
    new EngineError(ErrorCode.InvalidParameter, `${where}: field "${name}" row ${i}: expected ${expected}, got ${JSON.stringify(values[i])}`);
  if (encoding === 'bool') {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (isNull(i)) continue;
      if (typeof values[i] !== 'boolean') throw bad(i, 'a boolean');
      data[i] = values[i] ? 1 : 0;
    }
    return { entry: { name, encoding }, parts: { data, offsets: undefined, nulls } };
  }
  if (encoding === 'utf8' || encoding === 'json') {
    const offsets = new Uint32Array(n + 1);
    const chunks: Buffer[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!isNull(i)) {
        if (encoding === 'utf8' && typeof values[i] !== 'string') throw bad(i, 'a string');
        const b = Buffer.from(encoding === 'utf8' ? (values[i] as string) : stringifyRows(values[i]), 'utf8');
        chunks.push(b);
        total += b.length;
      }
      offsets[i + 1] = total;
    }
    return { entry: { name, encoding }, parts: { data: Buffer.concat(chunks, total), offsets: u32Bytes(offsets), nulls } };
  }
  if (encoding === 'i64') {
    const arr = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      if (isNull(i)) continue;
      const v = values[i];
      if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isSafeInteger(v))) throw bad(i, 'an Int64');
      arr[i] = BigInt(v);
    }
    const bytes = new Uint8Array(arr.byteLength);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) view.setBigInt64(i * 8, arr[i], true);
    return { entry: { name, encoding }, parts: { data: bytes, offsets: undefined, nulls } };
  }
  if (encoding === 'tsz') {
    const arr = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (isNull(i)) continue;
      if (typeof values[i] !== 'string') throw bad(i, 'a Timestamptz string');
      arr[i] = timestamptzMicros(values[i] as string);
    }
    return { entry: { name, encoding }, parts: { data: numbersToBytes(arr), offsets: undefined, nulls } };
  }
  const Typed = TYPED[encoding];
  const arr = new Typed(n);
  const range = INT_RANGE[encoding];
  for (let i = 0; i < n; i++) {
    if (isNull(i)) continue;
    const v = values[i];
    if (typeof v !== 'number') throw bad(i, 'a number');
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) throw bad(i, `an integer in ${range[0]}..${range[1]}`);
    arr[i] = v;
  }
  return { entry: { name, encoding }, parts: { data: numbersToBytes(arr), offsets: undefined, nulls } };
}

function u32Bytes(a: Uint32Array): Uint8Array {
  return numbersToBytes(a);
}

/** Little-endian bytes of a typed array (a view on little-endian hosts). */
function numbersToBytes(a: NumberArray | Uint32Array): Uint8Array {
  const bytes = a.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN || bytes === 1) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (bytes === 2) view.setInt16(i * 2, a[i], true);
    else if (bytes === 8) view.setFloat64(i * 8, a[i], true);
    else if (a instanceof Float32Array) view.setFloat32(i * 4, a[i], true);
    else view.setUint32(i * 4, a[i], true);
  }
  return out;
}

/**
 * Writes segment `data.id` to `<dir>/segment-<id>.seg` atomically. `schema` chooses each
 * column's encoding. Throws EngineError naming the field and row for a value of the wrong type.
 */
export async function writeSegment(dir: string, data: SegmentData, schema: CollectionSchema): Promise<SegmentFileInfo> {
  const where = `segment ${data.id}`;
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new EngineError(ErrorCode.InvalidParameter, `${where}: ${what}`);
  };
  check(data.pks.length === data.rowCount, `has ${data.pks.length} primary keys for ${data.rowCount} rows`);
  const types = new Map(schema.fields.map((f) => [f.name, f.dataType]));
  const pkField = primaryField(schema);

  const parts: Uint8Array[] = [];
  let bodyLength = 0;
  const place = (bytes: Uint8Array | undefined): Block | undefined => {
    if (!bytes) return undefined;
    const block = { offset: bodyLength, length: bytes.length };
    parts.push(bytes);
    const padded = pad8(bytes.length);
    if (padded > bytes.length) parts.push(new Uint8Array(padded - bytes.length));
    bodyLength += padded;
    return block;
  };
  const column = (name: string, encoding: Encoding, values: unknown[]): ColumnEntry => {
    const { entry, parts: p } = encodeColumn(name, encoding, values, where);
    const data = place(p.data) as Block;
    return { ...entry, data, offsets: place(p.offsets), nulls: place(p.nulls) };
  };

  const pk = column(pkField.name, encodingFor(pkField.dataType, data.pks), data.pks);
  check(!pk.nulls, `primary key "${pkField.name}" has a null`);
  const columns = Object.entries(data.columns).map(([name, values]) => {
    check(values.length === data.rowCount, `column "${name}" has ${values.length} values for ${data.rowCount} rows`);
    return column(name, encodingFor(types.get(name), values), values);
  });
  const vectors = Object.entries(data.vectors).map(([name, v]): VectorEntry => {
    const dim = data.dims[name];
    check(Number.isInteger(dim) && dim > 0, `vector field "${name}" has no dimension in dims`);
    check(v instanceof Float32Array && v.length === data.rowCount * dim, `vector field "${name}" has ${v.length} floats, expected ${data.rowCount} rows × ${dim}`);
    const bytes = new Uint8Array(v.byteLength);
    writeFloats(bytes, 0, v);
    return { name, dim, data: place(bytes) as Block };
  });

  const directory: Directory = { id: data.id, rowCount: data.rowCount, pk, columns, vectors };
  const dirBytes = Buffer.from(JSON.stringify(directory), 'utf8');
  const bodyStart = pad8(16 + dirBytes.length);
  const out = Buffer.alloc(bodyStart + bodyLength + 8);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(SEGMENT_VERSION, 8);
  out.writeUInt32LE(dirBytes.length, 12);
  dirBytes.copy(out, 16);
  let pos = bodyStart;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  out.writeUInt32LE(crc32(out.subarray(0, pos)), pos);
  TRAILER_MAGIC.copy(out, pos + 4);

  const file = segmentFileName(data.id);
  await writeFileAtomic(path.join(dir, file), out);
  return { file, bytes: out.length, crc32: crc32(out) };
}

/**
 * Reads and verifies a segment written by writeSegment. A file that is missing, shorter or
 * longer than recorded, or fails its checksum gives EngineError(StorageError) naming its path.
 */
export async function readSegment(dir: string, info: SegmentFileInfo): Promise<SegmentData> {
  const file = path.join(dir, info.file);
  const buf = await fs.readFile(file).catch((err) => { throw storageError('reading segment', file, err); });
  if (buf.length !== info.bytes) throw corruptFile(file, `it has ${buf.length} bytes, the manifest records ${info.bytes} (truncated or replaced)`);
  if (crc32(buf) !== info.crc32) throw corruptFile(file, 'its checksum does not match the manifest');
  return decodeSegment(file, buf);
}

/** Parses a verified segment file; exported for tools that check a file without a manifest. */
export function decodeSegment(file: string, buf: Buffer): SegmentData {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(MAGIC)) throw corruptFile(file, 'it is not a Loupe segment file');
  const version = buf.readUInt32LE(8);
  if (version > SEGMENT_VERSION) {
    throw newerFormat(file, version, SEGMENT_VERSION);
  }
  const trailer = buf.length - 8;
  if (!buf.subarray(trailer + 4).equals(TRAILER_MAGIC) || crc32(buf.subarray(0, trailer)) !== buf.readUInt32LE(trailer)) {
    throw corruptFile(file, 'its checksum does not match its content');
  }
  const dirLength = buf.readUInt32LE(12);
  let directory: Directory;
  try {
    directory = JSON.parse(buf.toString('utf8', 16, 16 + dirLength)) as Directory;
  } catch {
    throw corruptFile(file, 'its directory does not parse');
  }
  const bodyStart = pad8(16 + dirLength);
  const block = (b: Block): Buffer => {
    if (b.offset < 0 || bodyStart + b.offset + b.length > trailer) throw corruptFile(file, 'a column lies outside the file');
    return buf.subarray(bodyStart + b.offset, bodyStart + b.offset + b.length);
  };
  const n = directory.rowCount;
  const readColumn = (c: ColumnEntry): unknown[] => decodeColumn(c, n, block);
  const columns: Record<string, unknown[]> = {};
  for (const c of directory.columns) columns[c.name] = readColumn(c);
  const vectors: Record<string, Float32Array> = {};
  const dims: Record<string, number> = {};
  for (const v of directory.vectors) {
    vectors[v.name] = readFloats(block(v.data));
    dims[v.name] = v.dim;
  }
  return { id: directory.id, rowCount: n, pks: readColumn(directory.pk) as Array<number | bigint | string>, columns, vectors, dims };
}

function decodeColumn(c: ColumnEntry, n: number, block: (b: Block) => Buffer): unknown[] {
  const nulls = c.nulls ? block(c.nulls) : undefined;
  const isNull = (i: number): boolean => nulls !== undefined && (nulls[i >> 3] & (1 << (i & 7))) !== 0;
  const data = block(c.data);
  const out = new Array<unknown>(n);
  if (c.encoding === 'utf8' || c.encoding === 'json') {
    const offsets = c.offsets ? block(c.offsets) : Buffer.alloc(0);
    for (let i = 0; i < n; i++) {
      if (isNull(i)) { out[i] = null; continue; }
      const text = data.toString('utf8', offsets.readUInt32LE(i * 4), offsets.readUInt32LE(i * 4 + 4));
      out[i] = c.encoding === 'json' ? parseRows(text) : text;
    }
    return out;
  }
  const read: (i: number) => unknown =
    c.encoding === 'bool' ? (i) => data[i] === 1
    : c.encoding === 'i8' ? (i) => data.readInt8(i)
    : c.encoding === 'i16' ? (i) => data.readInt16LE(i * 2)
    : c.encoding === 'i32' ? (i) => data.readInt32LE(i * 4)
    : c.encoding === 'f32' ? (i) => data.readFloatLE(i * 4)
    : c.encoding === 'tsz' ? (i) => formatTimestamptz(data.readDoubleLE(i * 8))
    : c.encoding === 'i64' ? (i) => toInt64(data.readBigInt64LE(i * 8)) // always in range: a number or a bigint
    : (i) => data.readDoubleLE(i * 8);
  for (let i = 0; i < n; i++) out[i] = isNull(i) ? null : read(i);
  return out;
}
