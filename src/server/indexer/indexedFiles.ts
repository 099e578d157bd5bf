// Which files the index holds, with their file hash and row counts: the "in the index" side of
// the plan, and the numbers in the status. Loaded once from the collection, then kept in step
// with every write, so no status or plan needs a full scan of the rows.

import type { JsonValue, Row } from '../../engine/schema/types';
import type { StoreFilter, VectorStore } from '../store/vectorStore';
import type { StoredVectors } from './chunkRows';
import { F, type ChunkRow } from './chunkSchema';
import type { FileSkip } from './indexState';
import type { FileInIndex } from './plan';
import { fileKey } from './plan';

interface Entry {
  folder: string;
  path: string;
  fileHash: string;
  chunks: number;
  images: number;
  /** Why the file has no rows, when that is not simply "it is empty". */
  skip?: FileSkip;
}

export type RowlessFile = FileInIndex & { skip?: FileSkip };

/** Rows a group of files had before a rewrite: their ids, and vectors worth reusing. */
export interface StoredRows {
  ids(): string[];
  vectorsOf(folder: string, path: string): Map<string, StoredVectors>;
}

export class IndexedFiles {
  private readonly entries = new Map<string, Entry>();

  static empty(): IndexedFiles {
    return new IndexedFiles();
  }

  /** `rowless`: files known to have no rows (from the index state file). */
  static async load(store: VectorStore, rowless: readonly RowlessFile[] = []): Promise<IndexedFiles> {
    const files = new IndexedFiles();
    for (const f of rowless) files.entries.set(fileKey(f.folder, f.path), { ...f, chunks: 0, images: 0 });
    const rows = await queryAll(store, { filter: `${F.path} != ""` }, [F.path, F.folder, F.fileHash, F.kind]);
    for (const row of rows) {
      const k = fileKey(row[F.folder] as string, row[F.path] as string);
      let e = files.entries.get(k);
      if (!e || e.chunks === 0) {
        e = { folder: row[F.folder] as string, path: row[F.path] as string, fileHash: row[F.fileHash] as string, chunks: 0, images: 0 };
        files.entries.set(k, e);
      }
      // Rows with another hash (a write cut short) make the plan re-index the file.
      if (e.fileHash !== row[F.fileHash]) e.fileHash = '';
      e.chunks++;
      if (row[F.kind] === 'image') e.images++;
    }
    return files;
  }

  has(folder: string, path: string): boolean {
    return this.entries.has(fileKey(folder, path));
  }

  get(folder: string, path: string): Readonly<Entry> | undefined {
    return this.entries.get(fileKey(folder, path));
  }

  set(folder: string, path: string, fileHash: string, rows: readonly ChunkRow[], skip?: FileSkip): void {
    const images = rows.filter((r) => r.kind === 'image').length;
    this.entries.set(fileKey(folder, path), { folder, path, fileHash, chunks: rows.length, images, ...(skip ? { skip } : {}) });
  }

  remove(folder: string, path: string): void {
    this.entries.delete(fileKey(folder, path));
  }

  /** The file itself, or every file below it when `path` is a folder. */
  under(folder: string, path: string): Array<{ folder: string; path: string }> {
    return [...this.entries.values()].filter((e) => e.folder === folder && (e.path === path || e.path.startsWith(`${path}/`)));
  }

  /** Every file the index knows, with or without rows. */
  list(): FileInIndex[] {
    return [...this.entries.values()].map(({ folder, path, fileHash }) => ({ folder, path, fileHash }));
  }

  /** Files indexed with no rows, for the index state file. */
  rowless(): RowlessFile[] {
    return [...this.entries.values()]
      .filter((e) => e.chunks === 0)
      .map(({ folder, path, fileHash, skip }) => ({ folder, path, fileHash, ...(skip ? { skip } : {}) }));
  }

  get fileCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.chunks > 0) n++;
    return n;
  }

  get chunkCount(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.chunks;
    return n;
  }

  get imageCount(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.images;
    return n;
  }

  /** One query for the stored rows of a group of files (only those known to have rows). */
  async storedRows(store: VectorStore, files: ReadonlyArray<{ folder: string; path: string }>, vectorFields: readonly string[]): Promise<StoredRows> {
    const byFolder = new Map<string, string[]>();
    for (const f of files) {
      if ((this.get(f.folder, f.path)?.chunks ?? 0) === 0) continue;
      const list = byFolder.get(f.folder) ?? [];
      list.push(f.path);
      byFolder.set(f.folder, list);
    }
    let rows: Row[] = [];
    if (byFolder.size > 0) {
      const clauses: string[] = [];
      const params: Record<string, JsonValue> = {};
      [...byFolder].forEach(([folder, paths], i) => {
        clauses.push(`(${F.folder} == {folder${i}} and ${F.path} in {paths${i}})`);
        params[`folder${i}`] = folder;
        params[`paths${i}`] = paths;
      });
      rows = await queryAll(store, { filter: clauses.join(' or '), filterParams: params }, [F.folder, F.path, F.contentHash, ...vectorFields]);
    }
    return {
      ids: () => rows.map((r) => r[F.id] as string),
      vectorsOf: (folder, path) => {
        const out = new Map<string, StoredVectors>();
        for (const r of rows) {
          if (r[F.folder] !== folder || r[F.path] !== path) continue;
          const v: StoredVectors = {};
          // Float32Array from the embedded engine, number[] from a Milvus server.
          if (r[F.textVector]) v.text_vector = r[F.textVector] as Float32Array | number[];
          if (r[F.imageVector]) v.image_vector = r[F.imageVector] as Float32Array | number[];
          out.set(r[F.contentHash] as string, v);
        }
        return out;
      },
    };
  }
}

/** Milvus answers at most this many rows per query (limit + offset). */
const PAGE = 16_384;
const HEX = '0123456789abcdef';

/**
 * Every matching row, however many: a query that comes back full is split by the first hex
 * digits of content_hash (a sha256 prefix, so the parts are near equal) until each part fits.
 * `page` is Milvus's cap; tests pass a small one.
 */
export async function queryAll(store: VectorStore, where: StoreFilter, outputFields: string[], page = PAGE, prefix = ''): Promise<Row[]> {
  // The prefix is hex digits only, so it is safe as a literal.
  const filter = prefix ? `(${where.filter}) and ${F.contentHash} like "${prefix}%"` : (where.filter as string);
  const rows = await store.query({ filter, ...(where.filterParams ? { filterParams: where.filterParams } : {}), outputFields, limit: page });
  if (rows.length < page || prefix.length >= 4) return rows;
  const out: Row[] = [];
  for (const d of HEX) out.push(...(await queryAll(store, where, outputFields, page, prefix + d)));
  return out;
}
