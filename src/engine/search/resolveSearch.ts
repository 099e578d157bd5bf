// Turns a SearchRequest into checked parts: which field, which metric, query vectors of the
// right dim, limit/offset, params, group-by. Every problem is reported with the request's words.

import type { SearchRequest, SearchTimeParams } from '../api';
import { invalid } from '../errors';
import { type CollectionSchema, type DenseVectorType, type FieldSchema, type SparseVector, isVectorType } from '../schema/types';
import { defaultMetricFor, writeDenseVector } from '../schema/denseVector';
import { checkSparseVector } from '../schema/sparseVector';
import type { ScoreKind } from './rankers';
import type { VectorQuery } from './vectorSearch';

/** The metric searched when a field has no index yet (Milvus's default for new collections). */
export const DEFAULT_METRIC = 'COSINE';
const MAX_TOPK = 16384;

export interface ResolvedSearch {
  queries: Array<Float32Array | string | SparseVector>;
  base: Omit<VectorQuery, 'query'>;
}

/** The vector field a search reads: `annsField`, or the collection's only vector field. */
export function searchedField(schema: CollectionSchema, annsField: string | undefined): FieldSchema {
  const vectorFields = schema.fields.filter((f) => isVectorType(f.dataType));
  if (annsField === undefined || annsField === '') {
    if (vectorFields.length !== 1) {
      throw invalid(`annsField is required: the collection has ${vectorFields.length} vector fields (${vectorFields.map((f) => f.name).join(', ')})`);
    }
    return vectorFields[0];
  }
  const field = vectorFields.find((f) => f.name === annsField);
  if (!field) throw invalid(`annsField "${annsField}" is not a vector field of this collection`);
  return field;
}

export function resolveSearch(
  schema: CollectionSchema,
  indexes: Array<{ fieldName: string; spec: { metricType: string } }>,
  req: SearchRequest,
): ResolvedSearch {
  const field = searchedField(schema, req.annsField);
  const sparse = field.dataType === 'SparseFloatVector';
  const bm25 = sparse && !!field.isFunctionOutput;
  const indexMetric = indexes.find((i) => i.fieldName === field.name)?.spec.metricType;
  const metric = (bm25 ? 'BM25' : sparse ? 'IP' : indexMetric ?? defaultMetricFor(field.dataType as DenseVectorType)) as ScoreKind;
  if (req.metricType !== undefined && (req.metricType as string) !== metric) {
    throw invalid(`metric type mismatch: field "${field.name}" is indexed with ${metric}, the search asked for ${req.metricType}`);
  }
  if (!Number.isInteger(req.limit) || req.limit < 1 || req.limit > MAX_TOPK) {
    throw invalid(`limit must be an integer between 1 and ${MAX_TOPK}, got ${JSON.stringify(req.limit)}`);
  }
  const offset = req.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset + req.limit > MAX_TOPK) {
    throw invalid(`offset must be a non-negative integer with offset + limit <= ${MAX_TOPK}`);
  }
  if (!Array.isArray(req.data) || req.data.length === 0) throw invalid('data must hold at least one query vector');
  const dim = field.dim as number;
  const queries = req.data.map((q, i) => {
    if (bm25) {
      if (typeof q !== 'string') throw invalid(`data[${i}]: field "${field!.name}" is a BM25 field; give query text`);
      return q;
    }
    if (sparse) return checkSparseVector(q, `data[${i}]`);
    const v = new Float32Array(dim);
    writeDenseVector(field!, q, v, 0, `data[${i}]`);
    return v;
  });
  const params = checkParams(req.params ?? {});
  let groupBy: VectorQuery['groupBy'];
  if (req.groupByField !== undefined && req.groupByField !== '') {
    const g = schema.fields.find((f) => f.name === req.groupByField);
    if (!g) throw invalid(`groupByField "${req.groupByField}" does not exist`);
    if (isVectorType(g.dataType) || ['JSON', 'Array', 'Float', 'Double', 'Geometry'].includes(g.dataType)) {
      throw invalid(`groupByField "${g.name}" has type ${g.dataType}; group by a Bool, Int or VarChar field`);
    }
    const size = req.groupSize ?? 1;
    if (!Number.isInteger(size) || size < 1 || size > 1024) throw invalid('groupSize must be an integer between 1 and 1024');
    groupBy = { field: g.name, size };
  }
  return { queries, base: { field: field.name, metric, limit: req.limit, offset, params, groupBy } };
}

function checkParams(p: SearchTimeParams): SearchTimeParams {
  const out: SearchTimeParams = {};
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    switch (key) {
      case 'ef':
      case 'nprobe':
      case 'refineK':
        if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65536) {
          throw invalid(`search params: ${key} must be an integer between 1 and 65536, got ${JSON.stringify(value)}`);
        }
        out[key] = value as number;
        break;
      case 'radius':
      case 'rangeFilter':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`search params: ${key} must be a number`);
        out[key] = value;
        break;
      default:
        // Milvus ignores params an index does not use (e.g. `level`); so do we.
        break;
    }
  }
  return out;
}
