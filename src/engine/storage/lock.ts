// One writer per store: a LOCK file naming the owning process (pid + its start time, so a pid
// the OS has since reused for another program is not mistaken for the owner). A second live
// process is refused with a message that says who holds it; the lock of a process that died
// (VS Code crashed, machine rebooted) is taken over with a warning. Read-only openers take no lock.

import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EngineError, ErrorCode } from '../errors';
import { fsyncDir, writeFileDurable } from './atomicFile';
import { errnoCode, storageError } from './storageError';

export const LOCK_FILE = 'LOCK';

export interface StoreLock {
  /** Path of the lock file; undefined for a read-only opener. */
  readonly file: string | undefined;
  readonly readOnly: boolean;
  /** E.g. that a stale lock of a dead process was taken over. */
  readonly warnings: string[];
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  /** Linux: /proc/<pid>/stat field 22 (start time in clock ticks since boot). */
  startTicks?: string;
  /** For people: when the owning process started. */
  startedAt: string;
  hostname: string;
  /** Distinguishes this acquisition from any other by the same pid. */
  token: string;
}

/** Start time of `pid` from /proc (Linux); undefined if there is no such process or no /proc. */
export async function processStartTicks(pid: number): Promise<string | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces; fields 3.. follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}

const HAS_PROC = process.platform === 'linux';

async function isAlive(owner: LockOwner): Promise<boolean> {
  if (owner.hostname !== os.hostname()) return true; // another machine (shared folder): cannot tell
  if (HAS_PROC && owner.startTicks !== undefined) return (await processStartTicks(owner.pid)) === owner.startTicks;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM'; // exists but belongs to another user
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined | 'missing'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'missing';
    throw storageError('reading lock', file, err);
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' && typeof o.token === 'string' ? o : undefined;
  } catch {
    return undefined; // unreadable: no live process can be proven to own it
  }
}

/**
 * Takes the write lock of the store in `dir` (which must exist). Throws
 * EngineError(StorageError) if another live process holds it.
 */
export async function acquireLock(dir: string, opts: { readOnly?: boolean } = {}): Promise<StoreLock> {
  if (opts.readOnly) return { file: undefined, readOnly: true, warnings: [], release: async () => undefined };
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    startTicks: HAS_PROC ? await processStartTicks(process.pid) : undefined,
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    hostname: os.hostname(),
    token: randomBytes(8).toString('hex'),
  };
  const warnings: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await tryCreate(file, me)) {
      await fsyncDir(dir);
      return { file, readOnly: false, warnings, release: () => release(file, me.token) };
    }
    const owner = await readOwner(file);
    if (owner === 'missing') continue; // released meanwhile: try again
    if (owner && (await isAlive(owner))) {
      const self = owner.pid === process.pid ? ' — this process' : '';
      const host = owner.hostname !== os.hostname() ? ` on ${owner.hostname}` : '';
      throw new EngineError(ErrorCode.StorageError,
        `store ${dir} is in use by pid ${owner.pid}${host} (started ${owner.startedAt}${self}); close the other window or open read-only`);
    }
    if (await takeOver(file, owner)) {
      warnings.push(owner
        ? `took over the lock of ${dir} left by pid ${owner.pid} (started ${owner.startedAt}), which is no longer running`
        : `took over the unreadable lock file of ${dir}`);
    }
  }
  throw new EngineError(ErrorCode.StorageError, `store ${dir}: could not take the lock ${file}; another process keeps changing it`);
}

/**
 * Creates the lock with O_EXCL semantics and complete content: the content goes to a temp file
 * which is then hard-linked to LOCK (link fails if LOCK exists), so no one ever reads a
 * half-written lock. File systems without hard links fall back to an O_EXCL create.
 */
async function tryCreate(file: string, me: LockOwner): Promise<boolean> {
  const text = JSON.stringify(me);
  const temp = `${file}.${me.token}`;
  await writeFileDurable(temp, text);
  try {
    await fs.link(temp, file);
    return true;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw storageError('creating lock', file, err);
    try {
      await writeFileDurable(file, text);
      return true;
    } catch (e) {
      if (e instanceof EngineError && (await fs.stat(file).then(() => true, () => false))) return false;
      throw e;
    }
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * Removes a stale lock, but only the one we judged stale: it is first renamed to a private
 * name and checked, so a fresh lock that a racing process created meanwhile is put back.
 */
async function takeOver(file: string, stale: LockOwner | undefined): Promise<boolean> {
  const mine = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(file, mine);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw storageError('taking over lock', file, err);
  }
  const moved = await readOwner(mine);
  const same = moved === undefined ? stale === undefined : moved !== 'missing' && moved.token === stale?.token;
  if (!same) await fs.link(mine, file).catch(() => undefined); // not the one we judged: restore it
  await fs.rm(mine, { force: true }).catch(() => undefined);
  return same;
}

async function release(file: string, token: string): Promise<void> {
  const owner = await readOwner(file);
  if (owner === 'missing' || owner?.token !== token) return;
  await fs.rm(file, { force: true }).catch((err) => { throw storageError('releasing lock', file, err); });
}
