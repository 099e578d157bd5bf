// The manifest: one JSON file per collection naming everything that is durable — schema,
// indexes, sealed segments with their delta logs and index files (each with its checksum), the
// id counters and the first WAL file still needed. It is replaced atomically; writing it is the
// commit point of a flush (see wal.ts).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CollectionSchema } from '../schema/types';
import type { IndexSpec } from '../index/types';
import { writeFileAtomic, TEMP_MARKER } from './atomicFile';
import { readVersionedJson } from './versionedJson';
import { corruptFile, storageError } from './storageError';

export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export interface FileRef {
  /** File name, relative to the collection folder. */
  file: string;
  crc32: number;
  bytes: number;
}

export interface SegmentEntry extends FileRef {
  id: number;
  rowCount: number;
  deltaLog?: { file: string; crc32: number; count: number };
  /** Per vector field, its saved index. */
  indexFiles: Record<string, FileRef>;
}

export interface Manifest {
  formatVersion: number;
  name: string;
  schema: CollectionSchema;
  indexes: Array<{ fieldName: string; indexName: string; spec: IndexSpec }>;
  segments: SegmentEntry[];
  nextSegmentId: number;
  nextAutoId: number;
  /** WAL files with this sequence number or higher hold operations not yet in a segment. */
  walSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** The manifest of a new, empty collection. */
export function newManifest(name: string, schema: CollectionSchema, now = new Date()): Manifest {
  const at = now.toISOString();
  return {
    formatVersion: FORMAT_VERSION, name, schema, indexes: [], segments: [],
    nextSegmentId: 1, nextAutoId: 1, walSeq: 1, createdAt: at, updatedAt: at,
  };
}

/** Reads `<dir>/manifest.json`; undefined if there is none (a new collection). */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const file = path.join(dir, MANIFEST_FILE);
  const m = await readVersionedJson(file, FORMAT_VERSION);
  if (m === undefined) return undefined;
  checkShape(file, m);
  return m as unknown as Manifest;
}

/** Replaces `<dir>/manifest.json` atomically (creating `dir` if needed). */
export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  await fs.mkdir(dir, { recursive: true }).catch((err) => { throw storageError('creating folder', dir, err); });
  await writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify(m, null, 1));
}

/** Every file the manifest refers to, by name relative to its folder. */
export function referencedFiles(m: Manifest): Set<string> {
  const names = new Set<string>([MANIFEST_FILE]);
  for (const s of m.segments) {
    names.add(s.file);
    if (s.deltaLog) names.add(s.deltaLog.file);
    for (const f of Object.values(s.indexFiles)) names.add(f.file);
  }
  return names;
}

/**
 * Files in `dir` that a crash or an interrupted flush left behind: segment and delta files
 * the manifest does not name, and temp files of atomic writes. Safe to delete while the store
 * lock is held. `extraPrefixes` lets the caller add its own file families (e.g. index files).
 */
export async function unreferencedFiles(dir: string, m: Manifest, extraPrefixes: string[] = []): Promise<string[]> {
  const keep = referencedFiles(m);
  const prefixes = ['segment-', ...extraPrefixes];
  const names = await fs.readdir(dir).catch((err) => { throw storageError('listing', dir, err); });
  return names.filter((n) => !keep.has(n) && (n.includes(TEMP_MARKER) || prefixes.some((p) => n.startsWith(p))));
}

function checkShape(file: string, m: Record<string, unknown>): void {
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw corruptFile(file, what);
  };
  need(typeof m.name === 'string', 'it has no collection name');
  const schema = m.schema as { fields?: unknown } | undefined;
  need(typeof schema === 'object' && schema !== null && Array.isArray(schema.fields), 'it has no schema fields');
  need(Array.isArray(m.indexes), 'it has no index list');
  need(Array.isArray(m.segments), 'it has no segment list');
  (m.segments as unknown[]).forEach((s, i) => {
    const e = s as Partial<SegmentEntry> | null;
    need(typeof e?.id === 'number' && typeof e.file === 'string' && typeof e.crc32 === 'number'
      && typeof e.bytes === 'number' && typeof e.rowCount === 'number' && typeof e.indexFiles === 'object',
    `segment entry ${i} is incomplete`);
  });
  for (const k of ['nextSegmentId', 'nextAutoId', 'walSeq'] as const) need(Number.isSafeInteger(m[k]), `it has no valid ${k}`);
}
