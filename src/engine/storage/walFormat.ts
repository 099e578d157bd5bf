// The on-disk frame of a WAL file: a 16-byte header, then records, each
//   u32 payloadLength | u32 crc32(lengthBytes ++ payload) | payload
// Scanning stops at the first record that is cut short or fails its checksum; what the WAL does
// about it (truncate, keep a copy aside) is wal.ts's business.

import { crc32 } from './crc32';

export const WAL_MAGIC = Buffer.from('LOUPEWAL', 'ascii');
export const WAL_VERSION = 1;
export const WAL_HEADER_BYTES = 16;
export const RECORD_HEADER_BYTES = 8;

/** `wal-0000000007.log`: the sequence number orders the files of one collection's log. */
export function walFileName(seq: number): string {
  return `wal-${String(seq).padStart(10, '0')}.log`;
}

export function parseWalFileName(name: string): number | undefined {
  const m = /^wal-(\d{10,})\.log$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function walHeader(seq: number): Buffer {
  const h = Buffer.alloc(WAL_HEADER_BYTES);
  WAL_MAGIC.copy(h, 0);
  h.writeUInt32LE(WAL_VERSION, 8);
  h.writeUInt32LE(seq, 12);
  return h;
}

/** Length prefix + checksum + payload, ready to append. */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload, crc32(out.subarray(0, 4))), 4);
  out.set(payload, RECORD_HEADER_BYTES);
  return out;
}

export type HeaderCheck = { ok: true } | { ok: false; newerVersion?: number; detail: string };

export function checkHeader(buf: Buffer, seq: number): HeaderCheck {
  if (buf.length < WAL_HEADER_BYTES) return { ok: false, detail: `only ${buf.length} bytes, shorter than its header` };
  if (!buf.subarray(0, 8).equals(WAL_MAGIC)) return { ok: false, detail: 'it does not start with the Loupe WAL magic' };
  const version = buf.readUInt32LE(8);
  if (version > WAL_VERSION) return { ok: false, newerVersion: version, detail: `format ${version}` };
  if (version !== WAL_VERSION) return { ok: false, detail: `unknown format version ${version}` };
  const headerSeq = buf.readUInt32LE(12);
  if (headerSeq !== seq) return { ok: false, detail: `its header says sequence ${headerSeq}, its name ${seq}` };
  return { ok: true };
}

export interface ScanResult {
  /** Payloads of the intact records, in order (views into the file buffer). */
  payloads: Buffer[];
  /** Byte offset just after the last intact record. */
  validEnd: number;
  /** Why scanning stopped early, if it did. */
  damage?: { offset: number; kind: 'torn' | 'checksum' };
}

export function scanRecords(buf: Buffer): ScanResult {
  const payloads: Buffer[] = [];
  let pos = WAL_HEADER_BYTES;
  while (pos < buf.length) {
    if (pos + RECORD_HEADER_BYTES > buf.length) return { payloads, validEnd: pos, damage: { offset: pos, kind: 'torn' } };
    const len = buf.readUInt32LE(pos);
    const end = pos + RECORD_HEADER_BYTES + len;
    if (end > buf.length) return { payloads, validEnd: pos, damage: { offset: pos, kind: 'torn' } };
    const payload = buf.subarray(pos + RECORD_HEADER_BYTES, end);
    if (crc32(payload, crc32(buf.subarray(pos, pos + 4))) !== buf.readUInt32LE(pos + 4)) {
      return { payloads, validEnd: pos, damage: { offset: pos, kind: 'checksum' } };
    }
    payloads.push(payload);
    pos = end;
  }
  return { payloads, validEnd: pos };
}
