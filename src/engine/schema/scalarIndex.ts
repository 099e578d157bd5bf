// Scalar indexes (Milvus's INVERTED, STL_SORT, BITMAP, TRIE, NGRAM, RTREE, AUTOINDEX on a scalar
// field). Loupe's filters are exact scans of a segment's rows, so such an index changes no result;
// it is kept as a declaration in the schema — checked against its field, described, listed and
// dropped as Milvus does — so a client that creates one works unchanged.

import { invalid } from '../errors';
import type { CollectionSchema, DataType, JsonValue } from './types';
import { isVectorType } from './types';

export interface ScalarIndexSchema {
  fieldName: string;
  indexName: string;
  indexType: string;
  params: Record<string, JsonValue>;
}

const NUMERIC: DataType[] = ['Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double'];
const INTEGER_OR_TEXT: DataType[] = ['Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'VarChar', 'Array'];

/** The field types each scalar index type applies to (undefined: every scalar type). */
const APPLIES_TO: Record<string, DataType[] | undefined> = {
  AUTOINDEX: undefined,
  INVERTED: ['Bool', ...NUMERIC, 'VarChar', 'Array', 'JSON', 'Timestamptz'],
  STL_SORT: [...NUMERIC, 'VarChar', 'Timestamptz'],
  BITMAP: INTEGER_OR_TEXT,
  TRIE: ['VarChar'],
  NGRAM: ['VarChar', 'JSON'],
  RTREE: ['Geometry'],
};

export const SCALAR_INDEX_TYPES = Object.keys(APPLIES_TO);

/** Checks the declared scalar indexes of a schema; throws naming the index and field. */
export function checkScalarIndexes(schema: CollectionSchema): void {
  const names = new Set<string>();
  for (const ix of schema.scalarIndexes ?? []) {
    const where = `index "${ix.indexName}" on field "${ix.fieldName}"`;
    const field = schema.fields.find((f) => f.name === ix.fieldName);
    if (!field) throw invalid(`${where}: no such field`);
    if (isVectorType(field.dataType)) throw invalid(`${where}: ${ix.indexType} is a scalar index; ${field.dataType} fields take vector indexes`);
    if (!(ix.indexType in APPLIES_TO)) {
      throw invalid(`${where}: unknown scalar index type ${JSON.stringify(ix.indexType)} (use ${SCALAR_INDEX_TYPES.join(', ')})`);
    }
    const types = APPLIES_TO[ix.indexType];
    if (types && !types.includes(field.dataType)) {
      throw invalid(`${where}: ${ix.indexType} does not apply to a ${field.dataType} field (it applies to ${types.join(', ')})`);
    }
    if (names.has(ix.indexName)) throw invalid(`${where}: an index named "${ix.indexName}" already exists`);
    names.add(ix.indexName);
  }
}
