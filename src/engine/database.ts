// A database is a directory of collections (or, with no directory, memory only). It creates,
// opens, lists and drops them; each collection owns its own files.

import { Collection, type CollectionLog } from './collection';
import { EngineError, ErrorCode } from './errors';
import type { IndexSpec } from './index/types';
import type { CollectionSchema } from './schema/types';
import { validateCollectionName, validateSchema } from './schema/validateSchema';
import { SegmentSet, type SegmentSetOptions } from './segmentSet';

export interface CreateCollectionOptions {
  indexes?: Array<{ fieldName: string; indexName?: string } & IndexSpec>;
}

export interface DatabaseOptions extends SegmentSetOptions {
  readOnly?: boolean;
}

const NO_LOG: CollectionLog = { append: async () => undefined };

export class Database {
  private readonly collections = new Map<string, Collection>();

  private constructor(
    readonly dir: string | undefined,
    private readonly options: DatabaseOptions,
  ) {}

  /** A database that lives only in memory (tests, scratch work). */
  static inMemory(options: DatabaseOptions = {}): Database {
    return new Database(undefined, options);
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
    validateCollectionName(name);
    if (this.collections.has(name)) {
      throw new EngineError(ErrorCode.CollectionAlreadyExists, `collection "${name}" already exists`);
    }
    const checked = validateSchema(schema);
    const segments = new SegmentSet(checked, this.options);
    const collection = new Collection(name, checked, segments, NO_LOG, Date.now());
    for (const ix of opts.indexes ?? []) {
      const { fieldName, indexName, ...spec } = ix;
      await collection.createIndex(fieldName, spec, indexName);
    }
    this.collections.set(name, collection);
    return collection;
  }

  async dropCollection(name: string): Promise<void> {
    this.collection(name);
    this.collections.delete(name);
  }

  async close(): Promise<void> {
    for (const c of this.collections.values()) await c.flush();
  }
}
