// Backup and restore of a whole database folder as one file.
//
// backupDatabase flushes every collection, then — inside each collection's background queue, so
// no flush or compaction replaces or deletes a file meanwhile — copies its manifest and every
// file the manifest names. Writes go on during the copy (they land in the WAL, which the backup
// leaves out): the snapshot holds every write acknowledged before the backup started.
//
// File format (all integers little-endian):
//   "LOUPEBAK" u32 version=1
//   entries: u32 nameLength, name (utf-8, relative path with '/'), u64 byteLength, bytes, sha256(bytes)[32]
//   end:     u32 0
// restoreDatabase checks every sha256 before anything is visible, writes into a temp folder
// beside the target and renames it into place.
//
// A server or extension that holds the writer lock backs up in-process with this function; from
// another process, open the database read-only after the holder has flushed (files may then be
// replaced under the copy, which the checksums would catch).

import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Database } from './database';
import { EngineError, ErrorCode } from './errors';
import { fsyncDir, writeFileDurable } from './storage/atomicFile';
import { readManifest, referencedFiles } from './storage/manifest';

const MAGIC = Buffer.from('LOUPEBAK');
const VERSION = 1;

export interface BackupSummary {
  collections: string[];
  files: number;
  bytes: number;
}

function backupError(message: string): EngineError {
  return new EngineError(ErrorCode.StorageError, message);
}

/** Writes a consistent snapshot of `db` (a durable database) to `outFile`, replacing it atomically. */
export async function backupDatabase(db: Database, outFile: string): Promise<BackupSummary> {
  if (!db.dir) throw backupError('backup: the database lives in memory only; there is nothing on disk to back up');
  const temp = `${outFile}.tmp-${process.pid}`;
  const out = await fs.open(temp, 'w').catch((err: Error) => {
    throw backupError(`backup: cannot write ${temp}: ${err.message}`);
  });
  const summary: BackupSummary = { collections: [], files: 0, bytes: 0 };
  let position = 0;
  const write = async (buf: Buffer): Promise<void> => {
    await out.write(buf, 0, buf.length, position).catch((err: Error) => {
      throw backupError(`backup: writing ${temp} failed: ${err.message}`);
    });
    position += buf.length;
  };
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const addFile = async (name: string, data: Buffer): Promise<void> => {
    const nameBuf = Buffer.from(name, 'utf8');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(data.length));
    await write(Buffer.concat([u32(nameBuf.length), nameBuf, len]));
    await write(data);
    await write(createHash('sha256').update(data).digest());
    summary.files++;
    summary.bytes += data.length;
  };
  try {
    await write(Buffer.concat([MAGIC, u32(VERSION)]));
    for (const name of db.listCollections()) {
      const c = db.collection(name);
      if (!db.readOnly) await c.flush();
      const dir = path.join(db.dir, name);
      await c.segments.exclusive(async () => {
        const manifest = await readManifest(dir);
        if (!manifest) throw backupError(`backup: ${dir} has no manifest.json`);
        const files = ['manifest.json', ...[...referencedFiles(manifest)].filter((f) => f !== 'manifest.json').sort()];
        for (const f of files) {
          const data = await fs.readFile(path.join(dir, f)).catch((err: Error) => {
            throw backupError(`backup: cannot read ${path.join(dir, f)}: ${err.message}`);
          });
          await addFile(`${name}/${f}`, data);
        }
      });
      summary.collections.push(name);
    }
    await write(u32(0));
    await out.sync();
    await out.close();
    await fs.rename(temp, outFile);
    await fsyncDir(path.dirname(path.resolve(outFile)));
    return summary;
  } catch (err) {
    await out.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/**
 * Restores a backup into `dataDir`, which must not exist or be empty. Every file's checksum is
 * verified before the folder appears; a damaged backup fails naming the file and leaves nothing.
 */
export async function restoreDatabase(fromFile: string, dataDir: string): Promise<BackupSummary> {
  const existing = await fs.readdir(dataDir).catch(() => undefined);
  if (existing && existing.length > 0) throw backupError(`restore: ${dataDir} is not empty; restore into a new or empty folder`);
  const data = await fs.readFile(fromFile).catch((err: Error) => {
    throw backupError(`restore: cannot read ${fromFile}: ${err.message}`);
  });
  const bad = (what: string): EngineError => backupError(`restore: ${fromFile} is not a usable backup: ${what}`);
  if (data.length < 12 || !data.subarray(0, 8).equals(MAGIC)) throw bad('it does not start with LOUPEBAK');
  const version = data.readUInt32LE(8);
  if (version > VERSION) throw bad(`it was written by a newer Loupe (backup format ${version}, this one reads ${VERSION})`);
  const entries: Array<{ name: string; bytes: Buffer }> = [];
  let at = 12;
  for (;;) {
    if (at + 4 > data.length) throw bad(`it ends early at byte ${at} (truncated?)`);
    const nameLen = data.readUInt32LE(at);
    at += 4;
    if (nameLen === 0) break;
    if (at + nameLen + 8 > data.length) throw bad(`entry ${entries.length + 1} is cut off at byte ${at}`);
    const name = data.subarray(at, at + nameLen).toString('utf8');
    at += nameLen;
    const len = Number(data.readBigUInt64LE(at));
    at += 8;
    if (at + len + 32 > data.length) throw bad(`file ${name} is cut off (needs ${len} bytes at byte ${at})`);
    const parts = name.split('/');
    if (path.isAbsolute(name) || parts.some((p) => p === '..' || p === '' || p === '.')) throw bad(`entry name ${JSON.stringify(name)} is not a plain relative path`);
    const bytes = data.subarray(at, at + len);
    at += len;
    const sum = data.subarray(at, at + 32);
    at += 32;
    if (!createHash('sha256').update(bytes).digest().equals(sum)) throw bad(`file ${name} fails its sha256 checksum (damaged)`);
    entries.push({ name, bytes });
  }
  const target = path.resolve(dataDir);
  const temp = `${target}.restore-${process.pid}`;
  await fs.rm(temp, { recursive: true, force: true });
  try {
    const dirs = new Set<string>();
    for (const e of entries) {
      const file = path.join(temp, ...e.name.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      dirs.add(path.dirname(file));
      await writeFileDurable(file, e.bytes);
    }
    for (const d of dirs) await fsyncDir(d);
    if (existing) await fs.rmdir(target);
    await fs.rename(temp, target);
    await fsyncDir(path.dirname(target));
  } catch (err) {
    await fs.rm(temp, { recursive: true, force: true });
    throw err instanceof EngineError ? err : backupError(`restore: writing ${dataDir} failed: ${(err as Error).message}`);
  }
  const collections = [...new Set(entries.map((e) => e.name.split('/')[0]))].sort();
  return { collections, files: entries.length, bytes: entries.reduce((s, e) => s + e.bytes.length, 0) };
}
