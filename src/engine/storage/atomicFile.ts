// Replace a file so that a crash at any moment leaves either the old content or the new, never a
// mix: write a temp file in the same folder, fsync it, rename it over the target, fsync the folder
// (so the rename itself survives power loss).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { storageError, errnoCode } from './storageError';

/** Temp files carry this marker so an opener can recognise and remove leftovers from a crash. */
export const TEMP_MARKER = '.tmp-';

/** fsync a directory so renames / creates / unlinks inside it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Windows cannot open or fsync a directory; its rename is already durable enough (NTFS log).
    const code = errnoCode(err);
    if (process.platform === 'win32' && (code === 'EPERM' || code === 'EISDIR' || code === 'EACCES')) return;
    throw storageError('syncing folder', dir, err);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes `data` to a new file (`wx`: it must not exist yet) and fsyncs it; no rename. */
export async function writeFileDurable(file: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeAndSync(file, data);
  } catch (err) {
    throw storageError('writing', file, err);
  }
}

/** Creates `file` exclusively, writes and fsyncs; on a failure after creating it, removes it. */
async function writeAndSync(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
    throw err;
  }
  await handle.close();
}

/**
 * Atomically replaces (or creates) `file` with `data`. On failure (disk full, permissions,
 * read-only file system) throws EngineError(StorageError) naming `file`; the old content is
 * untouched and the temp file removed.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `${path.basename(file)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeAndSync(temp, data);
  } catch (err) {
    throw storageError('writing', file, err);
  }
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw storageError('replacing', file, err);
  }
  await fsyncDir(dir);
}
