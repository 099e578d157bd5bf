// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the checksum on every WAL record,
// segment, delta log and index file. Node ≥ 20.15 has a native zlib.crc32; older runtimes (and
// the tests, to check the two agree) use the slicing-by-8 table version below.

import * as zlib from 'node:zlib';

const POLY = 0xedb88320;

/** TABLES[k][b]: the CRC of byte b followed by k zero bytes (slicing-by-8). */
const TABLES: Uint32Array[] = buildTables();

function buildTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLY ^ (c >>> 1) : c >>> 1;
    tables[0][b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) {
      const prev = tables[k - 1][b];
      tables[k][b] = (tables[0][prev & 0xff] ^ (prev >>> 8)) >>> 0;
    }
  }
  return tables;
}

/**
 * Table-driven CRC-32 of `buf`. `seed` is the CRC of the bytes before `buf`, so
 * `crc32Table(b, crc32Table(a)) === crc32Table(a ++ b)` (streaming).
 */
export function crc32Table(buf: Uint8Array, seed = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~seed >>> 0;
  let i = 0;
  const n = buf.length;
  for (; i + 8 <= n; i += 8) {
    c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    c =
      t7[c & 0xff] ^
      t6[(c >>> 8) & 0xff] ^
      t5[(c >>> 16) & 0xff] ^
      t4[c >>> 24] ^
      t3[buf[i + 4]] ^
      t2[buf[i + 5]] ^
      t1[buf[i + 6]] ^
      t0[buf[i + 7]];
  }
  for (; i < n; i++) c = t0[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// zlib.crc32 arrived in Node 20.15 / 22.2; the d.ts has it, older runtimes do not.
const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

/** CRC-32 of `buf`, continuing from `seed` (the CRC of everything before it). */
export function crc32(buf: Uint8Array, seed = 0): number {
  // Node 20's zlib.crc32 returns 0, not the seed, for an empty view over an empty ArrayBuffer.
  if (buf.length === 0) return seed >>> 0;
  return nativeCrc32 ? nativeCrc32(buf, seed) >>> 0 : crc32Table(buf, seed);
}
