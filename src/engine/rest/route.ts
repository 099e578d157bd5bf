// What every REST route shares: the database it drives, the shape of a result, and the two
// checks each request begins with (the database name, the collection).

import type { Collection } from '../collection';
import type { IndexSpec } from '../index/types';
import type { CollectionSchema } from '../schema/types';
import { RestCode, RestError, type WireObject } from './wire';

/** The part of `Database` the front door uses (so a read-only or test database can stand in). */
export interface RestDatabase {
  listCollections(): string[];
  hasCollection(name: string): boolean;
  collection(name: string): Collection;
  createCollection(
    name: string,
    schema: CollectionSchema,
    opts?: { indexes?: Array<{ fieldName: string; indexName?: string } & IndexSpec> },
  ): Promise<Collection>;
  dropCollection(name: string): Promise<void>;
}

/** `data` goes under `data`; `extra` keys sit beside it (e.g. `topks` on search). */
export interface RouteResult {
  data: unknown;
  extra?: Record<string, unknown>;
}

export type Route = (db: RestDatabase, body: WireObject) => Promise<RouteResult>;

/** Loupe has one database per server; Milvus clients name it `default`. */
export function checkDatabaseName(body: WireObject): void {
  const name = body.optStr('dbName');
  if (name !== undefined && name !== '' && name !== 'default') {
    throw new RestError(RestCode.DatabaseNotFound, `database not found: "${name}" (this server has only "default")`);
  }
}

export function collectionOf(db: RestDatabase, body: WireObject): Collection {
  return db.collection(body.str('collectionName'));
}

export const ok = (data: unknown = {}): RouteResult => ({ data });
