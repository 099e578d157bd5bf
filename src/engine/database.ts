// A database is a directory of collections (or, with no directory, memory only). It creates,
// opens, lists and drops them, holds the single-writer lock, and flushes on a timer.

import { checkMetricFor } from './schema/denseVector';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Collection, type CollectionLog } from './collection';
import { DurableCollection, type OpenReport } from './durableCollection';
import { EngineError, ErrorCode } from './errors';
import { validateSpec } from './index/factory';
import type { IndexSpec } from './index/types';
import { type CollectionSchema, isDenseVectorType } from './schema/types';
import { validateCollectionName, validateSchema } from './schema/validateSchema';
import { SegmentSet, type SegmentSetOptions, normalizeSpec } from './segmentSet';
import { type StoreLock, acquireLock } from './storage/lock';
import { readManifest, writeManifest } from './storage/manifest';

export interface CreateCollectionOptions {
  indexes?: Array<{ fieldName: string; indexName?: string } & IndexSpec>;
}

export interface DatabaseOptions extends SegmentSetOptions {
  /** Open without the writer lock; writes are refused. */
  readOnly?: boolean;
  /** Flush collections with unflushed writes this often (ms); 0 turns it off. Default 60 s. */
  flushIntervalMs?: number;
  /** Where to tell about repairs made while opening (default: nowhere; see `openReports`). */
  onWarning?: (message: string) => void;
}

const NO_LOG: CollectionLog = { append: async (_op, apply) => apply() };

export class Database {
  private readonly collections = new Map<string, Collection>();
  private readonly durable = new Map<string, DurableCollection>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly dir: string | undefined,
    private readonly options: DatabaseOptions,
    private readonly lock: StoreLock | undefined,
  ) {}

  /** A database that lives only in memory (tests, scratch work). */
  static inMemory(options: DatabaseOptions = {}): Database {
    return new Database(undefined, options, undefined);
  }

  /** Opens (creating if needed) the database in `dir`; takes the writer lock unless read-only. */
  static async open(dir: string, options: DatabaseOptions = {}): Promise<Database> {
    await fs.mkdir(dir, { recursive: true });
    const lock = options.readOnly ? undefined : await acquireLock(dir);
    const db = new Database(dir, options, lock);
    try {
      for (const name of (await fs.readdir(dir)).sort()) {
        const sub = path.join(dir, name);
        const exists = await fs.stat(path.join(sub, 'manifest.json')).then(() => true, () => false);
        if (!exists) continue;
        const dc = await DurableCollection.open(sub, options);
        for (const w of dc.report.warnings) options.onWarning?.(`${name}: ${w}`);
        db.durable.set(dc.collection.name, dc);
        db.collections.set(dc.collection.name, dc.collection);
      }
    } catch (err) {
      await lock?.release();
      throw err;
    }
    const every = options.flushIntervalMs ?? 60_000;
    if (!options.readOnly && every > 0) {
      db.timer = setInterval(() => void db.flushAll().catch((e) => options.onWarning?.(`automatic flush failed: ${(e as Error).message}`)), every);
      db.timer.unref();
    }
    return db;
  }

  get readOnly(): boolean {
    return this.options.readOnly === true;
  }

  /** What opening each collection repaired or left out. */
  openReports(): Record<string, OpenReport> {
    return Object.fromEntries([...this.durable].map(([n, d]) => [n, d.report]));
  }

  listCollections(): string[] {
    return [...this.collections.keys()].sort();
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  collection(name: string): Collection {
    const c = this.collections.get(name);
    if (!c) throw new EngineError(ErrorCode.CollectionNotFound, `collection "${name}" not found`);
    return c;
  }

  async createCollection(name: string, schema: CollectionSchema, opts: CreateCollectionOptions = {}): Promise<Collection> {
    this.assertWritable();
    validateCollectionName(name);
    if (this.collections.has(name)) {
      throw new EngineError(ErrorCode.CollectionAlreadyExists, `collection "${name}" already exists`);
    }
    const checked = validateSchema(schema);
    // Check index specs before anything is created, so a bad one leaves no half-made collection.
    for (const ix of opts.indexes ?? []) {
      const field = checked.fields.find((f) => f.name === ix.fieldName);
      if (!field) throw new EngineError(ErrorCode.InvalidParameter, `index on "${ix.fieldName}": no such field`);
      if (isDenseVectorType(field.dataType)) {
        const { fieldName: _f, indexName: _n, ...spec } = ix;
        checkMetricFor(field, spec.metricType, `index on "${ix.fieldName}"`);
        validateSpec(normalizeSpec(spec), field.dim as number);
      }
    }
    let collection: Collection;
    if (this.dir) {
      const dc = await DurableCollection.create(await freeDir(this.dir, name), name, checked, this.options);
      this.durable.set(name, dc);
      collection = dc.collection;
    } else {
      collection = new Collection(name, checked, new SegmentSet(checked, this.options), NO_LOG, Date.now());
    }
    this.collections.set(name, collection);
    for (const ix of opts.indexes ?? []) {
      const { fieldName, indexName, ...spec } = ix;
      await collection.createIndex(fieldName, spec, indexName);
    }
    return collection;
  }

  async dropCollection(name: string): Promise<void> {
    this.assertWritable();
    this.collection(name);
    this.collections.delete(name);
    const dc = this.durable.get(name);
    if (dc) {
      this.durable.delete(name);
      await dc.close();
      await fs.rm(dc.dir, { recursive: true, force: true });
    }
  }

  /**
   * Renames a collection. On disk the manifest's name is the commit point (a restart knows the
   * collection by it); the folder follows, and if moving it fails the collection stays where it is.
   */
  async renameCollection(from: string, to: string): Promise<void> {
    this.assertWritable();
    const old = this.collection(from);
    validateCollectionName(to);
    if (this.collections.has(to)) throw new EngineError(ErrorCode.CollectionAlreadyExists, `collection "${to}" already exists; pick another name`);
    const dc = this.durable.get(from);
    let renamed: Collection;
    if (dc && this.dir) {
      await old.flush();
      await dc.close();
      const manifest = await readManifest(dc.dir);
      if (!manifest) throw new EngineError(ErrorCode.StorageError, `${dc.dir}: manifest.json is missing`);
      await writeManifest(dc.dir, { ...manifest, name: to });
      let dir = dc.dir;
      const target = path.join(this.dir, to);
      const free = await fs.stat(target).then(() => false, () => true);
      if (free) dir = await fs.rename(dc.dir, target).then(() => target, () => dc.dir);
      const reopened = await DurableCollection.open(dir, this.options);
      this.durable.delete(from);
      this.durable.set(to, reopened);
      renamed = reopened.collection;
    } else {
      renamed = new Collection(to, old.schema, old.segments, NO_LOG, old.createdAt);
    }
    if (old.getLoadState() !== 'LoadStateLoaded') renamed.release();
    this.collections.delete(from);
    this.collections.set(to, renamed);
  }

  async flushAll(): Promise<void> {
    for (const c of this.collections.values()) await c.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (!this.options.readOnly) await this.flushAll();
    for (const dc of this.durable.values()) await dc.close();
    await this.lock?.release();
  }

  private assertWritable(): void {
    if (this.options.readOnly) throw new EngineError(ErrorCode.StorageError, 'the store is open read-only; writes are refused');
    if (this.closed) throw new EngineError(ErrorCode.StorageError, 'the database is closed');
  }
}

/** `<dir>/<name>`, or `<name>-2`, … if a renamed collection still occupies that folder. */
async function freeDir(dir: string, name: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, i === 1 ? name : `${name}-${i}`);
    if (await fs.stat(candidate).then(() => false, () => true)) return candidate;
  }
}
