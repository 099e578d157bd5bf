// Checksums for files other code writes itself (hnswlib's writeIndex): computed by streaming, so a
// large index never has to sit in memory twice.

import { createReadStream } from 'node:fs';
import { crc32 } from './crc32';
import { corruptFile, storageError } from './storageError';

export interface FileChecksum {
  crc32: number;
  bytes: number;
}

export async function checksumFile(file: string): Promise<FileChecksum> {
  let crc = 0;
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      crc = crc32(chunk as Buffer, crc);
      bytes += (chunk as Buffer).length;
    }
  } catch (err) {
    throw storageError('reading', file, err);
  }
  return { crc32: crc, bytes };
}

/** Throws EngineError(StorageError) naming `file` if it is missing or differs from `expected`. */
export async function verifyFile(file: string, expected: FileChecksum): Promise<void> {
  const actual = await checksumFile(file);
  if (actual.bytes !== expected.bytes) {
    throw corruptFile(file, `it has ${actual.bytes} bytes, the manifest records ${expected.bytes} (truncated or replaced)`);
  }
  if (actual.crc32 !== expected.crc32) throw corruptFile(file, 'its checksum does not match the manifest');
}
