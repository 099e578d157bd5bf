// The write-ahead log: every insert/upsert/delete is appended and fsynced before it is
// acknowledged, and replayed into the memtable when the collection opens.
//
// GROUP COMMIT. Appends that arrive while a write+fsync is in flight wait and then go out
// together in the next single write+fsync, so 64 concurrent writers cost about one fsync per
// round, not 64.
//
// APPLY IN LOG ORDER. An append may carry `onDurable`, run synchronously right after its batch is
// fsynced, in log order, before the caller hears of it. The collection applies the operation to
// memory there, so memory always holds exactly the durable prefix of the log, in the log's order.
//
// FILES AND FLUSH PROTOCOL. The log is a series of files `wal-<seq>.log` in one folder; appends go
// to the newest. The manifest's `walSeq` says which files are still needed: every file with
// seq >= walSeq is replayed, older ones are already in sealed segments. A flush is
//   1. seq = await wal.rotate(cut)  new empty file; appends *called* from now on go there. `cut`
//                                    freezes the memtable at the one moment when every record of
//                                    the old file is applied and none of the new one is.
//   2. write the segment from the frozen memtable (segmentFile.ts, deltaLog.ts)
//   3. writeManifest({ ..., segments: [...with it], walSeq: seq })      ← the commit point
//   4. await wal.dropBefore(seq)     delete the files the segment now covers
// (`reset(commit)` runs 1, commit, 4.) A crash before 3 replays old and new files (the segment
// file is an unreferenced orphan); a crash after 3 replays only the new one, and `open` deletes
// the stale older files. No step loses an acknowledged operation or replays one twice.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EngineError, ErrorCode } from '../errors';
import { fsyncDir, writeFileAtomic } from './atomicFile';
import { crashPoint } from './crashPoint';
import { newerFormat, storageError } from './storageError';
import { decodeWalOp, encodeWalOp, type WalOp } from './walRecord';
import {
  checkHeader, frameRecord, parseWalFileName, scanRecords, walFileName, walHeader, WAL_HEADER_BYTES, WAL_VERSION,
} from './walFormat';

export interface WalOptions {
  /** The manifest's walSeq: files below it are covered by segments and deleted. Default 1. */
  fromSeq?: number;
  /** Replay only: change nothing on disk (no truncation, no new file); append() rejects. */
  readOnly?: boolean;
  /** fsync every batch (default true). Off only for benchmarks of the non-durable path. */
  sync?: boolean;
}

export interface WalStats {
  /** Operations acknowledged. */
  appends: number;
  /** write+fsync rounds; appends / batches is the group-commit factor. */
  batches: number;
  /** Record bytes written (headers included). */
  bytes: number;
}

export interface WalOpenResult {
  wal: WriteAheadLog;
  /** The operations to replay, oldest first. */
  ops: WalOp[];
  /** What was repaired on the way (torn tail, damaged record), one sentence each. */
  warnings: string[];
}

interface Pending {
  record: Buffer;
  onDurable?: () => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WriteAheadLog {
  readonly stats: WalStats = { appends: 0, batches: 0, bytes: 0 };
  private queue: Pending[] = [];
  /** Appends called after a rotate() whose switch has not happened yet; they belong to a newer file. */
  private held: Pending[] = [];
  /** For each rotation asked for and not yet done, in order: how many held appends came before its call. */
  private holds: number[] = [];
  /** Rotations run one after another: two overlapping flushes must cut the log at two points. */
  private rotations: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private seqNo: number,
    private handle: fs.FileHandle | undefined,
    private size: number,
    private readonly sync: boolean,
  ) {}

  /** Sequence number of the file appends currently go to. */
  get seq(): number {
    return this.seqNo;
  }

  /** The active file's path. */
  get file(): string {
    return path.join(this.dir, walFileName(this.seqNo));
  }

  /** Bytes in the active file (a hint for when to flush). */
  get sizeBytes(): number {
    return this.size;
  }

  /** Opens (creating if needed) the log in `dir` and returns the operations to replay. */
  static async open(dir: string, opts: WalOptions = {}): Promise<WalOpenResult> {
    const fromSeq = opts.fromSeq ?? 1;
    const readOnly = opts.readOnly ?? false;
    if (!readOnly) await fs.mkdir(dir, { recursive: true }).catch((err) => { throw storageError('creating folder', dir, err); });
    const seqs = await listSeqs(dir);
    const warnings: string[] = [];
    const ops: WalOp[] = [];
    if (!readOnly) {
      const stale = seqs.filter((s) => s < fromSeq);
      for (const s of stale) await fs.rm(path.join(dir, walFileName(s)), { force: true });
      if (stale.length) await fsyncDir(dir);
    }
    const live = seqs.filter((s) => s >= fromSeq);
    let active: { seq: number; size: number } | undefined;
    for (let i = 0; i < live.length; i++) {
      const file = path.join(dir, walFileName(live[i]));
      const replay = await replayFile(file, live[i], readOnly);
      ops.push(...replay.ops);
      warnings.push(...replay.warnings);
      if (replay.usable) active = { seq: live[i], size: replay.size };
      if (!replay.complete) {
        // Later files continue from a point we could not reach; replaying them would apply
        // operations out of context, so they are set aside with the damaged one.
        for (const later of live.slice(i + 1)) {
          const laterFile = path.join(dir, walFileName(later));
          const aside = readOnly ? laterFile : await setAside(laterFile, true);
          warnings.push(`WAL ${laterFile} was not replayed because an earlier log file is damaged${readOnly ? '' : `; moved to ${aside}`}.`);
        }
        break;
      }
    }
    if (readOnly) return { wal: new WriteAheadLog(dir, active?.seq ?? fromSeq, undefined, active?.size ?? 0, false), ops, warnings };
    if (!active) {
      const seq = Math.max(fromSeq, ...live);
      await createLogFile(dir, seq);
      active = { seq, size: WAL_HEADER_BYTES };
    }
    const file = path.join(dir, walFileName(active.seq));
    const handle = await fs.open(file, 'r+').catch((err) => { throw storageError('opening', file, err); });
    return { wal: new WriteAheadLog(dir, active.seq, handle, active.size, opts.sync ?? true), ops, warnings };
  }

  /**
   * Appends one operation; resolves once it is on disk (fsynced). Rejects with
   * EngineError(StorageError) naming the file if the write fails — then this append and every
   * append batched with it are not in the log, and the records acknowledged before are intact.
   */
  append(op: WalOp, onDurable?: () => void): Promise<void> {
    if (this.closed || !this.handle) {
      return Promise.reject(new EngineError(ErrorCode.StorageError, `storage: WAL ${this.file} is ${this.closed ? 'closed' : 'open read-only'}`));
    }
    let record: Buffer;
    try {
      record = frameRecord(encodeWalOp(op));
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      if (this.holds.length) {
        this.held.push({ record, onDurable, resolve, reject });
      } else {
        this.queue.push({ record, onDurable, resolve, reject });
        this.startDrain();
      }
    });
  }

  /**
   * Starts a new, empty log file (seq + 1) and returns its sequence number. Appends called
   * before rotate() land in the old file, appends called after it in the new one. `cut` runs at
   * the switch, when every record of the old file is durable and applied (its `onDurable` ran)
   * and no record of the new file is: a memtable frozen there holds exactly the old files' ops.
   * The new file is created before the cut, so a failure leaves nothing cut.
   */
  rotate(cut?: () => void): Promise<number> {
    try {
      this.assertWritable();
    } catch (err) {
      return Promise.reject(err);
    }
    this.holds.push(this.held.length);
    const next = this.rotations.then(() => this.rotateNow(cut));
    this.rotations = next.catch(() => undefined);
    return next;
  }

  private async rotateNow(cut: (() => void) | undefined): Promise<number> {
    try {
      this.assertWritable();
      await this.idle();
      const seq = this.seqNo + 1;
      await createLogFile(this.dir, seq);
      const file = path.join(this.dir, walFileName(seq));
      const handle = await fs.open(file, 'r+').catch((err) => { throw storageError('opening', file, err); });
      // From here to the end of the switch nothing can fail or yield.
      cut?.();
      const old = this.handle;
      this.handle = handle;
      this.seqNo = seq;
      this.size = WAL_HEADER_BYTES;
      await old?.close().catch(() => undefined);
      return seq;
    } finally {
      // Release the appends called before the next rotation was asked for; later ones wait for it.
      this.holds.shift();
      const upTo = this.holds.length ? this.holds[0] : this.held.length;
      this.queue.push(...this.held.splice(0, upTo));
      this.holds = this.holds.map((n) => n - upTo);
      this.startDrain();
    }
  }

  /** Deletes the log files older than `seq` (call once the manifest's walSeq is >= seq). */
  async dropBefore(seq: number): Promise<void> {
    this.assertWritable();
    const old = (await listSeqs(this.dir)).filter((s) => s < seq && s !== this.seqNo);
    for (const s of old) {
      const file = path.join(this.dir, walFileName(s));
      await fs.rm(file, { force: true }).catch((err) => { throw storageError('deleting', file, err); });
    }
    if (old.length) await fsyncDir(this.dir);
  }

  /**
   * After a flush: start an empty log. `commit(newSeq)` must durably record walSeq = newSeq
   * (write the manifest) — only then are the older files deleted. See the protocol at the top.
   */
  async reset(commit: (walSeq: number) => Promise<void>): Promise<void> {
    const seq = await this.rotate();
    await commit(seq);
    await this.dropBefore(seq);
  }

  /** Waits for appends in flight, then closes the file; later appends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.rotations;
    await this.idle();
    this.closed = true;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private assertWritable(): void {
    if (this.closed || !this.handle) throw new EngineError(ErrorCode.StorageError, `storage: WAL ${this.file} is not open for writing`);
  }

  private async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private startDrain(): void {
    if (!this.draining && this.queue.length) {
      // Start on the next microtask so every append issued in the same tick joins the first batch.
      this.draining = Promise.resolve().then(() => this.drain()).finally(() => {
        this.draining = undefined;
        if (this.queue.length) this.startDrain();
      });
    }
  }

  /** The group-commit loop: everything queued goes out in one write and one fsync. */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      const data = batch.length === 1 ? batch[0].record : Buffer.concat(batch.map((p) => p.record));
      const handle = this.handle;
      try {
        if (!handle) throw new Error('the log is closed');
        await writeFully(handle, data, this.size);
        if (this.sync) await handle.datasync();
        crashPoint('wal:after-sync');
      } catch (err) {
        // Cut off whatever part of the batch reached the file, so the log ends at the last
        // acknowledged record and the next batch starts at a clean boundary.
        await handle?.truncate(this.size).catch(() => undefined);
        const error = storageError('appending to', this.file, err);
        for (const p of batch) p.reject(error);
        continue;
      }
      this.size += data.length;
      this.stats.appends += batch.length;
      this.stats.batches += 1;
      this.stats.bytes += data.length;
      for (const p of batch) {
        try {
          p.onDurable?.();
        } catch (err) {
          // The record is durable and will replay; the caller learns that memory could not follow.
          p.reject(err as Error);
          continue;
        }
        p.resolve();
      }
    }
  }
}

async function writeFully(handle: fs.FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

async function listSeqs(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw storageError('listing', dir, err);
  }
  return names.map(parseWalFileName).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
}

/** A new log file holding only its header, created atomically so it is never half a header. */
async function createLogFile(dir: string, seq: number): Promise<void> {
  await writeFileAtomic(path.join(dir, walFileName(seq)), walHeader(seq));
}

/** Copies (or moves) a damaged file to `<file>.corrupt-<timestamp>` and returns that path. */
async function setAside(file: string, move: boolean): Promise<string> {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    if (move) await fs.rename(file, aside);
    else await fs.copyFile(file, aside);
  } catch (err) {
    throw storageError('setting aside the damaged log', file, err);
  }
  return aside;
}

interface FileReplay {
  ops: WalOp[];
  warnings: string[];
  /** False when replay stopped at damage: later files must not be replayed. */
  complete: boolean;
  /** The file (possibly truncated) can take further appends. */
  usable: boolean;
  size: number;
}

async function replayFile(file: string, seq: number, readOnly: boolean): Promise<FileReplay> {
  const buf = await fs.readFile(file).catch((err) => { throw storageError('reading', file, err); });
  const header = checkHeader(buf, seq);
  if (!header.ok) {
    if (header.newerVersion !== undefined) {
      throw newerFormat(file, header.newerVersion, WAL_VERSION);
    }
    const aside = readOnly ? file : await setAside(file, true);
    return { ops: [], warnings: [`WAL ${file} is damaged (${header.detail}) and was not replayed${readOnly ? '' : `; moved to ${aside}`}.`], complete: false, usable: false, size: 0 };
  }
  const scan = scanRecords(buf);
  const ops: WalOp[] = [];
  let damage = scan.damage;
  for (let i = 0; i < scan.payloads.length; i++) {
    try {
      ops.push(decodeWalOp(scan.payloads[i]));
    } catch {
      // A record whose checksum holds but whose content does not decode: treat as damage there.
      const offset = scan.payloads[i].byteOffset - buf.byteOffset - 8;
      damage = { offset, kind: 'checksum' };
      break;
    }
  }
  if (!damage) return { ops, warnings: [], complete: true, usable: true, size: buf.length };

  const dropped = buf.length - damage.offset;
  // A record cut short, the very last record damaged, or zero fill after a crash: an
  // interrupted write. Anything else means bytes we cannot explain are lost — keep a copy.
  const tailOnly = damage.kind === 'torn' || isLastRecord(buf, damage.offset) || isAllZero(buf, damage.offset + 8);
  const warnings: string[] = [];
  let aside: string | undefined;
  if (!readOnly) {
    if (!tailOnly) aside = await setAside(file, false);
    await truncateFile(file, damage.offset);
  }
  warnings.push(tailOnly
    ? `WAL ${file}: the last record (at byte ${damage.offset}) was cut short by an interrupted write; dropped ${dropped} bytes, the ${ops.length} operations before it are intact.`
    : `WAL ${file}: the record at byte ${damage.offset} is damaged and ${dropped} bytes from there could not be replayed; kept the ${ops.length} operations before it${aside ? `, a copy of the damaged log is at ${aside}` : ''}.`);
  return { ops, warnings, complete: tailOnly, usable: true, size: damage.offset };
}

function isLastRecord(buf: Buffer, offset: number): boolean {
  return offset + 8 + buf.readUInt32LE(offset) === buf.length;
}

function isAllZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

async function truncateFile(file: string, length: number): Promise<void> {
  const handle = await fs.open(file, 'r+').catch((err) => { throw storageError('repairing', file, err); });
  try {
    await handle.truncate(length);
    await handle.sync();
  } catch (err) {
    throw storageError('repairing', file, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
