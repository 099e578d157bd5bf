// A workspace's index: file → chunk → vector → store, and the searches over it. It owns the
// VectorStore (the embedded engine under a data directory, or a Milvus server) and the embedding
// models; the LSP handlers and the CLI drive it. When a Milvus server is down or refuses us, a
// pass waits and retries with backoff (storeOutage.ts), then re-plans from hashes.
//
// A full pass (indexPass.ts) is scan → plan (diff by hash) → groups of files chunked, embedded
// and written in a pipeline → flush. Edits go through updateFile/removeFile one file at a time.
// Writes are serialised; searches run any time.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmptyReason, HitsResult, IndexStatus, SearchHitView, SearchImageParams, SearchParams, SimilarParams } from '../../protocol/requests';
import { WorkspaceScanner } from '../scan/scanner';
import { LatencyWindow } from '../search/latencyWindow';
import { explainEmptyImageSearch, explainEmptySearch } from '../search/emptyReason';
import { asHitsResult, searchChunks, searchContextFor, searchImages, similarChunks, type SearchContext } from '../search/chunkSearch';
import { openStore, type StoreSettings } from '../store/openStore';
import { StoreError } from '../store/storeErrors';
import type { VectorStore } from '../store/vectorStore';
import { fileHash, type ChunkModels } from './chunkSchema';
import { emptyCounters, type EmbedCounters } from './chunkRows';
import { IndexedFiles } from './indexedFiles';
import { runIndexPass, type CancellationLike, type IndexProgress, type IndexReport, type PassHost } from './indexPass';
import { readIndexState, writeIndexState, type IndexState } from './indexState';
import { IndexModels, type ModelSettings } from './models';
import { readStoreContents } from './storeConnection';
import { SkipLog } from './skipLog';
import { isStoreOutage, outageStatus, RetryWait, retryDelay } from './storeOutage';
import { deleteFiles, writeFiles, type WriteTarget } from './writeFiles';

export type { CancellationLike, IndexProgress, IndexReport } from './indexPass';

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
  /** Where the rows live; default the embedded engine under dataDir. */
  store?: StoreSettings;
  /** First wait before retrying an unavailable store (default 1 s; doubles, up to 30×). */
  retryDelayMs?: number;
  /** Retries after a store outage before a pass fails (default: no limit; the CLI uses 0). */
  maxRetries?: number;
}

export class WorkspaceIndex {
  /** Inputs embedded since open, all passes and edits together. */
  readonly counters: EmbedCounters = emptyCounters();
  private state: IndexStatus['state'] = 'ready';
  private message: string | undefined;
  private progress: { done: number; total: number } | undefined;
  private readonly skips = new SkipLog();
  private lastFlush: string | undefined;
  private readonly latencies = new LatencyWindow();
  private writes: Promise<unknown> = Promise.resolve();
  private running: Promise<IndexReport> | undefined;
  private resumeGate: { promise: Promise<void>; open: () => void } | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** The flush a finished pass started; close() and settled() wait for it. */
  private flushing: Promise<void> = Promise.resolve();
  private readonly overlays = new Map<string, string>();
  /** updateFile calls per file, and removeFile calls in all (see PassHost.editMark). */
  private readonly edits = new Map<string, number>();
  private removals = 0;
  private readonly scanner: WorkspaceScanner;
  /** The models the stored collection was built with; undefined until connected (or none stored). */
  private stored: ChunkModels | undefined;
  private files = IndexedFiles.empty();
  private reused = false;
  /** The collection is checked and `files` loaded from it; false after a store outage. */
  private connected = false;
  private closing = false;
  private readonly retryWait = new RetryWait();

  private constructor(
    private readonly options: WorkspaceIndexOptions,
    private readonly store: VectorStore,
    private readonly privateCollection: boolean,
    readonly models: IndexModels,
  ) {
    this.scanner = new WorkspaceScanner(options.folders, { exclude: options.exclude ?? [], maxFileSize: options.maxFileSize });
    const saved = readIndexState(options.dataDir);
    if (saved) this.skips.reset(saved);
  }

  /** Opens the store; a Milvus server that is down or refuses us is retried by indexAll, not fatal. */
  static async open(options: WorkspaceIndexOptions): Promise<WorkspaceIndex> {
    const models = options.models instanceof IndexModels ? options.models : await IndexModels.load(options.models);
    const { store, privateCollection } = await openStore(options.store ?? { backend: 'embedded' }, options);
    const index = new WorkspaceIndex(options, store, privateCollection, models);
    try {
      await index.connect();
    } catch (err) {
      if (privateCollection || options.readOnly || options.maxRetries === 0 || !isStoreOutage(err)) {
        await store.close();
        if (!(options.models instanceof IndexModels)) await models.close(); // loaded here: ours to close
        throw err;
      }
      const outage = outageStatus(err, retryDelay(0, options.retryDelayMs));
      index.setState(outage.state, outage.message);
    }
    return index;
  }

  get reusedIndex(): boolean {
    return this.reused;
  }

  /** Where the rows live and for which workspace ("milvus http://… (db default), workspace …"). */
  get where(): string {
    return this.privateCollection ? this.store.description : `${this.store.description}, workspace ${this.store.workspace}`;
  }

  /** Checks (or creates) the collection for the loaded models and loads which files it holds. */
  private async connect(): Promise<void> {
    const { readOnly, dataDir } = this.options;
    const contents = await readStoreContents(this.store, this.models.schemaModels, { readOnly, dataDir, privateCollection: this.privateCollection });
    this.stored = contents.stored;
    this.reused = contents.reused;
    this.files = contents.files;
    this.connected = true;
  }

  /** Scans the folders and brings the index up to date; a second call while one runs joins it. */
  indexAll(onProgress?: (p: IndexProgress) => void, token?: CancellationLike): Promise<IndexReport> {
    this.running ??= this.passUntilStored(onProgress, token).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Re-indexes one file: its text on disk, or `text` (unsaved editor contents) when given. */
  async updateFile(absPath: string, text?: string): Promise<'indexed' | 'unchanged' | 'removed' | 'skipped'> {
    if (text === undefined) this.overlays.delete(absPath);
    else this.overlays.set(absPath, text);
    this.edits.set(absPath, (this.edits.get(absPath) ?? 0) + 1);
    return this.orRetryLater(() => this.exclusive(async () => {
      const outcome = await this.reindexFile(absPath);
      if (outcome === 'indexed') this.scheduleFlush();
      return outcome;
    }));
  }

  /** Drops a file's rows, or every file under a folder that was deleted; returns rows removed. */
  async removeFile(absPath: string): Promise<number> {
    this.overlays.delete(absPath);
    this.removals++;
    const where = this.locate(absPath);
    if (!where) return 0;
    return this.orRetryLater(() => this.exclusive(async () => {
      const gone = this.files.under(where.folder, where.path);
      const n = await this.deleteFiles(gone);
      if (n > 0) this.scheduleFlush();
      return n;
    }));
  }

  /** `signal` cancels the query's embedding (the search then rejects with the signal's reason). */
  search(params: SearchParams, signal?: AbortSignal): Promise<HitsResult> {
    const now = Date.now();
    return this.timed(() => searchChunks(this.searchContext(), params, now, signal), () => explainEmptySearch(this.searchContext(), params, now));
  }

  searchImage(params: SearchImageParams, signal?: AbortSignal): Promise<HitsResult> {
    return this.timed(() => searchImages(this.searchContext(), params, signal), () => explainEmptyImageSearch(this.searchContext()));
  }

  similar(params: SimilarParams): Promise<HitsResult> {
    return this.timed(async () => {
      const where = this.locate(uriToPath(params.uri));
      if (!where) throw new Error(`${params.uri} is not in a workspace folder`);
      return similarChunks(this.searchContext(), where, params.startLine + 1, params.endLine + 1, params.limit);
    });
  }

  status(): IndexStatus {
    const latency = this.latencies.medianMs;
    return {
      state: this.state,
      files: this.files.fileCount,
      chunks: this.files.chunkCount,
      images: this.files.imageCount,
      skipped: { ...this.skips.counts },
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
    return this.skips.examples;
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
    if (!this.connected || this.options.readOnly) return;
    await this.store.flush();
    this.lastFlush = new Date().toISOString();
    this.emit();
  }

  /** Resolves when the flush the last pass started is done (its segments sealed, indexed, saved). */
  async settled(): Promise<void> {
    await this.flushing;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.resumeGate?.open();
    this.retryWait.wake();
    await this.running?.catch(() => undefined);
    await this.writes.catch(() => undefined);
    await this.flushing;
    await this.store.close();
    if (!(this.options.models instanceof IndexModels)) await this.models.close();
  }

  // ---- the full pass ------------------------------------------------------------------

  /** Full passes until one completes: a store outage pauses, waits with backoff, reconnects, re-plans. */
  private async passUntilStored(onProgress?: (p: IndexProgress) => void, token?: CancellationLike): Promise<IndexReport> {
    if (this.options.readOnly) throw new Error('this index was opened read-only; it cannot be rebuilt');
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.connected) await this.connect();
        return await runIndexPass(this.passHost(), onProgress, token);
      } catch (err) {
        this.progress = undefined;
        if (!isStoreOutage(err) || this.closing || attempt >= (this.options.maxRetries ?? Infinity)) {
          this.setState('error', `Indexing failed: ${(err as Error).message}`);
          throw err;
        }
        // What the store holds may have changed while we were away: reload it on reconnect.
        this.connected = false;
        const delay = retryDelay(attempt, this.options.retryDelayMs);
        const outage = outageStatus(err, delay);
        this.setState(outage.state, outage.message);
        this.options.onWarning?.(outage.message);
        await this.retryWait.sleep(delay);
        if (this.closing || token?.isCancellationRequested) throw err;
      }
    }
  }

  /** An edit the store could not take is picked up by a retrying full pass once it is back. */
  private async orRetryLater<T>(edit: () => Promise<T>): Promise<T> {
    try {
      if (!this.connected) throw new StoreError(this.store.description, 'not connected yet');
      return await edit();
    } catch (err) {
      if ((isStoreOutage(err) || !this.connected) && !this.options.readOnly && !this.closing) void this.indexAll().catch(() => undefined);
      throw err;
    }
  }

  private passHost(): PassHost {
    return {
      scanner: this.scanner,
      skips: this.skips,
      counters: this.counters,
      target: () => this.writeTarget(),
      readFile: (absPath) => this.readFile(absPath),
      editMark: (absPath) => this.removals + (this.edits.get(absPath) ?? 0),
      exclusive: (work) => this.exclusive(work),
      reindexFile: (absPath) => this.reindexFile(absPath),
      deleteFiles: (files) => this.deleteFiles(files),
      // One wait, not a loop: close() opens the gate without lifting the pause.
      untilResumed: async () => void (await this.resumeGate?.promise),
      isPaused: () => this.resumeGate !== undefined,
      setState: (state, message) => this.setState(state, message),
      setProgress: (progress) => {
        this.progress = progress;
        this.emit();
      },
      flushInBackground: () => {
        // Not under the write lock: the engine takes writes while it seals, so edits never wait for an index build.
        this.flushing = this.flushing.then(() => this.flush()).catch((e) => this.options.onWarning?.(`flush failed: ${(e as Error).message}`));
      },
      saveState: () => this.saveState(),
    };
  }

  /** updateFile's work, for a caller that holds the write lock (a pass meeting an edited file). */
  private async reindexFile(absPath: string): Promise<'indexed' | 'unchanged' | 'removed' | 'skipped'> {
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
    await writeFiles(this.writeTarget(), [{ ...file, bytes, hash }]);
    return 'indexed';
  }

  private async deleteFiles(files: ReadonlyArray<{ folder: string; path: string }>): Promise<number> {
    const n = await deleteFiles(this.writeTarget(), files);
    if (files.length) this.emit();
    return n;
  }

  private writeTarget(): WriteTarget {
    return { store: this.store, files: this.files, models: this.models, counters: this.counters, skips: this.skips, stored: this.stored };
  }


  // ---- helpers ------------------------------------------------------------------------

  private searchContext(): SearchContext {
    if (!this.connected) throw new StoreError(this.store.description, `not reachable now (${this.message ?? 'connecting'})`);
    if (!this.stored) throw new Error(`nothing is indexed in ${this.store.description} yet; index the folder first`);
    return searchContextFor(this.store, this.stored, this.models, this.options.folders);
  }

  /** Runs a search and, when it found nothing, asks `explainEmpty` why (not counted in latency). */
  private async timed(run: () => Promise<SearchHitView[]>, explainEmpty?: () => Promise<EmptyReason | undefined>): Promise<HitsResult> {
    const result = await asHitsResult(run);
    this.latencies.add(result.tookMs);
    if (result.hits.length > 0 || result.error || !explainEmpty) return result;
    // The explanation is a courtesy: a store failing now must not fail a search that succeeded.
    const emptyReason = await explainEmpty().catch(() => undefined);
    return emptyReason ? { ...result, emptyReason } : result;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }

  /**
   * A synchronous read: files are at most maxFileSize (1 MB by default), and fs.promises.readFile
   * costs ~8× the CPU of readFileSync on small files (thread-pool round trips), CPU the
   * embedding worker needs during a pass.
   */
  private async readFile(absPath: string): Promise<Buffer> {
    const overlay = this.overlays.get(absPath);
    return overlay !== undefined ? Buffer.from(overlay, 'utf8') : fs.readFileSync(absPath);
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
      textModel: this.stored?.text?.modelId ?? settings?.textModel ?? '',
      imageModel: this.stored?.image?.modelId ?? settings?.imageModel ?? '',
      lastIndexed: new Date().toISOString(),
      skipped: this.skips.counts,
      skipExamples: this.skips.examples,
      rowlessFiles: this.files.rowless(),
    };
    await writeIndexState(this.options.dataDir, state);
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

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
