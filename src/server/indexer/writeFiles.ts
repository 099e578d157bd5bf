// Writing files into the store: a group of files chunked, embedded (reusing the stored vectors of
// chunks whose text did not change) and their rows replaced; or a file's rows deleted. The
// IndexedFiles view and the skip log are kept in step with every write.

import { chunkFileWithReport } from '../chunk';
import type { VectorStore } from '../store/vectorStore';
import { F, type ChunkModels } from './chunkSchema';
import { rowsForUnits, type EmbedCounters, type FileUnit, type UnitRows } from './chunkRows';
import type { IndexedFiles } from './indexedFiles';
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

/** Chunks, embeds and writes a group of files; a file that fails is skipped, not fatal. */
export async function writeFiles(t: WriteTarget, group: readonly FileToWrite[]): Promise<{ indexed: number; failed: number }> {
  const units: FileUnit[] = [];
  const skips = new Map<FileUnit, FileSkip>();
  let failed = 0;
  for (const f of group) {
    const result = await chunkFileWithReport({ absPath: f.absPath, relPath: f.relPath, folder: f.folder, bytes: f.bytes });
    const unit: FileUnit = { folder: f.folder, path: f.relPath, absPath: f.absPath, bytes: f.bytes, mtime: f.mtimeMs, size: f.size, hash: f.hash, chunks: result.chunks, reuse: new Map() };
    units.push(unit);
    if (result.skipped) skips.set(unit, { reason: protocolSkipReason(result.skipped.reason), message: result.skipped.message });
  }
  const vectorFields = [t.stored?.text ? F.textVector : '', t.stored?.image ? F.imageVector : ''].filter(Boolean);
  const old = await t.files.storedRows(t.store, units, vectorFields);
  for (const u of units) u.reuse = old.vectorsOf(u.folder, u.path);
  // Model calls for the whole group at once; if a text batch fails, retry file by file.
  let results: UnitRows[];
  try {
    results = await rowsForUnits(units, t.models, t.counters);
  } catch {
    results = [];
    for (const u of units) {
      results.push(await rowsForUnits([u], t.models, t.counters).then((r) => r[0], (err: Error) => ({ error: err.message })));
    }
  }
  const ids = old.ids();
  if (ids.length) await t.store.delete({ ids });
  for (const [i, u] of units.entries()) {
    const result = results[i];
    const rows = 'rows' in result ? result.rows : [];
    if ('error' in result) {
      failed++;
      skips.set(u, { reason: 'error', message: `could not be embedded (${result.error})` });
    }
    if (rows.length) await t.store.upsert(rows);
    const skip = skips.get(u);
    t.files.set(u.folder, u.path, u.hash, rows, skip);
    if (skip) t.skips.file(u, skip);
  }
  return { indexed: units.length - failed, failed };
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
