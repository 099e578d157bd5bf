// Turns a Node I/O failure into an EngineError a person can act on: what we were doing, which
// file, and what the system said in plain words.

import { EngineError, ErrorCode } from '../errors';

const HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large for this file system or process limit',
  EIO: 'the disk reported an I/O error',
  ENOENT: 'the file or folder does not exist',
  EMFILE: 'too many open files',
};

/** The errno code (`ENOSPC`, …) of a Node system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `doing` is a short verb phrase, e.g. "writing", "renaming to". */
export function storageError(doing: string, file: string, err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const code = errnoCode(err);
  const hint = code && HINTS[code] ? `${HINTS[code]} (${code})` : code ?? String((err as Error)?.message ?? err);
  return new EngineError(ErrorCode.StorageError, `storage: ${doing} ${file} failed: ${hint}`);
}

/** A file that exists but is not what it should be (bad magic, checksum, length). */
export function corruptFile(file: string, detail: string): EngineError {
  return new EngineError(ErrorCode.StorageError, `storage: ${file} is damaged: ${detail}`);
}

/** A file from a newer Loupe: refuse it rather than misread or "repair" it. */
export function newerFormat(file: string, found: number, supported: number): EngineError {
  return new EngineError(ErrorCode.StorageError,
    `storage: ${file} was written by a newer Loupe (format ${found}); this version reads format ${supported} — update Loupe`);
}
