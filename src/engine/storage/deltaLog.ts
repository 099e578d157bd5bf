// Per-segment tombstones (Milvus's delta log): the sorted, de-duplicated row offsets deleted from
// a sealed segment, written atomically at flush under a fresh name each time, so the manifest
// always points at a complete file whose checksum it recorded. The caller deletes the previous
// delta file once the new manifest is written.
//
// Layout: "LOUPEDEL" | u32 version | u32 segmentId | u32 count | u32 reserved
//         | u32 offsets[count] | u32 crc32(every byte before it)

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { crc32 } from './crc32';
import { writeFileAtomic } from './atomicFile';
import { corruptFile, newerFormat, storageError } from './storageError';

export interface DeltaLogInfo {
  /** File name, relative to the segment folder. */
  file: string;
  /** crc32 of the whole file. */
  crc32: number;
  /** Number of deleted offsets. */
  count: number;
}

export const DELTA_VERSION = 1;
const MAGIC = Buffer.from('LOUPEDEL', 'ascii');
const HEADER = 24;

let generation = 0;

/** `segment-000003-<time><n>.delta`: unique per write, so a replaced delta log is a new file. */
function deltaFileName(segmentId: number): string {
  const stamp = `${Date.now().toString(36)}${(generation++ % 1296).toString(36).padStart(2, '0')}`;
  return `segment-${String(segmentId).padStart(6, '0')}-${stamp}.delta`;
}

/** Writes the deleted `offsets` of segment `segmentId` (any order, duplicates allowed). */
export async function writeDeltaLog(dir: string, segmentId: number, offsets: Uint32Array): Promise<DeltaLogInfo> {
  const sorted = Uint32Array.from(offsets).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i];
  const out = Buffer.alloc(HEADER + count * 4 + 4);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(DELTA_VERSION, 8);
  out.writeUInt32LE(segmentId, 12);
  out.writeUInt32LE(count, 16);
  for (let i = 0; i < count; i++) out.writeUInt32LE(sorted[i], HEADER + i * 4);
  out.writeUInt32LE(crc32(out.subarray(0, HEADER + count * 4)), HEADER + count * 4);
  const file = deltaFileName(segmentId);
  await writeFileAtomic(path.join(dir, file), out);
  return { file, crc32: crc32(out), count };
}

/** Reads a delta log, verifying it; damage gives EngineError(StorageError) naming the file. */
export async function readDeltaLog(dir: string, info: DeltaLogInfo): Promise<Uint32Array> {
  const file = path.join(dir, info.file);
  const buf = await fs.readFile(file).catch((err) => { throw storageError('reading delete log', file, err); });
  if (buf.length < HEADER + 4 || !buf.subarray(0, 8).equals(MAGIC)) throw corruptFile(file, 'it is not a Loupe delete log');
  const version = buf.readUInt32LE(8);
  if (version > DELTA_VERSION) {
    throw newerFormat(file, version, DELTA_VERSION);
  }
  const count = buf.readUInt32LE(16);
  if (buf.length !== HEADER + count * 4 + 4) throw corruptFile(file, `its length does not match its ${count} entries (truncated?)`);
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4) || crc32(buf) !== info.crc32) {
    throw corruptFile(file, 'its checksum does not match');
  }
  if (count !== info.count) throw corruptFile(file, `it holds ${count} deletes, the manifest records ${info.count}`);
  const offsets = new Uint32Array(count);
  for (let i = 0; i < count; i++) offsets[i] = buf.readUInt32LE(HEADER + i * 4);
  return offsets;
}
