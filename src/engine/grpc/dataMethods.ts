// The gRPC methods that carry collections and rows, translated to the REST routes (one place
// for the rules): the schema arrives as protobuf bytes, rows as columns (FieldData), query
// vectors as a PlaceholderGroup; answers go back as columns and SearchResultData.

import protobuf from 'protobufjs';
import type { Collection } from '../collection';
import type { FieldSchema } from '../schema/types';
import { collectionRoutes } from '../rest/collectionRoutes';
import { entityRoutes } from '../rest/entityRoutes';
import type { RestDatabase, Route, RouteContext } from '../rest/route';
import { RestCode, RestError, WireObject } from '../rest/wire';
import { columnsFromRows, outputColumns, rowsFromColumns, sparseFromBytes, type WireFieldData } from './columns';
import { templateValuesOf } from './templateValues';
import { queryFromBytes } from './vectorBytes';
import { formatTimestamptz } from '../schema/timestamptz';
import { toInt64 } from '../schema/int64';

// The SDK's protobuf JSON (CommonJS modules without types).
const MILVUS_JSON = (require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus') as { default: protobuf.INamespace }).default;
const milvusRoot = protobuf.Root.fromJSON(MILVUS_JSON);
const CollectionSchemaType = milvusRoot.lookupType('milvus.proto.schema.CollectionSchema');
const FieldSchemaType = milvusRoot.lookupType('milvus.proto.schema.FieldSchema');
const PlaceholderGroupType = milvusRoot.lookupType('milvus.proto.common.PlaceholderGroup');
const TO_OBJECT = { enums: String, longs: String, bytes: Buffer, defaults: true, arrays: true };

type Req = Record<string, unknown>;
export type DataHandler = (req: Req, db: RestDatabase, ctx: RouteContext) => Promise<Req>;

export const SUCCESS = { error_code: 'Success', code: 0, reason: '' };

/** Runs a REST route with a body built from the gRPC request. */
export async function via(route: Route, db: RestDatabase, ctx: RouteContext, body: Record<string, unknown>): Promise<unknown> {
  return (await route(db, WireObject.of(body, ''), ctx)).data;
}

/** A repeated KeyValuePair → an object. */
export const kv = (pairs: unknown): Record<string, string> =>
  Object.fromEntries((Array.isArray(pairs) ? pairs : []).map((p: { key?: unknown; value?: unknown }) => [String(p.key), String(p.value)]));

export const dataMethods: Record<string, [string, DataHandler]> = {
  CreateCollection: ['collections/create', async (req, db, ctx) => {
    const schema = CollectionSchemaType.toObject(CollectionSchemaType.decode(req.schema as Uint8Array), TO_OBJECT) as Req;
    const fields = (schema.fields as Req[]).map(restFieldOf);
    const functions = ((schema.functions as Req[] | undefined) ?? []).map((fn) => ({
      name: fn.name, type: fn.type, inputFieldNames: fn.input_field_names, outputFieldNames: fn.output_field_names, params: kv(fn.params),
    }));
    await via(collectionRoutes.create, db, ctx, {
      collectionName: req.collection_name,
      schema: { autoId: !!schema.autoID, enableDynamicField: !!schema.enable_dynamic_field, fields, functions },
      ...(Number(req.num_partitions) > 0 ? { numPartitions: Number(req.num_partitions) } : {}),
    });
    return SUCCESS;
  }],

  DescribeCollection: ['collections/describe', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    return {
      status: SUCCESS,
      schema: {
        name: c.name,
        description: c.schema.description ?? '',
        autoID: c.schema.fields.some((f) => f.isPrimary && f.autoId),
        enable_dynamic_field: !!c.schema.enableDynamicField,
        fields: c.schema.fields.map(grpcField),
        functions: (c.schema.functions ?? []).map((fn, i) => ({
          name: fn.name, id: String(i + 1), type: fn.type, input_field_names: fn.inputFieldNames, output_field_names: fn.outputFieldNames,
          input_field_ids: [], output_field_ids: [], params: [],
        })),
        properties: [],
      },
      collectionID: String(c.createdAt),
      collection_name: c.name,
      db_name: ctx.dbName,
      shards_num: 1,
      consistency_level: 'Strong',
      aliases: ctx.catalog.listAliases(ctx.dbName, c.name),
      created_timestamp: String(c.createdAt),
      created_utc_timestamp: String(c.createdAt),
      num_partitions: String(c.schema.numPartitions ?? c.partitions.names().length),
      properties: Object.entries(c.schema.properties ?? {}).map(([key, value]) => ({ key, value })),
    };
  }],

  LoadCollection: ['collections/load', async (req, db, ctx) => {
    await via(collectionRoutes.load, db, ctx, { collectionName: req.collection_name });
    return SUCCESS;
  }],

  ReleaseCollection: ['collections/release', async (req, db, ctx) => {
    await via(collectionRoutes.release, db, ctx, { collectionName: req.collection_name });
    return SUCCESS;
  }],

  GetLoadState: ['collections/get_load_state', async (req, db) => ({ status: SUCCESS, state: db.collection(String(req.collection_name ?? '')).getLoadState() })],

  GetLoadingProgress: ['collections/get_load_state', async (req, db) => {
    const loaded = db.collection(String(req.collection_name ?? '')).getLoadState() === 'LoadStateLoaded';
    return { status: SUCCESS, progress: loaded ? '100' : '0', refresh_progress: '0' };
  }],

  Flush: ['collections/flush', async (req, db, ctx) => {
    const names = (req.collection_names as string[] | undefined) ?? [];
    for (const n of names) await via(collectionRoutes.flush, db, ctx, { collectionName: n });
    return { status: SUCCESS, db_name: ctx.dbName, coll_segIDs: {}, flush_coll_segIDs: {}, coll_seal_times: {}, coll_flush_ts: {}, channel_cps: {} };
  }],

  Insert: ['entities/insert', async (req, db, ctx) => mutation(db, ctx, req, entityRoutes.insert, 'insert')],
  Upsert: ['entities/upsert', async (req, db, ctx) => mutation(db, ctx, req, entityRoutes.upsert, 'upsert')],

  Delete: ['entities/delete', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const r = (await via(entityRoutes.delete, db, ctx, { collectionName: req.collection_name, filter: req.expr, exprParams: templateValuesOf(req), partitionName: req.partition_name || undefined })) as { deleteCount: number };
    return { status: SUCCESS, IDs: idsOf(c, []), delete_cnt: String(r.deleteCount), succ_index: [], err_index: [] };
  }],

  Query: ['entities/query', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const params = kv(req.query_params);
    const outputFields = (req.output_fields as string[] | undefined) ?? [];
    const countOnly = outputFields.length === 1 && outputFields[0].toLowerCase() === 'count(*)';
    const body: Req = { collectionName: req.collection_name, filter: req.expr ?? '', exprParams: templateValuesOf(req), outputFields, partitionNames: req.partition_names };
    if (params.limit) body.limit = Number(params.limit);
    if (params.offset) body.offset = Number(params.offset);
    const rows = (await via(entityRoutes.query, db, ctx, body)) as Req[];
    if (countOnly) {
      const count = [{ type: 'Int64', field_name: 'count(*)', scalars: { long_data: { data: [String(rows[0]?.['count(*)'] ?? 0)] } }, valid_data: [] }];
      return { status: SUCCESS, collection_name: c.name, output_fields: ['count(*)'], fields_data: count };
    }
    const names = outputColumns(c.schema, outputFields);
    return { status: SUCCESS, collection_name: c.name, output_fields: names, fields_data: columnsFromRows(c.schema, rows, names), primary_field_name: pkOf(c).name };
  }],

  Search: ['entities/search', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const outputFields = (req.output_fields as string[] | undefined) ?? [];
    const body = { ...searchBodyOf(req), collectionName: req.collection_name, outputFields, partitionNames: req.partition_names };
    const iterator = searchIteratorOf(req);
    if (iterator) Object.assign(body, { offset: iterator.offset, limit: iterator.batch });
    const r = await entityRoutes.search(db, WireObject.of(body, ''), ctx);
    const hits = r.data as Req[];
    const results = searchResults(c, hits, (r.extra?.topks as number[]) ?? [hits.length], outputFields, body.limit);
    if (iterator) {
      const last = hits.length > 0 ? Number(hits[hits.length - 1].distance) : iterator.lastBound;
      results.search_iterator_v2_results = { token: String(iterator.offset + hits.length), last_bound: last };
    }
    return { status: SUCCESS, collection_name: c.name, results, session_ts: String(Date.now()) };
  }],

  HybridSearch: ['entities/hybrid_search', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const rank = kv(req.rank_params);
    const rankParams = rank.params ? (JSON.parse(rank.params) as Req) : {};
    const limit = Number(rank.limit ?? 10);
    const outputFields = (req.output_fields as string[] | undefined) ?? [];
    const searches = ((req.requests as Req[] | undefined) ?? []).map((sub) => {
      const { searchParams, ...rest } = searchBodyOf(sub);
      return { ...rest, params: (searchParams as Req).params, ...((searchParams as Req).metricType ? { metricType: (searchParams as Req).metricType } : {}) };
    });
    const body: Req = {
      collectionName: req.collection_name,
      search: searches,
      rerank: { strategy: rank.strategy ?? 'rrf', params: rankParams },
      limit,
      outputFields,
      partitionNames: req.partition_names,
    };
    if (rank.offset) body.offset = Number(rank.offset);
    const r = await entityRoutes.hybrid_search(db, WireObject.of(body, ''), ctx);
    const hits = r.data as Req[];
    return { status: SUCCESS, collection_name: c.name, results: searchResults(c, hits, [hits.length], outputFields, limit) };
  }],

  ManualCompaction: ['collections/compact', async (req, db, ctx) => {
    const r = (await via(collectionRoutes.compact, db, ctx, { collectionName: req.collection_name })) as { compactionID: number };
    return { status: SUCCESS, compactionID: String(r.compactionID), compactionPlanCount: 1 };
  }],

  GetCompactionState: ['collections/get_compaction_state', async (req, db, ctx) => {
    const r = (await via(collectionRoutes.get_compaction_state, db, ctx, { jobID: Number(req.compactionID) })) as { state: string };
    return { status: SUCCESS, state: r.state === 'Completed' ? 'Completed' : 'Executing', executingPlanNo: '0', timeoutPlanNo: '0', completedPlanNo: r.state === 'Completed' ? '1' : '0', failedPlanNo: '0' };
  }],

  // Flush finishes before it answers here, so every flush asked about is done.
  GetFlushState: ['collections/flush', async () => ({ status: SUCCESS, flushed: true })],
};

/**
 * Milvus's search iterator (v2): the SDK asks for batches, passing back the token and last bound
 * of the previous answer. Loupe's token is the number of hits already returned, so each batch is
 * the next page of the same ranking (ties broken by position, so no hit repeats or is skipped).
 */
function searchIteratorOf(req: Req): { offset: number; batch: number; lastBound: number } | undefined {
  const kvs = kv(req.search_params);
  const nested = kvs.params ? (JSON.parse(kvs.params) as Record<string, unknown>) : {};
  const get = (k: string): unknown => kvs[k] ?? nested[k];
  if (String(get('search_iter_v2')) !== 'true') return undefined;
  const offset = Number(get('search_iter_id') || 0);
  const batch = Number(get('search_iter_batch_size') || kvs.topk || 10);
  if (!Number.isInteger(offset) || offset < 0) throw new RestError(RestCode.IncorrectParameterFormat, `search_iter_id: not a token this server gave (${String(get('search_iter_id'))})`);
  return { offset, batch, lastBound: Number(get('search_iter_last_bound') ?? 0) };
}

/** A SearchRequest message (or a hybrid sub-request) → the REST door's search body. */
function searchBodyOf(req: Req): Req & { limit: number } {
  const params = kv(req.search_params);
  const bytes = req.placeholder_group as Uint8Array | undefined;
  const ids = searchIdsOf(req);
  if (ids && (!bytes || bytes.length === 0)) return { ...searchOptionsOf(req, params), ids };
  if (!bytes || bytes.length === 0) {
    throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: placeholder_group (the query vectors) or ids (primary keys whose vectors are the queries)');
  }
  const group = PlaceholderGroupType.toObject(PlaceholderGroupType.decode(bytes), TO_OBJECT) as { placeholders: Array<{ type: string; values: Buffer[] }> };
  const data = group.placeholders.flatMap((ph) =>
    ph.values.map((b) => {
      if (ph.type === 'VarChar') return b.toString('utf8');
      if (ph.type === 'SparseFloatVector') return sparseFromBytes(b);
      const q = queryFromBytes(ph.type, b);
      if (!q) throw new RestError(RestCode.IncorrectParameterFormat, `placeholder_group: ${ph.type} query vectors are not supported by Loupe (dense vectors, and text for a BM25 field, are)`);
      return q;
    }),
  );
  return { ...searchOptionsOf(req, params), data };
}

/** A search's `ids` (IDs: int_id or str_id), if it searches by primary keys. */
function searchIdsOf(req: Req): Array<string | number | bigint> | undefined {
  const ids = req.ids as { int_id?: { data?: unknown[] }; str_id?: { data?: unknown[] } } | null | undefined;
  if (ids?.int_id?.data?.length) {
    return ids.int_id.data.map((v, i) => {
      const n = toInt64(v);
      if (typeof n === 'string') throw new RestError(RestCode.CheckPrimaryKey, `ids.int_id[${i}]: ${n}`);
      return n;
    });
  }
  return ids?.str_id?.data?.length ? ids.str_id.data.map(String) : undefined;
}

/** Everything of a search body but its queries: limit, params, field, filter, offset, grouping. */
function searchOptionsOf(req: Req, params: Record<string, string>): Req & { limit: number } {
  const limit = Number(params.topk ?? params.limit ?? 10);
  const body: Req & { limit: number } = {
    limit,
    searchParams: { ...(params.metric_type ? { metricType: params.metric_type } : {}), params: params.params ? JSON.parse(params.params) : {} },
  };
  if (params.anns_field) body.annsField = params.anns_field;
  if (req.dsl) body.filter = req.dsl;
  const exprParams = templateValuesOf(req);
  if (exprParams) body.exprParams = exprParams;
  if (params.offset && Number(params.offset) > 0) body.offset = Number(params.offset);
  if (params.group_by_field) body.groupingField = params.group_by_field;
  if (params.group_size) body.groupSize = Number(params.group_size);
  return body;
}

/** REST hits (`{<pk>, distance, ...fields}`) → SearchResultData; the SDK reads hit ids from the pk column. */
function searchResults(c: Collection, hits: Req[], topks: number[], outputFields: string[], topK: number): Req {
  const pk = pkOf(c).name;
  const names = outputColumns(c.schema, outputFields);
  return {
    num_queries: String(topks.length), top_k: String(topK), topks: topks.map(String), scores: hits.map((h) => Number(h.distance)),
    ids: idsOf(c, hits.map((h) => h[pk])), output_fields: names, fields_data: columnsFromRows(c.schema, hits, names), primary_field_name: pk,
  };
}

async function mutation(db: RestDatabase, ctx: RouteContext, req: Req, route: Route, kind: 'insert' | 'upsert'): Promise<Req> {
  const c = db.collection(String(req.collection_name ?? ''));
  const rows = rowsFromColumns((req.fields_data as WireFieldData[] | undefined) ?? [], Number(req.num_rows ?? 0));
  const r = (await via(route, db, ctx, { collectionName: req.collection_name, partitionName: req.partition_name || undefined, data: rows })) as Record<string, unknown>;
  const ids = (r.insertIds ?? r.upsertIds) as unknown[];
  return { status: SUCCESS, IDs: idsOf(c, ids), succ_index: ids.map((_, i) => i), err_index: [], [`${kind}_cnt`]: String(ids.length), insert_cnt: String(kind === 'insert' ? ids.length : 0) };
}

function pkOf(c: Collection): FieldSchema {
  return c.schema.fields.find((f) => f.isPrimary) as FieldSchema;
}

function idsOf(c: Collection, ids: unknown[]): Req {
  return pkOf(c).dataType === 'Int64' ? { int_id: { data: ids.map(String) } } : { str_id: { data: ids.map(String) } };
}

function grpcField(f: FieldSchema, i: number): Req {
  const params: Array<{ key: string; value: string }> = [];
  if (f.dim !== undefined) params.push({ key: 'dim', value: String(f.dim) });
  if (f.maxLength !== undefined) params.push({ key: 'max_length', value: String(f.maxLength) });
  if (f.maxCapacity !== undefined) params.push({ key: 'max_capacity', value: String(f.maxCapacity) });
  if (f.enableAnalyzer) params.push({ key: 'enable_analyzer', value: 'true' });
  const out: Req = {
    fieldID: String(100 + i), name: f.name, is_primary_key: !!f.isPrimary, description: f.description ?? '', data_type: f.dataType,
    type_params: params, index_params: [], autoID: !!f.autoId, element_type: f.elementType ?? 'None', nullable: !!f.nullable,
    is_function_output: !!f.isFunctionOutput, is_partition_key: !!f.isPartitionKey, is_dynamic: false,
  };
  if (f.defaultValue !== undefined && f.defaultValue !== null) out.default_value = valueFieldOf(f);
  return out;
}

/** A FieldSchema message → the REST door's field object. */
function restFieldOf(f: Req): Req {
  const params = kv(f.type_params);
  const out: Req = { fieldName: f.name, dataType: f.data_type, isPrimary: !!f.is_primary_key, elementTypeParams: params };
  if (f.description) out.description = f.description;
  if (f.autoID) out.autoId = true;
  if (f.nullable) out.nullable = true;
  if (f.is_partition_key) out.isPartitionKey = true;
  if (f.element_type && f.element_type !== 'None') out.elementDataType = f.element_type;
  const dflt = defaultValueOf(f.default_value as Req | null | undefined);
  if (dflt !== undefined) out.defaultValue = dflt;
  return out;
}

/** AddCollectionField's `schema` bytes (one FieldSchema) → the REST door's field object. */
export function restFieldOfBytes(bytes: Uint8Array): Req {
  return restFieldOf(FieldSchemaType.toObject(FieldSchemaType.decode(bytes), TO_OBJECT) as Req);
}

/** A ValueField (a field's default) → the value the REST door takes; Timestamptz comes as int64 µs. */
function defaultValueOf(v: Req | null | undefined): unknown {
  if (!v) return undefined;
  const key = ['bool_data', 'int_data', 'long_data', 'float_data', 'double_data', 'string_data', 'timestamptz_data'].find((k) => v[k] !== undefined && v[k] !== null);
  if (!key) return undefined;
  const value = v[key];
  if (key === 'long_data') return Number(value);
  if (key === 'timestamptz_data') return formatTimestamptz(Number(value));
  return value;
}

/** A field's default as a ValueField; Timestamptz answers as ISO text, which the SDK hands back as is. */
function valueFieldOf(f: FieldSchema): Req {
  const v = f.defaultValue;
  switch (f.dataType) {
    case 'Bool': return { bool_data: v };
    case 'Int8': case 'Int16': case 'Int32': return { int_data: v };
    case 'Int64': return { long_data: String(v) };
    case 'Float': return { float_data: v };
    case 'Double': return { double_data: v };
    default: return { string_data: typeof v === 'string' ? v : JSON.stringify(v) };
  }
}
