// What every REST route shares: the database it drives (chosen by the request's `dbName`, with
// aliases resolved), the catalog and access control behind it, and the shape of a result.

import type { Collection } from '../collection';
import type { AccessControl } from '../catalog/accessControl';
import type { Catalog, DatabaseHandle } from '../catalog/catalog';
import { type WireObject, missing } from './wire';

/** The part of `Database` the front door uses (so a read-only or test database can stand in). */
export type RestDatabase = DatabaseHandle;

/** `data` goes under `data`; `extra` keys sit beside it (e.g. `topks` on search). */
export interface RouteResult {
  data: unknown;
  extra?: Record<string, unknown>;
}

export interface RouteContext {
  catalog: Catalog;
  access: AccessControl;
  /** The authenticated user. */
  user: string;
  /** The request's database (`default` when it names none). */
  dbName: string;
  /** `<data dir>/import`: where import jobs read files from (undefined in memory). */
  importRoot: string | undefined;
}

export type Route = (db: RestDatabase, body: WireObject, ctx: RouteContext) => Promise<RouteResult>;

/** The request's collection; an alias stands for the collection it names. */
export function collectionOf(db: RestDatabase, body: WireObject): Collection {
  return db.collection(body.str('collectionName'));
}

/** A database as a route sees it: collection names may be aliases. */
export function aliasView(catalog: Catalog, dbName: string, db: RestDatabase): RestDatabase {
  return {
    dir: db.dir,
    listCollections: () => db.listCollections(),
    hasCollection: (name) => db.hasCollection(name),
    collection: (name) => db.collection(catalog.resolve(dbName, name)),
    createCollection: (name, schema, opts) => db.createCollection(name, schema, opts),
    dropCollection: (name) => db.dropCollection(name),
    renameCollection: (from, to) => db.renameCollection(from, to),
  };
}

export const ok = (data: unknown = {}): RouteResult => ({ data });

/** Milvus's `properties` objects: any JSON values, kept as strings. */
export function propertiesOf(body: WireObject, key = 'properties'): Record<string, string> {
  const o = body.obj(key);
  return Object.fromEntries(Object.entries(o.value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** `propertyKeys` (or `deleteKeys`, as some clients send). */
export function propertyKeysOf(body: WireObject): string[] {
  const keys = body.optStrArr('propertyKeys') ?? body.optStrArr('deleteKeys');
  if (!keys) throw missing('propertyKeys', 'an array of property names');
  return keys;
}

export const wireProperties = (p: Record<string, string> | undefined): Array<{ key: string; value: string }> =>
  Object.entries(p ?? {}).map(([key, value]) => ({ key, value }));
