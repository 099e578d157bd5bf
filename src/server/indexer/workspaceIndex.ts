// A workspace's index: file → chunk → vector → segment, and the searches over it. It owns the
// database under a data directory and the embedding models; the LSP handlers and the CLI drive it.
//
// A full pass is scan → plan (diff by hash) → per group of files: chunk, embed what changed,
// replace the files' rows → flush. Edits go through updateFile/removeFile one file at a time.
// Writes are serialised; searches run any time.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../../engine/database';
import type { Collection } from '../../engine/collection';
import type { HitsResult, IndexStatus, SearchHitView, SearchImageParams, SearchParams, SimilarParams, SkipReason } from '../../protocol/requests';
import { chunkFileWithReport } from '../chunk';
import { WorkspaceScanner } from '../scan/scanner';
import { asHitsResult, searchChunks, searchContextFor, searchImages, similarChunks, type SearchContext } from '../search/chunkSearch';
import { CHUNK_COLLECTION, chunkIndexes, chunkSchema, fileHash, modelsOfSchema, schemaMatches } from './chunkSchema';
import { emptyCounters, rowsForUnits, type EmbedCounters, type FileUnit, type UnitRows } from './chunkRows';
import { IndexedFiles } from './indexedFiles';
import { databaseDir, protocolSkipReason, readIndexState, writeIndexState, type FileSkip, type IndexState } from './indexState';
import { IndexModels, type ModelSettings } from './models';
import { planIndex } from './plan';

export interface WorkspaceIndexOptions {
  folders: Array<{ name: string; absPath: string }>;
  dataDir: string;
  /** Settings to load the models from, or models already loaded (shared by tests). */
  models: ModelSettings | IndexModels;
  exclude?: string[];
  maxFileSize?: number;
  /** Search only: no writer lock, nothing rebuilt (a CLI search next to a running server). */
  readOnly?: boolean;
  onStatus?: (status: IndexStatus) => void;
  /** Repairs and automatic-flush failures of the database. */
  onWarning?: (message: string) => void;
  /** Flush this long after the last edit (default 5 s). */
  flushDelayMs?: number;
}

export interface IndexProgress {
  done: number;
  total: number;
  /** The file just written, "folder/path". */
  current?: string;
}

/** What the LSP's CancellationToken offers; any object with the flag will do. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

export interface IndexReport {
  scanned: number;
  indexed: number;
  unchanged: number;
  deleted: number;
  failed: number;
  cancelled: boolean;
  /** Inputs embedded in this pass (0 for an unchanged workspace). */
  embedded: EmbedCounters;
}

/** Files per group: one batch of model calls, then one write per group. */
const GROUP_FILES = 16;
const LATENCY_WINDOW = 21;

export class WorkspaceIndex {
  /** Inputs embedded since open, all passes and edits together. */
  readonly counters: EmbedCounters = emptyCounters();
  private state: IndexStatus['state'] = 'ready';
  private message: string | undefined;
  private progress: { done: number; total: number } | undefined;
  private skipped: Partial<Record<SkipReason, number>> = {};
  private skipExamples: string[] = [];
  private lastFlush: string | undefined;
  private latencies: number[] = [];
  private writes: Promise<unknown> = Promise.resolve();
  private running: Promise<IndexReport> | undefined;
  private resumeGate: { promise: Promise<void>; open: () => void } | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly overlays = new Map<string, string>();
  private readonly scanner: WorkspaceScanner;

  private constructor(
    private readonly options: WorkspaceIndexOptions,
    private readonly db: Database,
    private collection: Collection | undefined,
    readonly models: IndexModels,
    private readonly files: IndexedFiles,
    readonly reusedIndex: boolean,
  ) {
    this.scanner = new WorkspaceScanner(options.folders, { exclude: options.exclude ?? [], maxFileSize: options.maxFileSize });
    const saved = readIndexState(options.dataDir);
    if (saved) {
      this.skipped = saved.skipped;
      this.skipExamples = saved.skipExamples;
    }
  }

  static async open(options: WorkspaceIndexOptions): Promise<WorkspaceIndex> {
    const models = options.models instanceof IndexModels ? options.models : await IndexModels.load(options.models);
    const db = await Database.open(databaseDir(options.dataDir), { readOnly: !!options.readOnly, onWarning: options.onWarning });
    try {
      let collection = db.hasCollection(CHUNK_COLLECTION) ? db.collection(CHUNK_COLLECTION) : undefined;
      let reused = !!collection && schemaMatches(collection.schema, models.schemaModels);
      if (!options.readOnly && !reused) {
        // Another model (or none) built it: its vectors cannot be compared with ours. Rebuild.
        if (collection) await db.dropCollection(CHUNK_COLLECTION);
        const wanted = models.schemaModels;
        collection = await db.createCollection(CHUNK_COLLECTION, chunkSchema(wanted), { indexes: chunkIndexes(wanted) });
        reused = false;
      }
      const rowless = reused ? (readIndexState(options.dataDir)?.rowlessFiles ?? []) : [];
      const files = collection ? await IndexedFiles.load(collection, rowless) : IndexedFiles.empty();
      return new WorkspaceIndex(options, db, collection, models, files, reused);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Scans the folders and brings the index up to date; a second call while one runs joins it. */
  indexAll(onProgress?: (p: IndexProgress) => void, token?: CancellationLike): Promise<IndexReport> {
    this.running ??= this.runIndexAll(onProgress, token).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Re-indexes one file: its text on disk, or `text` (unsaved editor contents) when given. */
  async updateFile(absPath: string, text?: string): Promise<'indexed' | 'unchanged' | 'removed' | 'skipped'> {
    if (text === undefined) this.overlays.delete(absPath);
    else this.overlays.set(absPath, text);
    return this.exclusive(async () => {
      const verdict = await this.scanner.checkFile(absPath);
      if ('skipped' in verdict) {
        const where = this.locate(absPath);
        if (where && this.files.has(where.folder, where.path)) {
          await this.deleteFiles([where]);
          return 'removed';
        }
        return 'skipped';
      }
      const { file } = verdict;
      const bytes = await this.readFile(absPath);
      const hash = fileHash(bytes);
      if (this.files.get(file.folder, file.relPath)?.fileHash === hash) return 'unchanged';
      await this.writeGroup([{ ...file, bytes, hash }]);
      this.scheduleFlush();
      return 'indexed';
    });
  }

  /** Drops a file's rows, or every file under a folder that was deleted; returns rows removed. */
  async removeFile(absPath: string): Promise<number> {
    this.overlays.delete(absPath);
    const where = this.locate(absPath);
    if (!where) return 0;
    return this.exclusive(async () => {
      const gone = this.files.under(where.folder, where.path);
      const n = await this.deleteFiles(gone);
      if (n > 0) this.scheduleFlush();
      return n;
    });
  }

  search(params: SearchParams): Promise<HitsResult> {
    return this.timed(() => searchChunks(this.searchContext(), params, Date.now()));
  }

  searchImage(params: SearchImageParams): Promise<HitsResult> {
    return this.timed(() => searchImages(this.searchContext(), params));
  }

  similar(params: SimilarParams): Promise<HitsResult> {
    return this.timed(async () => {
      const where = this.locate(uriToPath(params.uri));
      if (!where) throw new Error(`${params.uri} is not in a workspace folder`);
      return similarChunks(this.searchContext(), where, params.startLine + 1, params.endLine + 1, params.limit);
    });
  }

  status(): IndexStatus {
    const latency = median(this.latencies);
    return {
      state: this.state,
      files: this.files.fileCount,
      chunks: this.files.chunkCount,
      images: this.files.imageCount,
      skipped: { ...this.skipped },
      model: this.models.state,
      ...(this.lastFlush ? { lastFlush: this.lastFlush } : {}),
      ...(latency !== undefined ? { queryLatencyMs: latency } : {}),
      ...(this.progress ? { progress: { ...this.progress } } : {}),
      reusedIndex: this.reusedIndex,
      ...(this.message ? { message: this.message } : {}),
    };
  }

  /** A few "folder/path: why" lines about skipped files. */
  get skipDetails(): readonly string[] {
    return this.skipExamples;
  }

  /** Holds full passes and the embedding workers between groups; edits wait too. */
  pause(message = 'Indexing paused; resume to continue.'): IndexStatus {
    if (!this.resumeGate) {
      let open = (): void => undefined;
      const promise = new Promise<void>((resolve) => (open = resolve));
      this.resumeGate = { promise, open };
      this.models.pause();
    }
    this.setState('paused', message);
    return this.status();
  }

  resume(): IndexStatus {
    const gate = this.resumeGate;
    this.resumeGate = undefined;
    this.models.resume();
    gate?.open();
    this.setState(this.running ? 'indexing' : 'ready', undefined);
    return this.status();
  }

  async flush(): Promise<void> {
    if (!this.collection || this.options.readOnly) return;
    await this.collection.flush();
    this.lastFlush = new Date().toISOString();
    this.emit();
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.resumeGate?.open();
    await this.running?.catch(() => undefined);
    await this.writes.catch(() => undefined);
    await this.db.close();
    if (!(this.options.models instanceof IndexModels)) await this.models.close();
  }

  // ---- the full pass ------------------------------------------------------------------

  private async runIndexAll(onProgress?: (p: IndexProgress) => void, token?: CancellationLike): Promise<IndexReport> {
    if (!this.collection || this.options.readOnly) throw new Error('this index was opened read-only; it cannot be rebuilt');
    const before = { ...this.counters };
    const report: IndexReport = { scanned: 0, indexed: 0, unchanged: 0, deleted: 0, failed: 0, cancelled: false, embedded: emptyCounters() };
    this.setState(this.resumeGate ? 'paused' : 'indexing', 'Scanning the workspace');
    try {
      const scan = await this.scanner.scan();
      this.skipped = {};
      this.skipExamples = [];
      for (const [reason, n] of Object.entries(scan.skipped)) if (n) this.addSkip(protocolSkipReason(reason as never), n);
      for (const [reason, paths] of Object.entries(scan.examples)) for (const p of paths) this.noteSkip(`${p}: ${reason}`);
      const onDisk = [];
      for (const file of scan.files) {
        const bytes = await this.readFile(file.absPath).catch(() => undefined);
        if (bytes) onDisk.push({ ...file, path: file.relPath, hash: fileHash(bytes) });
        else this.addSkip('unreadable', 1);
      }
      report.scanned = onDisk.length;
      const plan = planIndex(onDisk, this.files.list());
      report.unchanged = plan.unchanged.length;
      for (const f of plan.unchanged) {
        const skip = this.files.get(f.folder, f.path)?.skip;
        if (skip) this.countSkip(f, skip);
      }
      await this.exclusive(() => this.deleteFiles(plan.toDelete));
      report.deleted = plan.toDelete.length;
      const total = plan.toIndex.length;
      this.progress = { done: 0, total };
      this.setState(this.resumeGate ? 'paused' : 'indexing', total ? `Indexing ${total} file(s)` : undefined);
      for (let start = 0; start < total; ) {
        if (this.resumeGate) await this.resumeGate.promise;
        if (token?.isCancellationRequested) {
          report.cancelled = true;
          break;
        }
        const group = plan.toIndex.slice(start, start + GROUP_FILES);
        start += group.length;
        const written = await this.exclusive(async () => {
          const withBytes = [];
          for (const f of group) {
            const bytes = await this.readFile(f.absPath).catch(() => undefined);
            if (bytes) withBytes.push({ ...f, bytes, hash: fileHash(bytes) });
            else this.addSkip('unreadable', 1);
          }
          return this.writeGroup(withBytes);
        });
        report.indexed += written.indexed;
        report.failed += written.failed;
        this.progress = { done: start, total };
        onProgress?.({ done: start, total, current: `${group[group.length - 1].folder}/${group[group.length - 1].path}` });
        this.emit();
      }
      await this.flush();
      await this.saveState();
      for (const k of Object.keys(report.embedded) as Array<keyof EmbedCounters>) report.embedded[k] = this.counters[k] - before[k];
      this.progress = undefined;
      this.setState(this.resumeGate ? 'paused' : 'ready', report.cancelled ? 'Indexing was cancelled; run reindex to finish.' : undefined);
      return report;
    } catch (err) {
      this.progress = undefined;
      this.setState('error', `Indexing failed: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Chunks, embeds and writes a group of files; a file that fails is skipped, not fatal. */
  private async writeGroup(group: Array<{ folder: string; relPath: string; absPath: string; mtimeMs: number; size: number; bytes: Buffer; hash: string }>): Promise<{ indexed: number; failed: number }> {
    const collection = this.collection as Collection;
    const units: FileUnit[] = [];
    const skips = new Map<FileUnit, FileSkip>();
    let failed = 0;
    for (const f of group) {
      const result = await chunkFileWithReport({ absPath: f.absPath, relPath: f.relPath, folder: f.folder, bytes: f.bytes });
      const unit: FileUnit = { folder: f.folder, path: f.relPath, absPath: f.absPath, bytes: f.bytes, mtime: f.mtimeMs, size: f.size, hash: f.hash, chunks: result.chunks, reuse: new Map() };
      units.push(unit);
      if (result.skipped) skips.set(unit, { reason: protocolSkipReason(result.skipped.reason), message: result.skipped.message });
    }
    const old = await this.files.storedRows(collection, units);
    for (const u of units) u.reuse = old.vectorsOf(u.folder, u.path);
    // Model calls for the whole group at once; if a text batch fails, retry file by file.
    let results: UnitRows[];
    try {
      results = await rowsForUnits(units, this.models, this.counters);
    } catch {
      results = [];
      for (const u of units) {
        results.push(await rowsForUnits([u], this.models, this.counters).then((r) => r[0], (err: Error) => ({ error: err.message })));
      }
    }
    const ids = old.ids();
    if (ids.length) await collection.delete({ ids });
    for (const [i, u] of units.entries()) {
      const result = results[i];
      const rows = 'rows' in result ? result.rows : [];
      if ('error' in result) {
        failed++;
        skips.set(u, { reason: 'error', message: `could not be embedded (${result.error})` });
      }
      if (rows.length) await collection.insert(rows as unknown as Array<Record<string, unknown>>);
      const skip = skips.get(u);
      this.files.set(u.folder, u.path, u.hash, rows, skip);
      if (skip) this.countSkip(u, skip);
    }
    return { indexed: units.length - failed, failed };
  }

  private async deleteFiles(files: ReadonlyArray<{ folder: string; path: string }>): Promise<number> {
    const collection = this.collection;
    if (!collection || files.length === 0) return 0;
    let n = 0;
    for (const f of files) {
      const r = await collection.delete({ filter: 'path == {path} and folder == {folder}', filterParams: { path: f.path, folder: f.folder } });
      n += r.deleteCount;
      this.files.remove(f.folder, f.path);
    }
    this.emit();
    return n;
  }

  // ---- helpers ------------------------------------------------------------------------

  private searchContext(): SearchContext {
    if (!this.collection) throw new Error(`nothing is indexed in ${this.options.dataDir} yet; index the folder first`);
    return searchContextFor(this.collection, this.models, this.options.folders);
  }

  private async timed(run: () => Promise<SearchHitView[]>): Promise<HitsResult> {
    const result = await asHitsResult(run);
    this.latencies.push(result.tookMs);
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
    return result;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private readFile(absPath: string): Promise<Buffer> {
    const overlay = this.overlays.get(absPath);
    return overlay !== undefined ? Promise.resolve(Buffer.from(overlay, 'utf8')) : fs.readFile(absPath);
  }

  private locate(absPath: string): { folder: string; path: string } | undefined {
    for (const f of [...this.options.folders].sort((a, b) => b.absPath.length - a.absPath.length)) {
      const rel = path.relative(f.absPath, absPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { folder: f.name, path: rel.split(path.sep).join('/') };
    }
    return undefined;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => void this.exclusive(() => this.flush()).catch((e) => this.options.onWarning?.(`flush failed: ${(e as Error).message}`)), this.options.flushDelayMs ?? 5000);
    this.flushTimer.unref();
    this.emit();
  }

  private async saveState(): Promise<void> {
    const settings = this.options.models instanceof IndexModels ? undefined : this.options.models;
    const state: IndexState = {
      version: 1,
      folders: this.options.folders,
      ...(settings?.modelPath ? { modelPath: path.resolve(settings.modelPath) } : {}),
      textModel: modelsOfSchema(this.collection!.schema).text?.modelId ?? settings?.textModel ?? '',
      imageModel: modelsOfSchema(this.collection!.schema).image?.modelId ?? settings?.imageModel ?? '',
      lastIndexed: new Date().toISOString(),
      skipped: this.skipped,
      skipExamples: this.skipExamples,
      rowlessFiles: this.files.rowless(),
    };
    await writeIndexState(this.options.dataDir, state);
  }

  private countSkip(file: { folder: string; path: string }, skip: FileSkip): void {
    this.addSkip(skip.reason, 1);
    this.noteSkip(`${file.folder}/${file.path}: ${skip.message}`);
  }

  private addSkip(reason: SkipReason, n: number): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
  }

  private noteSkip(line: string): void {
    if (this.skipExamples.length < 20) this.skipExamples.push(line);
  }

  private setState(state: IndexStatus['state'], message: string | undefined): void {
    this.state = state;
    this.message = message;
    this.emit();
  }

  private emit(): void {
    this.options.onStatus?.(this.status());
  }
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
