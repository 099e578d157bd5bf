// The binary form of one write operation in the WAL. Scalars (including the primary key and
// '$meta') travel as JSON; vectors as raw little-endian float32 blocks, so 10k × 384-dim rows are
// a memcpy, not 3.8M numbers through JSON.
//
// Payload layout (all integers little-endian u32 unless noted):
//   u8 type (1 insert, 2 upsert, 3 delete), 3 reserved bytes
//   insert/upsert: rowCount, jsonLen, json(rows), fieldCount,
//                  per field: nameLen, name, pad to 4, floatCount, float32 × floatCount
//   delete:        jsonLen, json(pks)

import { endianness } from 'node:os';
import { EngineError, ErrorCode } from '../errors';
import type { Row } from '../schema/types';
import { parseRows, stringifyRows } from './int64Json';

export type WalOp =
  /** rows = scalar part incl. pk and '$meta'; vectors[field] = rows.length × dim floats. */
  | { type: 'insert'; rows: Row[]; vectors: Record<string, Float32Array> }
  /** Delete-then-insert by primary key, applied atomically. */
  | { type: 'upsert'; rows: Row[]; vectors: Record<string, Float32Array> }
  | { type: 'delete'; pks: Array<number | bigint | string> };

const TYPE_CODE = { insert: 1, upsert: 2, delete: 3 } as const;
const LITTLE_ENDIAN = endianness() === 'LE';

function malformed(detail: string): EngineError {
  return new EngineError(ErrorCode.StorageError, `storage: WAL record is malformed: ${detail}`);
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Encodes one operation as a self-contained payload (the WAL adds length and checksum). */
export function encodeWalOp(op: WalOp): Buffer {
  if (op.type === 'delete') {
    const json = Buffer.from(stringifyRows(op.pks), 'utf8');
    const out = Buffer.allocUnsafe(8 + json.length);
    out.writeUInt32LE(TYPE_CODE.delete, 0);
    out.writeUInt32LE(json.length, 4);
    json.copy(out, 8);
    return out;
  }
  const json = Buffer.from(stringifyRows(op.rows), 'utf8');
  const fields = Object.entries(op.vectors).map(([name, data]) => {
    if (!(data instanceof Float32Array)) throw malformed(`vectors of field "${name}" must be a Float32Array`);
    if (op.rows.length > 0 ? data.length % op.rows.length !== 0 : data.length !== 0) {
      throw malformed(`field "${name}" has ${data.length} floats, not a multiple of ${op.rows.length} rows`);
    }
    return { name: Buffer.from(name, 'utf8'), data };
  });
  let size = 12 + pad4(json.length) + 4;
  for (const f of fields) size += 4 + pad4(f.name.length) + 4 + f.data.byteLength;
  const out = Buffer.alloc(size); // zeroed: padding bytes must be deterministic for the checksum
  out.writeUInt32LE(TYPE_CODE[op.type], 0);
  out.writeUInt32LE(op.rows.length, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let pos = 12 + pad4(json.length);
  out.writeUInt32LE(fields.length, pos);
  pos += 4;
  for (const f of fields) {
    out.writeUInt32LE(f.name.length, pos);
    f.name.copy(out, pos + 4);
    pos += 4 + pad4(f.name.length);
    out.writeUInt32LE(f.data.length, pos);
    pos += 4;
    writeFloats(out, pos, f.data);
    pos += f.data.byteLength;
  }
  return out;
}

/** Decodes a payload made by encodeWalOp; throws EngineError(StorageError) if it is malformed. */
export function decodeWalOp(buf: Buffer): WalOp {
  const r = new Reader(buf);
  const code = r.u32();
  if (code === TYPE_CODE.delete) {
    const pks = r.json();
    if (!Array.isArray(pks)) throw malformed('delete record does not hold a list of primary keys');
    r.end();
    return { type: 'delete', pks: pks as Array<number | string> };
  }
  if (code !== TYPE_CODE.insert && code !== TYPE_CODE.upsert) throw malformed(`unknown operation type ${code}`);
  const rowCount = r.u32();
  const rows = r.json();
  if (!Array.isArray(rows) || rows.length !== rowCount) throw malformed(`expected ${rowCount} rows`);
  r.align4();
  const fieldCount = r.u32();
  const vectors: Record<string, Float32Array> = {};
  for (let i = 0; i < fieldCount; i++) {
    const name = r.bytes(r.u32()).toString('utf8');
    r.align4();
    const count = r.u32();
    vectors[name] = readFloats(r.bytes(count * 4));
  }
  r.end();
  return { type: code === TYPE_CODE.insert ? 'insert' : 'upsert', rows: rows as Row[], vectors };
}

/** Copies float32s into `out` at `pos` as little-endian bytes. */
export function writeFloats(out: Uint8Array, pos: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < data.length; i++) view.setFloat32(pos + i * 4, data[i], true);
}

/** A fresh, aligned Float32Array from little-endian bytes (a copy: the source may be unaligned). */
export function readFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A bounds-checked cursor over a payload. */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  json(): unknown {
    const text = this.bytes(this.u32()).toString('utf8');
    try {
      return parseRows(text);
    } catch {
      throw malformed('its JSON part does not parse');
    }
  }

  align4(): void {
    this.pos = pad4(this.pos);
  }

  end(): void {
    if (this.pos !== this.buf.length) throw malformed(`${this.buf.length - this.pos} unexpected trailing bytes`);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw malformed(`truncated at byte ${this.pos} (needs ${n} more)`);
  }
}
