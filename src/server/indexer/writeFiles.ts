// Writing files into the store, in three steps a full pass can overlap (indexPass.ts):
//   chunkFiles   — main thread: split each file into chunks;
//   embedFiles   — the worker pool: vectors for the chunks whose text is new (stored vectors of
//                  unchanged chunks are reused);
//   replaceRows  — the store: the files' old rows out, the new ones in.
// writeFiles does all three at once (an edit). The IndexedFiles view and the skip log are kept in
// step with every write.

import { chunkFileWithReport } from '../chunk';
import type { VectorStore } from '../store/vectorStore';
import { F, type ChunkModels } from './chunkSchema';
import { rowsForUnits, type EmbedCounters, type FileUnit, type UnitRows } from './chunkRows';
import type { IndexedFiles, StoredRows } from './indexedFiles';
import { protocolSkipReason, type FileSkip } from './indexState';
import type { IndexModels } from './models';
import type { SkipLog } from './skipLog';

export interface WriteTarget {
  store: VectorStore;
  files: IndexedFiles;
  models: IndexModels;
  counters: EmbedCounters;
  skips: SkipLog;
  /** The models the collection was built with: which vector fields to read back for reuse. */
  stored: ChunkModels | undefined;
}

export interface FileToWrite {
  folder: string;
  relPath: string;
  absPath: string;
  mtimeMs: number;
  size: number;
  bytes: Buffer;
  hash: string;
}

/** A file split into chunks; `skip` says why it will have no rows (the chunker gave up on it). */
export interface ChunkedFile {
  unit: FileUnit;
  skip?: FileSkip;
}

/** A chunked file with its rows (vectors attached), or why it could not be embedded. */
export interface EmbeddedFile extends ChunkedFile {
  result: UnitRows;
}

export interface EmbeddedGroup {
  files: EmbeddedFile[];
  /** The rows the files had when their vectors were looked up for reuse. */
  stored: StoredRows;
}

export interface WriteCounts {
  indexed: number;
  failed: number;
}

/** Rows per upsert: a group's rows in one or two requests, well under a Milvus message's size. */
const UPSERT_ROWS = 1024;

/** Chunks, embeds and writes a group of files; a file that fails is skipped, not fatal. */
export async function writeFiles(t: WriteTarget, group: readonly FileToWrite[]): Promise<WriteCounts> {
  const embedded = await embedFiles(t, await chunkFiles(group));
  return replaceRows(t, embedded.files, embedded.stored);
}

export async function chunkFiles(group: readonly FileToWrite[]): Promise<ChunkedFile[]> {
  const out: ChunkedFile[] = [];
  for (const f of group) {
    const result = await chunkFileWithReport({ absPath: f.absPath, relPath: f.relPath, folder: f.folder, bytes: f.bytes });
    const unit: FileUnit = { folder: f.folder, path: f.relPath, absPath: f.absPath, bytes: f.bytes, mtime: f.mtimeMs, size: f.size, hash: f.hash, chunks: result.chunks, reuse: new Map() };
    out.push(result.skipped ? { unit, skip: { reason: protocolSkipReason(result.skipped.reason), message: result.skipped.message } } : { unit });
  }
  return out;
}

/** Model calls for the whole group at once; if a text batch fails, retry file by file. */
export async function embedFiles(t: WriteTarget, files: readonly ChunkedFile[]): Promise<EmbeddedGroup> {
  const units = files.map((f) => f.unit);
  const vectorFields = [t.stored?.text ? F.textVector : '', t.stored?.image ? F.imageVector : ''].filter(Boolean);
  const stored = await t.files.storedRows(t.store, units, vectorFields);
  for (const u of units) u.reuse = stored.vectorsOf(u.folder, u.path);
  let results: UnitRows[];
  try {
    results = await rowsForUnits(units, t.models, t.counters);
  } catch {
    results = [];
    for (const u of units) {
      results.push(await rowsForUnits([u], t.models, t.counters).then((r) => r[0], (err: Error) => ({ error: err.message })));
    }
  }
  return { files: files.map((f, i) => ({ ...f, result: results[i] })), stored };
}

/**
 * Deletes the rows in `old` (what the files held, read after the last write to them) and writes
 * the files' new rows: few upserts, because each is a WAL fsync (embedded) or a round trip (Milvus).
 */
export async function replaceRows(t: WriteTarget, files: readonly EmbeddedFile[], old: StoredRows): Promise<WriteCounts> {
  const ids = old.ids();
  if (ids.length) await t.store.delete({ ids });
  const all = files.flatMap((f) => ('rows' in f.result ? f.result.rows : []));
  for (let start = 0; start < all.length; start += UPSERT_ROWS) await t.store.upsert(all.slice(start, start + UPSERT_ROWS));
  let failed = 0;
  for (const { unit: u, result, skip: chunkSkip } of files) {
    let skip = chunkSkip;
    if ('error' in result) {
      failed++;
      skip = { reason: 'error', message: `could not be embedded (${result.error})` };
    }
    t.files.set(u.folder, u.path, u.hash, 'rows' in result ? result.rows : [], skip);
    if (skip) t.skips.file(u, skip);
  }
  return { indexed: files.length - failed, failed };
}

export async function deleteFiles(t: WriteTarget, files: ReadonlyArray<{ folder: string; path: string }>): Promise<number> {
  if (files.length === 0) return 0;
  let n = 0;
  for (const f of files) {
    n += await t.store.delete({ filter: 'path == {path} and folder == {folder}', filterParams: { path: f.path, folder: f.folder } });
    t.files.remove(f.folder, f.path);
  }
  return n;
}
