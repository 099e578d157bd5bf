// A workspace's indexer: file → chunk → vector → store. It writes through the shared
// IndexedWorkspace (store, models, which files are stored, status), which the searches
// (search/workspaceSearch.ts) read; the LSP handlers and the CLI drive both. When a Milvus server
// is down or refuses us, a pass waits and retries with backoff (storeOutage.ts), then re-plans
// from hashes.
//
// A full pass (indexPass.ts) is scan → plan (diff by hash) → groups of files chunked, embedded
// and written in a pipeline → flush. Edits go through updateFile/removeFile one file at a time.
// Writes are serialised; searches run any time.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IndexStatus } from '../../protocol/requests';
import { IndexedWorkspace, type WorkspaceOptions } from '../indexedWorkspace';
import { WorkspaceScanner } from '../scan/scanner';
import { StoreError } from '../store/storeErrors';
import { fileHash } from './chunkSchema';
import { emptyCounters, type EmbedCounters } from './chunkRows';
import { runIndexPass, type CancellationLike, type IndexProgress, type IndexReport, type PassHost } from './indexPass';
import { readIndexState, writeIndexState, type IndexState } from './indexState';
import { IndexModels } from './models';
import { SkipLog } from './skipLog';
import { isStoreOutage, outageStatus, RetryWait, retryDelay } from './storeOutage';
import { deleteFiles, writeFiles, type WriteTarget } from './writeFiles';

export type { CancellationLike, IndexProgress, IndexReport } from './indexPass';

export interface WorkspaceIndexOptions extends WorkspaceOptions {
  exclude?: string[];
  maxFileSize?: number;
  onStatus?: (status: IndexStatus) => void;
  /** Flush this long after the last edit (default 5 s). */
  flushDelayMs?: number;
}

export class WorkspaceIndex {
  /** Inputs embedded since open, all passes and edits together. */
  readonly counters: EmbedCounters = emptyCounters();
  private progress: { done: number; total: number } | undefined;
  private readonly skips = new SkipLog();
  private lastFlush: string | undefined;
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
  private closing = false;
  private readonly retryWait = new RetryWait();

  private constructor(
    private readonly options: WorkspaceIndexOptions,
    /** The state this index shares with the searches; closed with the index. */
    readonly workspace: IndexedWorkspace,
  ) {
    this.scanner = new WorkspaceScanner(options.folders, { exclude: options.exclude ?? [], maxFileSize: options.maxFileSize });
    const saved = readIndexState(options.dataDir);
    if (saved) this.skips.reset(saved);
  }

  /** Opens the workspace (store, models); a Milvus server that is down or refuses us is retried by indexAll, not fatal. */
  static async open(options: WorkspaceIndexOptions): Promise<WorkspaceIndex> {
    const index = new WorkspaceIndex(options, await IndexedWorkspace.open(options));
    if (!index.workspace.connected) index.emit(); // the outage it opened in, as a status
    return index;
  }

  get models(): IndexModels {
    return this.workspace.models;
  }

  get reusedIndex(): boolean {
    return this.workspace.reused;
  }

  /** Where the rows live and for which workspace ("milvus http://… (db default), workspace …"). */
  get where(): string {
    return this.workspace.where;
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
      const gone = this.workspace.files.under(where.folder, where.path);
      const n = await this.deleteFiles(gone);
      if (n > 0) this.scheduleFlush();
      return n;
    }));
  }

  status(): IndexStatus {
    const ws = this.workspace;
    const latency = ws.latencies.medianMs;
    return {
      state: ws.state,
      files: ws.files.fileCount,
      chunks: ws.files.chunkCount,
      images: ws.files.imageCount,
      skipped: { ...this.skips.counts },
      model: ws.models.state,
      ...(this.lastFlush ? { lastFlush: this.lastFlush } : {}),
      ...(latency !== undefined ? { queryLatencyMs: latency } : {}),
      ...(this.progress ? { progress: { ...this.progress } } : {}),
      reusedIndex: this.reusedIndex,
      ...(ws.message ? { message: ws.message } : {}),
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
    if (!this.workspace.connected || this.options.readOnly) return;
    await this.workspace.store.flush();
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
    await this.workspace.close();
  }

  // ---- the full pass ------------------------------------------------------------------

  /** Full passes until one completes: a store outage pauses, waits with backoff, reconnects, re-plans. */
  private async passUntilStored(onProgress?: (p: IndexProgress) => void, token?: CancellationLike): Promise<IndexReport> {
    if (this.options.readOnly) throw new Error('this index was opened read-only; it cannot be rebuilt');
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.workspace.connected) await this.workspace.connect();
        return await runIndexPass(this.passHost(), onProgress, token);
      } catch (err) {
        this.progress = undefined;
        if (!isStoreOutage(err) || this.closing || attempt >= (this.options.maxRetries ?? Infinity)) {
          this.setState('error', `Indexing failed: ${(err as Error).message}`);
          throw err;
        }
        // What the store holds may have changed while we were away: reload it on reconnect.
        this.workspace.connected = false;
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
      if (!this.workspace.connected) throw new StoreError(this.workspace.store.description, 'not connected yet');
      return await edit();
    } catch (err) {
      if ((isStoreOutage(err) || !this.workspace.connected) && !this.options.readOnly && !this.closing) void this.indexAll().catch(() => undefined);
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
      if (where && this.workspace.files.has(where.folder, where.path)) {
        await this.deleteFiles([where]);
        return 'removed';
      }
      return 'skipped';
    }
    const { file } = verdict;
    const bytes = await this.readFile(absPath);
    const hash = fileHash(bytes);
    if (this.workspace.files.get(file.folder, file.relPath)?.fileHash === hash) return 'unchanged';
    await writeFiles(this.writeTarget(), [{ ...file, bytes, hash }]);
    return 'indexed';
  }

  private async deleteFiles(files: ReadonlyArray<{ folder: string; path: string }>): Promise<number> {
    const n = await deleteFiles(this.writeTarget(), files);
    if (files.length) this.emit();
    return n;
  }

  private writeTarget(): WriteTarget {
    const { store, files, models, stored } = this.workspace;
    return { store, files, models, counters: this.counters, skips: this.skips, stored };
  }


  // ---- helpers ------------------------------------------------------------------------

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
    return this.workspace.locate(absPath);
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
      textModel: this.workspace.stored?.text?.modelId ?? settings?.textModel ?? '',
      imageModel: this.workspace.stored?.image?.modelId ?? settings?.imageModel ?? '',
      lastIndexed: new Date().toISOString(),
      skipped: this.skips.counts,
      skipExamples: this.skips.examples,
      rowlessFiles: this.workspace.files.rowless(),
    };
    await writeIndexState(this.options.dataDir, state);
  }

  private setState(state: IndexStatus['state'], message: string | undefined): void {
    this.workspace.state = state;
    this.workspace.message = message;
    this.emit();
  }

  private emit(): void {
    this.options.onStatus?.(this.status());
  }
}
