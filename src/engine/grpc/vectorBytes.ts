// The byte forms Milvus's gRPC gives dense vectors other than FloatVector (VectorField's
// binary_vector, float16_vector, bfloat16_vector, int8_vector; little-endian, rows back to back),
// to and from the row values the engine takes (see schema/denseVector.ts).

import { fromBfloat16Bits, fromHalfBits, toBfloat16Bits, toHalfBits } from '../schema/denseVector';
import type { DenseVectorType } from '../schema/types';

/** Bytes per row of `dim` for each wire key (binary_vector packs 8 dimensions a byte). */
function rowBytes(key: string, dim: number): number | undefined {
  switch (key) {
    case 'binary_vector': return dim / 8;
    case 'float16_vector': case 'bfloat16_vector': return dim * 2;
    case 'int8_vector': return dim;
    default: return undefined;
  }
}

/** Rows of a byte-form vector column (binary: bytes 0..255; others: numbers), or what is wrong. */
export function denseFromBytes(key: string, bytes: Uint8Array, dim: number): number[][] | string {
  const per = rowBytes(key, dim);
  if (per === undefined) return `${key} is not a vector type Loupe stores`;
  if (!(per > 0) || !Number.isInteger(per) || bytes.byteLength % per !== 0) {
    return `${bytes.byteLength} bytes of ${key} do not split into rows of dim ${dim} (${per} bytes a row)`;
  }
  return decodeRows(key, bytes, per);
}

function decodeRows(key: string, bytes: Uint8Array, per: number): number[][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[][] = [];
  for (let o = 0; o < bytes.byteLength; o += per) {
    const row: number[] = [];
    if (key === 'binary_vector') for (let j = 0; j < per; j++) row.push(bytes[o + j]);
    else if (key === 'int8_vector') for (let j = 0; j < per; j++) row.push(view.getInt8(o + j));
    else {
      const from = key === 'float16_vector' ? fromHalfBits : fromBfloat16Bits;
      for (let j = 0; j < per; j += 2) row.push(from(view.getUint16(o + j, true)));
    }
    out.push(row);
  }
  return out;
}

/** One query vector from a PlaceholderValue of the given placeholder type, as the engine takes it. */
export function queryFromBytes(type: string, b: Uint8Array): number[] | undefined {
  const key: Record<string, string> = { BinaryVector: 'binary_vector', Float16Vector: 'float16_vector', BFloat16Vector: 'bfloat16_vector', Int8Vector: 'int8_vector' };
  if (type === 'FloatVector') return Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
  const k = key[type];
  if (!k) return undefined;
  return decodeRows(k, b, b.byteLength)[0] ?? [];
}

/** The VectorField key and payload for stored rows (in their wire form) of a dense type. */
export function denseToWire(type: DenseVectorType, rows: Array<ArrayLike<number>>): [string, unknown] {
  if (type === 'FloatVector') {
    const data: number[] = [];
    for (const r of rows) for (let i = 0; i < r.length; i++) data.push(r[i]);
    return ['float_vector', { data }];
  }
  if (type === 'BinaryVector') return ['binary_vector', Buffer.from(rows.flatMap((r) => Array.from(r)))];
  if (type === 'Int8Vector') return ['int8_vector', Buffer.from(Int8Array.from(rows.flatMap((r) => Array.from(r))).buffer)];
  const to = type === 'Float16Vector' ? toHalfBits : toBfloat16Bits;
  const total = rows.reduce((s, r) => s + r.length, 0);
  const buf = Buffer.alloc(total * 2);
  let o = 0;
  for (const r of rows) for (let i = 0; i < r.length; i++, o += 2) buf.writeUInt16LE(to(r[i]), o);
  return [type === 'Float16Vector' ? 'float16_vector' : 'bfloat16_vector', buf];
}
