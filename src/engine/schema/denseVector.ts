// Dense vector types and how the engine keeps them: every one as a float32 row of `dim` numbers,
// so storage, indexes and the WAL need one form only.
//   FloatVector     numbers                 → as given
//   Float16Vector   numbers                 → rounded to the nearest IEEE half (|x| ≤ 65504)
//   BFloat16Vector  numbers                 → rounded to the nearest bfloat16
//   Int8Vector      integers -128..127      → as given
//   BinaryVector    dim/8 bytes (0..255)    → dim bits as 0/1, most significant bit first, so
//                   HAMMING is the squared L2 distance of the rows and JACCARD is 1 − a·b/(|a|+|b|−a·b)
// A row reads back in its wire form (bytes for BinaryVector, numbers otherwise).

import { invalid } from '../errors';
import type { DenseVectorType, FieldSchema } from './types';

const FLOAT32_MAX = 3.4028234663852886e38;
const HALF_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits of x (round to nearest even); x must be finite and |x| ≤ 65504. */
export function toHalfBits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1)) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half);
}

export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits of x: the top half of its float32, rounded to nearest even. */
export function toBfloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

export function fromBfloat16Bits(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  return typeof v === 'number' ? String(v) : typeof v;
}

function isNumberList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

/**
 * Checks one row's vector and writes its float32 form at `into[base .. base+dim)`.
 * Throws naming `where` (row and field) and the element at fault.
 */
export function writeDenseVector(f: FieldSchema, value: unknown, into: Float32Array, base: number, where: string): void {
  const dim = f.dim as number;
  const type = f.dataType as DenseVectorType;
  if (type === 'BinaryVector') {
    const bytes = dim / 8;
    if (!isNumberList(value)) throw invalid(`${where}: expected a binary vector of ${bytes} bytes (dim ${dim}), got ${describe(value)}`);
    if (value.length !== bytes) throw invalid(`${where}: expected ${bytes} bytes for a binary vector of dim ${dim}, got ${value.length}`);
    for (let j = 0; j < bytes; j++) {
      const x = value[j];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) {
        throw invalid(`${where}: byte ${j} is ${describe(x)}; binary vectors hold bytes 0..255`);
      }
      for (let bit = 0; bit < 8; bit++) into[base + j * 8 + bit] = (x >> (7 - bit)) & 1;
    }
    return;
  }
  if (!isNumberList(value)) throw invalid(`${where}: expected a ${type} of dim ${dim}, got ${describe(value)}`);
  if (value.length !== dim) throw invalid(`${where}: expected dim ${dim}, got ${value.length}`);
  for (let j = 0; j < dim; j++) {
    const x = value[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw invalid(`${where}: element ${j} is ${describe(x)}; ${type} elements must be finite numbers`);
    }
    switch (type) {
      case 'FloatVector':
        if (Math.abs(x) > FLOAT32_MAX) throw invalid(`${where}: element ${j} is ${x}, out of range for float32`);
        into[base + j] = x;
        break;
      case 'Float16Vector':
        if (Math.abs(x) > HALF_MAX) throw invalid(`${where}: element ${j} is ${x}, out of range for float16 (|x| ≤ ${HALF_MAX})`);
        into[base + j] = fromHalfBits(toHalfBits(x));
        break;
      case 'BFloat16Vector': {
        const y = fromBfloat16Bits(toBfloat16Bits(x));
        if (!Number.isFinite(y)) throw invalid(`${where}: element ${j} is ${x}, out of range for bfloat16`);
        into[base + j] = y;
        break;
      }
      case 'Int8Vector':
        if (!Number.isInteger(x) || x < -128 || x > 127) throw invalid(`${where}: element ${j} is ${x}; Int8Vector elements are integers -128..127`);
        into[base + j] = x;
        break;
    }
  }
}

/** The metrics a dense vector type can be searched with (Milvus's pairs). */
export function metricsFor(type: DenseVectorType): readonly string[] {
  return type === 'BinaryVector' ? ['HAMMING', 'JACCARD'] : ['L2', 'IP', 'COSINE'];
}

/** The metric a field is searched with before it has an index (Milvus's defaults). */
export function defaultMetricFor(type: DenseVectorType): 'COSINE' | 'HAMMING' {
  return type === 'BinaryVector' ? 'HAMMING' : 'COSINE';
}

/** Throws unless `metric` suits the field's vector type. */
export function checkMetricFor(f: FieldSchema, metric: string, where: string): void {
  const ok = metricsFor(f.dataType as DenseVectorType);
  if (!ok.includes(metric)) throw invalid(`${where}: metric ${metric} does not apply to ${f.dataType} field "${f.name}" (use ${ok.join(', ')})`);
}

/** A stored row (dim float32s) back in its wire form. */
export function readDenseVector(type: DenseVectorType, row: ArrayLike<number>): number[] {
  if (type !== 'BinaryVector') return Array.from(row);
  const out = new Array<number>(row.length >> 3).fill(0);
  for (let i = 0; i < row.length; i++) if (row[i]) out[i >> 3] |= 1 << (7 - (i & 7));
  return out;
}
