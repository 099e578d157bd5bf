// Milvus's search by primary keys: instead of query vectors the request names rows, and the
// vectors those rows hold in the searched field are the queries, in the order the keys are given
// (one result list per key). Every key must name a live row: a missing one is an error naming it.

import type { PrimaryKey, SearchRequest } from '../api';
import { invalid } from '../errors';
import type { CollectionSchema, FieldSchema, Row } from '../schema/types';
import { searchedField } from './resolveSearch';

/** The searched field, which must store its vectors (a BM25 output holds none to read back). */
export function storedVectorField(schema: CollectionSchema, annsField: string | undefined): FieldSchema {
  const field = searchedField(schema, annsField);
  if (field.isFunctionOutput) throw invalid(`search by primary keys: field "${field.name}" is a function's output, whose vectors are not stored; search it with query text`);
  return field;
}

/**
 * The query vectors for `ids`: `rows` are what a get of those keys returned (in any order), each
 * holding `field`. Checks the request gives keys and no vectors.
 */
export function queriesByIds(req: SearchRequest, ids: PrimaryKey[], field: FieldSchema, pkName: string, rows: Row[]): SearchRequest['data'] {
  if (ids.length === 0) throw invalid('search by primary keys: ids is empty; give at least one primary key');
  if (req.data.length > 0) throw invalid('search: give either query vectors (data) or primary keys (ids), not both');
  const byKey = new Map(rows.map((r) => [String(r[pkName]), r[field.name]]));
  const missing = ids.filter((id) => !byKey.has(String(id)));
  if (missing.length > 0) {
    throw invalid(`search by primary keys: no row has ${pkName} ${missing.slice(0, 5).map((id) => JSON.stringify(String(id))).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}`);
  }
  return ids.map((id, i) => {
    const v = byKey.get(String(id));
    if (v === null || v === undefined) throw invalid(`search by primary keys: ids[${i}] (${String(id)}) has no vector in field "${field.name}"`);
    return v as SearchRequest['data'][number];
  });
}
