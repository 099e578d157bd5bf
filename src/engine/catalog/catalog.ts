// The catalog: the databases of one data directory and the aliases in each. `default` is the
// data directory itself (as it always was); another database lives in `databases/<name>/` with
// collections of its own, so two databases may hold collections of the same name. What exists
// is recorded in `catalog.json` (a StateFile), written before a create answers and after a drop
// has removed the files, so a restart sees what the clients were told.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Database, type DatabaseOptions } from '../database';
import { EngineError, ErrorCode, invalid } from '../errors';
import type { Collection } from '../collection';
import type { IndexSpec } from '../index/types';
import type { CollectionSchema } from '../schema/types';
import { StateFile } from './stateFile';

export const DEFAULT_DB = 'default';
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** What the catalog and the front door need of a database (a `Database`, or a stand-in). */
export interface DatabaseHandle {
  readonly dir?: string;
  listCollections(): string[];
  hasCollection(name: string): boolean;
  collection(name: string): Collection;
  createCollection(
    name: string,
    schema: CollectionSchema,
    opts?: { indexes?: Array<{ fieldName: string; indexName?: string } & IndexSpec> },
  ): Promise<Collection>;
  dropCollection(name: string): Promise<void>;
  renameCollection(from: string, to: string): Promise<void>;
}

interface DatabaseEntry {
  id: number;
  createdAt: number;
  properties: Record<string, string>;
  /** alias → collection name. */
  aliases: Record<string, string>;
}

interface CatalogState {
  formatVersion: 1;
  nextId: number;
  databases: Record<string, DatabaseEntry>;
}

export interface DatabaseInfo {
  dbName: string;
  dbID: number;
  createdTimestamp: number;
  properties: Array<{ key: string; value: string }>;
}

export class Catalog {
  private readonly open = new Map<string, DatabaseHandle>();
  /** Databases this catalog opened (and so closes); the default one belongs to the caller. */
  private readonly owned = new Map<string, Database>();

  private constructor(
    private readonly root: string | undefined,
    private readonly state: StateFile<CatalogState>,
    private readonly options: DatabaseOptions,
  ) {}

  /** The catalog around an open default database; opens the other databases it lists. */
  static async attach(defaultDb: DatabaseHandle, options: DatabaseOptions = {}): Promise<Catalog> {
    const root = defaultDb.dir;
    const initial: CatalogState = { formatVersion: 1, nextId: 2, databases: { [DEFAULT_DB]: entry(1) } };
    const state = await StateFile.open(root ? path.join(root, 'catalog.json') : undefined, initial);
    const catalog = new Catalog(root, state, options);
    catalog.open.set(DEFAULT_DB, defaultDb);
    for (const name of Object.keys(state.value.databases)) {
      if (name === DEFAULT_DB) continue;
      const db = await catalog.openDatabase(name);
      catalog.open.set(name, db);
      catalog.owned.set(name, db);
    }
    return catalog;
  }

  listDatabases(): string[] {
    return Object.keys(this.state.value.databases).sort((a, b) => (a === DEFAULT_DB ? -1 : b === DEFAULT_DB ? 1 : a.localeCompare(b)));
  }

  hasDatabase(name: string): boolean {
    return this.open.has(name);
  }

  /** The database named (undefined or '' is `default`). */
  database(name: string | undefined): DatabaseHandle {
    const db = this.open.get(name || DEFAULT_DB);
    if (!db) throw new EngineError(ErrorCode.DatabaseNotFound, `database not found[database=${name}]: create it first (databases/create)`);
    return db;
  }

  describeDatabase(name: string): DatabaseInfo {
    this.database(name);
    const e = this.state.value.databases[name];
    return { dbName: name, dbID: e.id, createdTimestamp: e.createdAt, properties: Object.entries(e.properties).map(([key, value]) => ({ key, value })) };
  }

  async createDatabase(name: string, properties: Record<string, string> = {}): Promise<void> {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw invalid(`database name ${JSON.stringify(name)} is invalid: use letters, digits and underscores, starting with a letter or underscore (at most 64)`);
    }
    if (this.open.has(name)) throw new EngineError(ErrorCode.DatabaseAlreadyExists, `database already exist: ${name}`);
    const db = await this.openDatabase(name);
    try {
      await this.state.update((s) => {
        s.databases[name] = { ...entry(s.nextId++), properties: { ...properties } };
      });
    } catch (err) {
      await db.close();
      throw err;
    }
    this.open.set(name, db);
    this.owned.set(name, db);
  }

  /** Milvus refuses to drop `default` or a database that still holds collections. */
  async dropDatabase(name: string): Promise<void> {
    if (name === DEFAULT_DB) throw invalid('can not drop default database');
    const db = this.database(name);
    const left = db.listCollections();
    if (left.length > 0) throw invalid(`database "${name}" is not empty (${left.length} collections: ${left.slice(0, 5).join(', ')}); drop its collections first`);
    await this.state.update((s) => {
      delete s.databases[name];
    });
    this.open.delete(name);
    await this.owned.get(name)?.close();
    this.owned.delete(name);
    if (this.root) await fs.rm(this.databaseDir(name), { recursive: true, force: true });
  }

  async alterProperties(name: string, properties: Record<string, string>): Promise<void> {
    this.database(name);
    await this.state.update((s) => Object.assign(s.databases[name].properties, properties));
  }

  async dropProperties(name: string, keys: string[]): Promise<void> {
    this.database(name);
    await this.state.update((s) => {
      for (const k of keys) delete s.databases[name].properties[k];
    });
  }

  // ---- aliases: another name for a collection, within one database ------------------------

  /** The collection a name means in `db`: an alias's target, or the name itself. */
  resolve(db: string | undefined, name: string): string {
    return this.state.value.databases[db || DEFAULT_DB]?.aliases[name] ?? name;
  }

  listAliases(db: string | undefined, collection?: string): string[] {
    const aliases = this.state.value.databases[this.nameOf(db)].aliases;
    return Object.keys(aliases).filter((a) => collection === undefined || aliases[a] === collection).sort();
  }

  describeAlias(db: string | undefined, alias: string): { dbName: string; aliasName: string; collectionName: string } {
    const name = this.nameOf(db);
    const target = this.state.value.databases[name].aliases[alias];
    if (target === undefined) throw new EngineError(ErrorCode.AliasNotFound, `alias not found[database=${name}][alias=${alias}]`);
    return { dbName: name, aliasName: alias, collectionName: target };
  }

  async createAlias(db: string | undefined, alias: string, collection: string): Promise<void> {
    const name = this.nameOf(db);
    const d = this.database(name);
    if (typeof alias !== 'string' || !NAME.test(alias)) throw invalid(`alias ${JSON.stringify(alias)} is invalid: use letters, digits and underscores`);
    d.collection(collection);
    if (d.hasCollection(alias)) throw invalid(`alias "${alias}" is the name of a collection in database "${name}"; pick another`);
    await this.state.update((s) => {
      const existing = s.databases[name].aliases[alias];
      if (existing !== undefined) throw new EngineError(ErrorCode.AliasAlreadyExists, `alias "${alias}" already exists (it names "${existing}"); use aliases/alter to point it elsewhere`);
      s.databases[name].aliases[alias] = collection;
    });
  }

  async alterAlias(db: string | undefined, alias: string, collection: string): Promise<void> {
    const name = this.nameOf(db);
    this.describeAlias(name, alias);
    this.database(name).collection(collection);
    await this.state.update((s) => void (s.databases[name].aliases[alias] = collection));
  }

  async dropAlias(db: string | undefined, alias: string): Promise<void> {
    const name = this.nameOf(db);
    this.describeAlias(name, alias);
    await this.state.update((s) => void delete s.databases[name].aliases[alias]);
  }

  /** After a rename, aliases follow their collection. */
  async renameInAliases(db: string | undefined, from: string, to: string): Promise<void> {
    const name = this.nameOf(db);
    if (!Object.values(this.state.value.databases[name].aliases).includes(from)) return;
    await this.state.update((s) => {
      const a = s.databases[name].aliases;
      for (const k of Object.keys(a)) if (a[k] === from) a[k] = to;
    });
  }

  async close(): Promise<void> {
    for (const db of this.owned.values()) await db.close();
    this.owned.clear();
  }

  private nameOf(db: string | undefined): string {
    const name = db || DEFAULT_DB;
    this.database(name);
    return name;
  }

  private databaseDir(name: string): string {
    return path.join(this.root as string, 'databases', name);
  }

  private openDatabase(name: string): Promise<Database> {
    return this.root ? Database.open(this.databaseDir(name), this.options) : Promise.resolve(Database.inMemory(this.options));
  }
}

function entry(id: number): DatabaseEntry {
  return { id, createdAt: Date.now(), properties: {}, aliases: {} };
}
