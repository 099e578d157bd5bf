// A full pass: scan → plan (diff by hash) → drop deleted files → per group of files: chunk, embed
// what changed, replace the files' rows → flush (in the background: the rows are searchable
// once written, exactly until their segment's index is built, and durable in the WAL).
//
// The groups are pipelined so the embedding worker never waits for the main thread: while the
// worker embeds group N, the main thread chunks the next group and writes the one before. At
// most GROUPS_IN_FLIGHT groups are chunked and not yet written, so memory stays flat. A group is
// written under the index's write lock after re-reading its files: one edited since it was
// chunked is re-indexed from its new text (as an edit would be), never overwritten with stale
// chunks. Cancellation and pause take effect before the next group is chunked; the groups
// already in flight are finished and written.

import type { IndexStatus } from '../../protocol/requests';
import type { WorkspaceScanner } from '../scan/scanner';
import { fileHash } from './chunkSchema';
import { emptyCounters, type EmbedCounters } from './chunkRows';
import { protocolSkipReason } from './indexState';
import { planIndex } from './plan';
import type { SkipLog } from './skipLog';
import { chunkFiles, embedFiles, replaceRows, type EmbeddedGroup, type FileToWrite, type WriteCounts, type WriteTarget } from './writeFiles';

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

/** What a pass needs from the index it runs in (WorkspaceIndex). */
export interface PassHost {
  readonly scanner: WorkspaceScanner;
  readonly skips: SkipLog;
  readonly counters: EmbedCounters;
  /** Store, files and models as they are now (a reconnect replaces the files view). */
  target(): WriteTarget;
  /** The file's bytes, or its unsaved editor text. */
  readFile(absPath: string): Promise<Buffer>;
  /** Runs `work` when no other write runs: writes (passes' groups and edits) are serialised. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Counts the edits and removals announced for a file (updateFile / removeFile) so far; the
   * write of a group compares it with the count when the group was read, instead of reading
   * every file again. A removal counts for every file, because it may name a whole folder.
   */
  editMark(absPath: string): number;
  /** Re-indexes one file as an edit does; call it holding the write lock. */
  reindexFile(absPath: string): Promise<'indexed' | 'unchanged' | 'removed' | 'skipped'>;
  deleteFiles(files: ReadonlyArray<{ folder: string; path: string }>): Promise<number>;
  /** Resolves at once, or when a pause is lifted. */
  untilResumed(): Promise<void>;
  isPaused(): boolean;
  setState(state: IndexStatus['state'], message: string | undefined): void;
  setProgress(progress: { done: number; total: number } | undefined): void;
  /** Seals and persists what the pass wrote without holding it up (WorkspaceIndex.settled waits). */
  flushInBackground(): void;
  saveState(): Promise<void>;
}

/** Files per group: one batch of model calls, then one write per group. */
export const GROUP_FILES = 16;

/**
 * Groups chunked ahead of the one being written. Chunking runs ahead of the model on average but
 * not on every group (a big bundle takes a while to parse), so a few in reserve keep the worker
 * busy; the bound keeps memory flat.
 */
const GROUPS_IN_FLIGHT = 3;

type PlannedFile = Omit<FileToWrite, 'bytes'> & { path: string };

export async function runIndexPass(host: PassHost, onProgress?: (p: IndexProgress) => void, token?: CancellationLike): Promise<IndexReport> {
  const before = { ...host.counters };
  const report: IndexReport = { scanned: 0, indexed: 0, unchanged: 0, deleted: 0, failed: 0, cancelled: false, embedded: emptyCounters() };
  const busy = (): IndexStatus['state'] => (host.isPaused() ? 'paused' : 'indexing');
  host.setState(busy(), 'Scanning the workspace');
  const scan = await host.scanner.scan();
  host.skips.reset();
  for (const [reason, n] of Object.entries(scan.skipped)) if (n) host.skips.add(protocolSkipReason(reason as never), n);
  for (const [reason, paths] of Object.entries(scan.examples)) for (const p of paths) host.skips.note(`${p}: ${reason}`);
  // Only files the index already knows need their hash to plan; a new file is read once, when
  // its group is chunked (hash '' never matches a stored one).
  const known = host.target().files;
  const onDisk: PlannedFile[] = [];
  for (const file of scan.files) {
    if (!known.has(file.folder, file.relPath)) {
      onDisk.push({ ...file, path: file.relPath, hash: '' });
      continue;
    }
    const bytes = await host.readFile(file.absPath).catch(() => undefined);
    if (bytes) onDisk.push({ ...file, path: file.relPath, hash: fileHash(bytes) });
    else host.skips.add('unreadable', 1);
  }
  report.scanned = onDisk.length;
  const plan = planIndex(onDisk, host.target().files.list());
  report.unchanged = plan.unchanged.length;
  for (const f of plan.unchanged) {
    const skip = host.target().files.get(f.folder, f.path)?.skip;
    if (skip) host.skips.file(f, skip);
  }
  await host.exclusive(() => host.deleteFiles(plan.toDelete));
  report.deleted = plan.toDelete.length;
  const total = plan.toIndex.length;
  host.setProgress({ done: 0, total });
  host.setState(busy(), total ? `Indexing ${total} file(s)` : undefined);

  let done = 0;
  const written = (group: readonly PlannedFile[], counts: WriteCounts): void => {
    report.indexed += counts.indexed;
    report.failed += counts.failed;
    done += group.length;
    host.setProgress({ done, total });
    const last = group[group.length - 1];
    onProgress?.({ done, total, current: `${last.folder}/${last.path}` });
  };
  // Groups chunked and handed to the worker, oldest first; each is written after the one before it.
  const inFlight: Array<Promise<void>> = [];
  try {
    for (let start = 0; start < total; start += GROUP_FILES) {
      await host.untilResumed();
      if (token?.isCancellationRequested) {
        report.cancelled = true;
        break;
      }
      const group = plan.toIndex.slice(start, start + GROUP_FILES);
      const read = await readGroup(host, group);
      const chunked = await chunkFiles(read.files);
      const embedding = embedFiles(host.target(), chunked);
      const previous = inFlight[inFlight.length - 1];
      const writing = (async () => {
        const embedded = await embedding;
        await previous;
        written(group, await writeGroup(host, embedded, read.marks));
      })();
      writing.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      inFlight.push(writing);
      if (inFlight.length >= GROUPS_IN_FLIGHT) await inFlight.shift();
    }
    while (inFlight.length) await inFlight.shift();
  } finally {
    // Nothing of this pass outlives it, not even after a failure (a store outage retries the pass).
    await Promise.allSettled(inFlight);
  }
  host.flushInBackground();
  await host.saveState();
  for (const k of Object.keys(report.embedded) as Array<keyof EmbedCounters>) report.embedded[k] = host.counters[k] - before[k];
  host.setProgress(undefined);
  host.setState(host.isPaused() ? 'paused' : 'ready', report.cancelled ? 'Indexing was cancelled; run reindex to finish.' : undefined);
  return report;
}

/** Reads a group's files, noting each one's edit mark first (an edit after that is noticed). */
async function readGroup(host: PassHost, group: readonly PlannedFile[]): Promise<{ files: FileToWrite[]; marks: Map<string, number> }> {
  const files: FileToWrite[] = [];
  const marks = new Map<string, number>();
  for (const f of group) {
    marks.set(f.absPath, host.editMark(f.absPath));
    const bytes = await host.readFile(f.absPath).catch(() => undefined);
    if (bytes) files.push({ ...f, bytes, hash: fileHash(bytes) });
    else host.skips.add('unreadable', 1);
  }
  return { files, marks };
}

/**
 * Writes an embedded group holding the write lock. A file edited or removed since it was read
 * (its edit mark moved) is re-indexed as an edit would be: from its new text, or dropped if it
 * is gone. The rest replace the rows their files hold now (an edit may have written some). A
 * change on disk nobody announced is left to the watcher's event or the next pass.
 */
async function writeGroup(host: PassHost, group: EmbeddedGroup, marks: ReadonlyMap<string, number>): Promise<WriteCounts> {
  return host.exclusive(async () => {
    const current = [];
    const changed: string[] = [];
    for (const f of group.files) {
      if (host.editMark(f.unit.absPath) === marks.get(f.unit.absPath)) current.push(f);
      else changed.push(f.unit.absPath);
    }
    const t = host.target();
    const counts = await replaceRows(t, current, await t.files.storedRows(t.store, current.map((f) => f.unit), []));
    for (const absPath of changed) {
      const outcome = await host.reindexFile(absPath);
      if (outcome === 'indexed' || outcome === 'unchanged') counts.indexed++;
    }
    return counts;
  });
}
