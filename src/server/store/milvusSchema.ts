// Loupe's chunk collection in Milvus's own terms, for both of its front doors:
//   REST v2 (`collections/create` body: fieldName/dataType/elementTypeParams, indexParams) and
//   gRPC (MilvusClient.createCollection: name/data_type/max_length/dim, index_params).
// The text field is a VarChar with enable_analyzer; a BM25 function fills the SparseFloatVector
// field, indexed SPARSE_INVERTED_INDEX with metric BM25; dense fields get HNSW or IVF_FLAT (COSINE).
// The workspace field is the partition key (see workspaceScope.ts for why, and why not alone).

import type { CollectionSchema, FieldSchema, JsonValue } from '../../engine/schema/types';
import { F } from '../indexer/chunkSchema';
import type { DenseIndexSpec } from './chunkCollection';
import type { StoredField } from './schemaCheck';
import { WORKSPACE_FIELD } from './workspaceScope';

export interface MilvusCollectionPlan {
  name: string;
  schema: CollectionSchema;
  dense: DenseIndexSpec[];
  /** Analyzer for the text field; Milvus has no "code" analyzer, so the default is "standard". */
  analyzerParams: Record<string, JsonValue>;
}

const SPARSE_INDEX = { indexType: 'SPARSE_INVERTED_INDEX', metricType: 'BM25', params: { inverted_index_algo: 'DAAT_MAXSCORE' } } as const;

/** The REST v2 `collections/create` body. */
export function restCreateBody(plan: MilvusCollectionPlan, dbName?: string): Record<string, unknown> {
  const fields = plan.schema.fields.map((f) => {
    const params: Record<string, JsonValue> = {};
    if (f.maxLength !== undefined) params.max_length = f.maxLength;
    if (f.dim !== undefined) params.dim = f.dim;
    if (f.enableAnalyzer) {
      params.enable_analyzer = true;
      params.analyzer_params = plan.analyzerParams;
    }
    const out: Record<string, unknown> = { fieldName: f.name, dataType: f.dataType, description: f.description ?? '' };
    if (f.isPrimary) out.isPrimary = true;
    if (f.name === WORKSPACE_FIELD) out.isPartitionKey = true;
    if (Object.keys(params).length) out.elementTypeParams = params;
    return out;
  });
  const body: Record<string, unknown> = {
    collectionName: plan.name,
    description: plan.schema.description ?? '',
    schema: {
      autoId: false,
      enableDynamicField: false,
      fields,
      functions: (plan.schema.functions ?? []).map((fn) => ({ name: fn.name, type: fn.type, inputFieldNames: fn.inputFieldNames, outputFieldNames: fn.outputFieldNames, params: {} })),
    },
    indexParams: [
      ...plan.dense.map((d) => ({ fieldName: d.fieldName, indexName: d.indexName, metricType: d.metricType, indexType: d.indexType, params: { index_type: d.indexType, ...d.params } })),
      { fieldName: F.sparse, indexName: `${F.sparse}_bm25`, ...SPARSE_INDEX },
    ],
  };
  if (dbName) body.dbName = dbName;
  return body;
}

/** The MilvusClient.createCollection request (schema, BM25 function and indexes in one call; it also loads). */
export function grpcCreateRequest(plan: MilvusCollectionPlan, dbName?: string): Record<string, unknown> {
  const fields = plan.schema.fields.map((f: FieldSchema) => {
    const out: Record<string, unknown> = { name: f.name, description: f.description ?? '', data_type: f.dataType };
    if (f.isPrimary) {
      out.is_primary_key = true;
      out.autoID = false;
    }
    if (f.name === WORKSPACE_FIELD) out.is_partition_key = true;
    if (f.maxLength !== undefined) out.max_length = f.maxLength;
    if (f.dim !== undefined) out.dim = f.dim;
    if (f.enableAnalyzer) {
      out.enable_analyzer = true;
      out.analyzer_params = plan.analyzerParams;
    }
    if (f.isFunctionOutput) out.is_function_output = true;
    return out;
  });
  const req: Record<string, unknown> = {
    collection_name: plan.name,
    description: plan.schema.description ?? '',
    enable_dynamic_field: false,
    fields,
    functions: (plan.schema.functions ?? []).map((fn) => ({ name: fn.name, type: fn.type, input_field_names: fn.inputFieldNames, output_field_names: fn.outputFieldNames, params: {} })),
    index_params: [
      ...plan.dense.map((d) => ({ field_name: d.fieldName, index_name: d.indexName, index_type: d.indexType, metric_type: d.metricType, params: { ...d.params } })),
      { field_name: F.sparse, index_name: `${F.sparse}_bm25`, index_type: SPARSE_INDEX.indexType, metric_type: SPARSE_INDEX.metricType, params: { ...SPARSE_INDEX.params } },
    ],
  };
  if (dbName) req.db_name = dbName;
  return req;
}

type KeyValue = { key: string; value: unknown };

function paramOf(params: unknown, key: string): unknown {
  if (!Array.isArray(params)) return undefined;
  return (params as KeyValue[]).find((p) => p && p.key === key)?.value;
}

function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** REST v2 `collections/describe` data.fields → StoredField[] (`type`, `params: [{key, value}]`). */
export function storedFieldsFromRest(fields: unknown): StoredField[] {
  if (!Array.isArray(fields)) return [];
  return (fields as Array<Record<string, unknown>>).map((f) => ({
    name: String(f.name),
    dataType: String(f.type),
    dim: numberOf(paramOf(f.params, 'dim')),
    description: typeof f.description === 'string' ? f.description : undefined,
  }));
}

/** gRPC describeCollection schema.fields → StoredField[] (`data_type`, `type_params` or flattened `dim`). */
export function storedFieldsFromGrpc(fields: unknown): StoredField[] {
  if (!Array.isArray(fields)) return [];
  return (fields as Array<Record<string, unknown>>).map((f) => ({
    name: String(f.name),
    dataType: String(f.data_type),
    dim: numberOf(f.dim ?? paramOf(f.type_params, 'dim')),
    description: typeof f.description === 'string' ? f.description : undefined,
  }));
}
