// The Milvus gRPC calls Loupe answers, each turned into the same engine calls (and, where the
// REST front door already checks a request, the same checks: schemas and index params go through
// its request readers, so both doors accept and refuse alike). Shapes are Milvus's (milvus.proto):
// snake_case, int64 as strings, `status` beside the payload.

import type { PrimaryKey, SearchHit, SearchRequest, SearchTimeParams } from '../api';
import type { Collection } from '../collection';
import { EngineError, ErrorCode } from '../errors';
import type { MetricType } from '../index/types';
import { createCollectionPlan, indexRequestOf, metricOf } from '../rest/createCollectionRequest';
import { asInsertError } from '../rest/entityRoutes';
import type { RestDatabase } from '../rest/route';
import { RestCode, RestError, WireObject } from '../rest/wire';
import type { FieldSchema, JsonValue, Row } from '../schema/types';
import { DYNAMIC_FIELD } from '../schema/types';
import { columnsFromRows, rowsFromColumns, type WireFieldData } from './columns';
import { decodeCollectionSchema, decodePlaceholderGroup, type WireFieldSchema } from './milvusProto';

type KV = Array<{ key: string; value: string }>;
// Requests arrive as protobuf objects whose exact type differs per call; each handler reads the
// fields it needs through this loose view and checks them.
type Req = Record<string, unknown>;
export type Rpc = (db: RestDatabase, req: Req) => Promise<Record<string, unknown>>;

const DEFAULT_LIMIT = 10;

function str(req: Req, key: string): string {
  const v = req[key];
  return typeof v === 'string' ? v : '';
}

function need(req: Req, key: string): string {
  const v = str(req, key);
  if (!v) throw new RestError(RestCode.MissingRequiredParameters, `missing required parameters: ${key}`);
  return v;
}

function collectionOf(db: RestDatabase, req: Req): Collection {
  return db.collection(need(req, 'collection_name'));
}

function kvOf(req: Req, key: string): Map<string, string> {
  return new Map(((req[key] as KV | undefined) ?? []).map((p) => [p.key, p.value]));
}

const kv = (o: Record<string, unknown>): KV => Object.entries(o).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }));

function jsonParam(raw: string | undefined, where: string): Record<string, unknown> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RestError(RestCode.IncorrectParameterFormat, `${where} must be a JSON object, got ${JSON.stringify(raw.slice(0, 60))}`);
}

/** A schema message → the REST front door's create body, so one reader checks both. */
function restCreateBody(name: string, s: ReturnType<typeof decodeCollectionSchema>): Record<string, unknown> {
  return {
    collectionName: name,
    description: s.description ?? '',
    schema: {
      autoId: !!s.autoID,
      enableDynamicField: !!s.enableDynamicField,
      fields: (s.fields ?? []).map(restField),
      functions: (s.functions ?? []).map((fn) => ({
        name: fn.name ?? '',
        type: fn.type === 'BM25' || fn.type === undefined ? 'BM25' : fn.type,
        inputFieldNames: fn.inputFieldNames ?? [],
        outputFieldNames: fn.outputFieldNames ?? [],
        params: Object.fromEntries((fn.params ?? []).map((p) => [p.key, p.value])),
      })),
    },
  };
}

function restField(f: WireFieldSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { fieldName: f.name ?? '', dataType: f.dataType ?? 'None' };
  if (f.description) out.description = f.description;
  if (f.isPrimaryKey) out.isPrimary = true;
  if (f.autoID) out.autoId = true;
  if (f.nullable) out.nullable = true;
  if (f.elementType && f.elementType !== 'None') out.elementDataType = f.elementType;
  // A partition key is a layout hint in Milvus (results are the same); the REST door accepts it too.
  const params = Object.fromEntries((f.typeParams ?? []).map((p) => [p.key, p.value]));
  if (Object.keys(params).length) out.elementTypeParams = params;
  const dv = f.defaultValue && Object.values(f.defaultValue).find((v) => v !== undefined && v !== null);
  if (dv !== undefined) out.defaultValue = dv;
  return out;
}

function wireFieldSchema(f: FieldSchema, id: number): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (f.dim !== undefined) params.dim = String(f.dim);
  if (f.maxLength !== undefined) params.max_length = String(f.maxLength);
  if (f.maxCapacity !== undefined) params.max_capacity = String(f.maxCapacity);
  if (f.enableAnalyzer) params.enable_analyzer = 'true';
  if (f.analyzerParams) params.analyzer_params = JSON.stringify(f.analyzerParams);
  return {
    fieldID: String(100 + id),
    name: f.name,
    is_primary_key: !!f.isPrimary,
    description: f.description ?? '',
    data_type: f.dataType,
    type_params: kv(params),
    index_params: [],
    autoID: !!f.autoId,
    element_type: f.elementType ?? 'None',
    nullable: !!f.nullable,
    is_function_output: !!f.isFunctionOutput,
    is_dynamic: false,
    is_partition_key: false,
    is_clustering_key: false,
  };
}

function describe(c: Collection): Record<string, unknown> {
  const d = c.describe();
  const fields = d.schema.fields.map((f, i) => {
    const w = wireFieldSchema(f, i);
    // The SDK finds a search's metric among the vector field's index params.
    const ix = d.indexes.find((x) => x.fieldName === f.name);
    if (ix) w.index_params = kv({ index_type: ix.spec.indexType, metric_type: ix.spec.metricType });
    return w;
  });
  return {
    schema: {
      name: d.collectionName,
      description: d.schema.description ?? '',
      autoID: !!d.schema.fields.find((f) => f.isPrimary)?.autoId,
      fields,
      enable_dynamic_field: !!d.schema.enableDynamicField,
      functions: (d.schema.functions ?? []).map((fn, i) => ({
        name: fn.name,
        id: String(i + 1),
        type: 'BM25',
        input_field_names: fn.inputFieldNames,
        output_field_names: fn.outputFieldNames,
        params: kv(fn.params ?? {}),
      })),
    },
    collectionID: String(collectionId(d.collectionName)),
    collection_name: d.collectionName,
    shards_num: 1,
    consistency_level: 'Strong',
    created_timestamp: String(d.createdAt),
    created_utc_timestamp: String(d.createdAt),
    aliases: [],
    properties: [],
    db_name: 'default',
    num_partitions: '1',
  };
}

/** A stable id from the name (Milvus ids are numbers; clients only compare them). */
function collectionId(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

function pkField(c: Collection): FieldSchema {
  return c.schema.fields.find((f) => f.isPrimary) as FieldSchema;
}

function idsMessage(pk: FieldSchema, ids: PrimaryKey[]): Record<string, unknown> {
  return pk.dataType === 'VarChar' ? { str_id: { data: ids.map(String) } } : { int_id: { data: ids.map(String) } };
}

/** `partition_names` of a query, search or hybrid search; empty means all partitions. */
function partitionNamesOf(req: Req): string[] | undefined {
  const names = (req.partition_names as string[] | undefined) ?? [];
  return names.length ? names : undefined;
}

function rowsOf(req: Req): Row[] {
  const n = Number(req.num_rows ?? 0);
  const cols = (req.fields_data as WireFieldData[] | undefined) ?? [];
  if (!cols.length) throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: fields_data');
  if (!(n > 0)) throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: num_rows (at least one row)');
  return rowsFromColumns(cols, n);
}

function outputNames(c: Collection, asked: string[]): string[] {
  const fields = c.schema.fields.map((f) => f.name);
  if (asked.length === 0) return [pkField(c).name];
  const names = new Set<string>();
  for (const a of asked) {
    if (a === '*') {
      for (const f of c.schema.fields) if (!f.isFunctionOutput) names.add(f.name);
      if (c.schema.enableDynamicField) names.add(DYNAMIC_FIELD);
    } else names.add(a);
  }
  // Schema fields in their declared order, then dynamic keys as asked.
  return [...fields.filter((f) => names.has(f)), ...[...names].filter((n) => !fields.includes(n))];
}

/** What the engine is asked for: `*` plus the vector fields by name, since Milvus's `*` includes vectors. */
function engineOutputs(c: Collection, asked: string[]): string[] {
  if (!asked.includes('*')) return asked;
  const vectors = c.schema.fields.filter((f) => f.dataType === 'FloatVector').map((f) => f.name);
  return [...asked, ...vectors.filter((v) => !asked.includes(v))];
}

/**
 * `expr_template_values` (map<string, TemplateValue>) → the engine's filter params, for filters
 * written with `{name}` placeholders. With grpc-js's oneofs, each value names its set member.
 */
function templateValuesOf(req: Req): Record<string, JsonValue> | undefined {
  const raw = req.expr_template_values as Record<string, Record<string, unknown>> | undefined;
  if (!raw || Object.keys(raw).length === 0) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const [name, v] of Object.entries(raw)) out[name] = templateValue(v, `expr_template_values.${name}`);
  return out;
}

function templateValue(v: Record<string, unknown>, where: string): JsonValue {
  const member = (typeof v.val === 'string' ? v.val : Object.keys(v).find((k) => v[k] !== null && v[k] !== undefined && k !== 'val')) ?? '';
  switch (member) {
    case 'bool_val':
      return !!v.bool_val;
    case 'int64_val': {
      const n = Number(v.int64_val);
      if (!Number.isSafeInteger(n)) throw new RestError(RestCode.IncorrectParameterFormat, `${where}: ${String(v.int64_val)} is not an integer Loupe can hold exactly`);
      return n;
    }
    case 'float_val':
      return Number(v.float_val);
    case 'string_val':
      return String(v.string_val);
    case 'array_val': {
      const a = v.array_val as Record<string, { data?: unknown[] } | null>;
      const key = (typeof a.data === 'string' ? (a.data as string) : Object.keys(a).find((k) => a[k] && k !== 'data')) ?? '';
      const data = (a[key] as { data?: unknown[] } | null)?.data ?? [];
      if (key === 'long_data') return data.map((x) => Number(x));
      if (key === 'json_data') return data.map((b) => JSON.parse(Buffer.from(b as Uint8Array).toString('utf8')) as JsonValue);
      if (key === 'array_data') return data.map((x, i) => templateValue({ array_val: x as Record<string, unknown> }, `${where}[${i}]`));
      return data as JsonValue[];
    }
    default:
      throw new RestError(RestCode.IncorrectParameterFormat, `${where}: a template value with no value set`);
  }
}

function metricParam(raw: string | undefined): MetricType | undefined {
  if (!raw) return undefined;
  const up = raw.toUpperCase();
  if (up === 'BM25') return up as MetricType; // the engine checks BM25 against the field
  return metricOf(up, 'search_params.metric_type');
}

function searchTimeParams(p: Record<string, unknown>): SearchTimeParams {
  const out: SearchTimeParams = {};
  const num = (k: string): number | undefined => {
    const v = p[k];
    if (v === undefined || v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new RestError(RestCode.IncorrectParameterFormat, `search_params.params.${k} must be a number, got ${JSON.stringify(v)}`);
    return n;
  };
  const set = (key: keyof SearchTimeParams, v: number | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  set('ef', num('ef'));
  set('nprobe', num('nprobe'));
  set('refineK', num('refine_k'));
  set('radius', num('radius'));
  set('rangeFilter', num('range_filter'));
  return out;
}

/** One SearchRequest message (or a hybrid sub-request) → the engine's request. */
function searchRequestOf(c: Collection, req: Req): SearchRequest {
  const sp = kvOf(req, 'search_params');
  const params = jsonParam(sp.get('params'), 'search_params.params');
  const annsField = sp.get('anns_field') || undefined;
  const field = annsField ? c.schema.fields.find((f) => f.name === annsField) : c.schema.fields.find((f) => f.dataType === 'FloatVector');
  const group = req.placeholder_group as Uint8Array | undefined;
  if (!group || group.length === 0) {
    throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: placeholder_group (the query vectors); search by primary keys is not supported by Loupe');
  }
  const placeholders = decodePlaceholderGroup(group);
  const data: Array<number[] | string> = [];
  for (const p of placeholders) {
    for (const bytes of p.values) {
      const buf = Buffer.from(bytes);
      if (p.type === 'VarChar' || field?.isFunctionOutput) data.push(buf.toString('utf8'));
      else if (p.type === 'FloatVector') {
        if (buf.length % 4 !== 0) throw new RestError(RestCode.IncorrectParameterFormat, `placeholder_group: a float vector of ${buf.length} bytes`);
        data.push(Array.from(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))));
      } else if (p.type === 'SparseFloatVector') {
        throw new RestError(RestCode.IncorrectParameterFormat, 'search with a sparse query vector is not supported by Loupe; send query text to a BM25 field');
      } else throw new RestError(RestCode.IncorrectParameterFormat, `placeholder_group: ${p.type} query vectors are not supported by Loupe (FloatVector and text are)`);
    }
  }
  const limit = Number(sp.get('topk') ?? params.topk ?? DEFAULT_LIMIT);
  const out: SearchRequest = { data, limit: Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_LIMIT };
  if (annsField) out.annsField = annsField;
  const offset = Number(sp.get('offset') ?? 0);
  if (offset > 0) out.offset = offset;
  const filter = str(req, 'dsl');
  if (filter) out.filter = filter;
  const filterParams = templateValuesOf(req);
  if (filterParams) out.filterParams = filterParams;
  const metric = metricParam(sp.get('metric_type') || (params.metric_type as string | undefined));
  if (metric) out.metricType = metric;
  const time = searchTimeParams({ ...params, ...Object.fromEntries(sp) });
  if (Object.keys(time).length) out.params = time;
  const groupBy = sp.get('group_by_field');
  if (groupBy) {
    out.groupByField = groupBy;
    const size = Number(sp.get('group_size') ?? 0);
    if (size > 0) out.groupSize = size;
  }
  return out;
}

function searchResults(c: Collection, results: SearchHit[][], asked: string[], topK: number): Record<string, unknown> {
  const pk = pkField(c);
  const hits = results.flat();
  const rows = hits.map((h) => h.entity);
  const names = outputNames(c, [pk.name, ...asked]);
  return {
    results: {
      num_queries: String(results.length),
      top_k: String(topK),
      fields_data: columnsFromRows(c.schema, rows, names),
      scores: hits.map((h) => h.distance),
      ids: idsMessage(pk, hits.map((h) => h.id)),
      topks: results.map((r) => String(r.length)),
      output_fields: names,
      primary_field_name: pk.name,
    },
    collection_name: c.name,
  };
}

const loadStates: Record<string, string> = { LoadStateLoaded: 'LoadStateLoaded', LoadStateNotLoad: 'LoadStateNotLoad', LoadStateLoading: 'LoadStateLoading', LoadStateNotExist: 'LoadStateNotExist' };

/** The REST endpoint whose privilege each call needs (privileges.ts keeps one table for both doors). */
export const RPC_ENDPOINTS: Record<string, string | undefined> = {
  CreateCollection: 'collections/create',
  DescribeCollection: 'collections/describe',
  HasCollection: 'collections/has',
  DropCollection: 'collections/drop',
  ShowCollections: 'collections/list',
  GetCollectionStatistics: 'collections/get_stats',
  LoadCollection: 'collections/load',
  ReleaseCollection: 'collections/release',
  GetLoadState: 'collections/get_load_state',
  GetLoadingProgress: 'collections/get_load_state',
  CreateIndex: 'indexes/create',
  DescribeIndex: 'indexes/describe',
  DropIndex: 'indexes/drop',
  Insert: 'entities/insert',
  Upsert: 'entities/upsert',
  Delete: 'entities/delete',
  Query: 'entities/query',
  Search: 'entities/search',
  HybridSearch: 'entities/hybrid_search',
  Flush: 'collections/flush',
  GetFlushState: undefined,
  ManualCompaction: 'collections/compact',
  GetCompactionState: 'collections/get_compaction_state',
};

export const rpcs: Record<string, Rpc> = {
  CreateCollection: async (db, req) => {
    const name = need(req, 'collection_name');
    const bytes = req.schema as Uint8Array | undefined;
    if (!bytes || bytes.length === 0) throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: schema');
    const plan = createCollectionPlan(WireObject.of(restCreateBody(name, decodeCollectionSchema(bytes)), ''));
    await db.createCollection(name, plan.schema, { indexes: plan.indexes });
    return {};
  },
  DescribeCollection: async (db, req) => describe(collectionOf(db, req)),
  HasCollection: async (db, req) => ({ value: db.hasCollection(need(req, 'collection_name')) }),
  DropCollection: async (db, req) => {
    await db.dropCollection(need(req, 'collection_name'));
    return {};
  },
  ShowCollections: async (db) => {
    const names = db.listCollections();
    return {
      collection_names: names,
      collection_ids: names.map((n) => String(collectionId(n))),
      created_timestamps: names.map((n) => String(db.collection(n).describe().createdAt)),
      created_utc_timestamps: names.map((n) => String(db.collection(n).describe().createdAt)),
      inMemory_percentages: names.map((n) => String(db.collection(n).getLoadState() === 'LoadStateLoaded' ? 100 : 0)),
      query_service_available: names.map((n) => db.collection(n).getLoadState() === 'LoadStateLoaded'),
    };
  },
  GetCollectionStatistics: async (db, req) => ({ stats: kv({ row_count: String(collectionOf(db, req).stats().rowCount) }) }),
  LoadCollection: async (db, req) => {
    collectionOf(db, req).load();
    return {};
  },
  ReleaseCollection: async (db, req) => {
    collectionOf(db, req).release();
    return {};
  },
  GetLoadState: async (db, req) => ({ state: loadStates[collectionOf(db, req).getLoadState()] ?? 'LoadStateNotExist' }),
  GetLoadingProgress: async (db, req) => {
    const loaded = collectionOf(db, req).getLoadState() === 'LoadStateLoaded';
    return { progress: loaded ? '100' : '0', refresh_progress: loaded ? '100' : '0' };
  },

  CreateIndex: async (db, req) => {
    const c = collectionOf(db, req);
    const p = kvOf(req, 'extra_params');
    const body: Record<string, unknown> = { fieldName: need(req, 'field_name'), params: jsonParam(p.get('params'), 'extra_params.params') };
    if (str(req, 'index_name')) body.indexName = str(req, 'index_name');
    if (p.get('index_type')) body.indexType = p.get('index_type');
    if (p.get('metric_type')) body.metricType = p.get('metric_type');
    const ix = indexRequestOf(WireObject.of(body, 'extra_params'), c.schema);
    if (ix) {
      const { fieldName, indexName, ...spec } = ix;
      await c.createIndex(fieldName, spec, indexName);
    }
    return {};
  },
  DescribeIndex: async (db, req) => {
    const c = collectionOf(db, req);
    const name = str(req, 'index_name');
    const field = str(req, 'field_name');
    const all = c.listIndexes().filter((ix) => (!name || ix.indexName === name) && (!field || ix.fieldName === field));
    if (all.length === 0) throw new EngineError(ErrorCode.IndexNotFound, `index not found[collection=${c.name}]${name ? `[index=${name}]` : ''}`);
    return {
      index_descriptions: all.map((ix) => {
        const d = c.describeIndex(ix.indexName);
        return {
          index_name: d.indexName,
          indexID: String(collectionId(d.indexName)),
          params: kv({ index_type: d.spec.indexType, metric_type: d.spec.metricType, params: JSON.stringify(d.spec.params) }),
          field_name: d.fieldName,
          indexed_rows: String(d.indexedRows),
          total_rows: String(d.totalRows),
          pending_index_rows: String(d.totalRows - d.indexedRows),
          state: d.state === 'Finished' ? 'Finished' : 'InProgress',
          index_state_fail_reason: '',
        };
      }),
    };
  },
  DropIndex: async (db, req) => {
    const c = collectionOf(db, req);
    const name = str(req, 'index_name') || c.listIndexes().find((ix) => ix.fieldName === str(req, 'field_name'))?.indexName;
    if (!name) throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: index_name or field_name');
    await c.dropIndex(name);
    return {};
  },

  Insert: async (db, req) => {
    const c = collectionOf(db, req);
    const r = await asInsertError(() => c.insert(rowsOf(req), str(req, 'partition_name') || undefined));
    return { IDs: idsMessage(pkField(c), r.ids), succ_index: r.ids.map((_, i) => i), err_index: [], insert_cnt: String(r.insertCount), delete_cnt: '0', upsert_cnt: '0', timestamp: String(Date.now()) };
  },
  Upsert: async (db, req) => {
    const c = collectionOf(db, req);
    const r = await asInsertError(() => c.upsert(rowsOf(req), str(req, 'partition_name') || undefined));
    return { IDs: idsMessage(pkField(c), r.ids), succ_index: r.ids.map((_, i) => i), err_index: [], insert_cnt: '0', delete_cnt: '0', upsert_cnt: String(r.upsertCount), timestamp: String(Date.now()) };
  },
  Delete: async (db, req) => {
    const c = collectionOf(db, req);
    const filterParams = templateValuesOf(req);
    const partition = str(req, 'partition_name');
    const r = await c.delete({ filter: need(req, 'expr'), ...(filterParams ? { filterParams } : {}), ...(partition ? { partitionNames: [partition] } : {}) });
    return { IDs: idsMessage(pkField(c), []), succ_index: [], err_index: [], insert_cnt: '0', delete_cnt: String(r.deleteCount), upsert_cnt: '0', timestamp: String(Date.now()) };
  },
  Query: async (db, req) => {
    const c = collectionOf(db, req);
    const qp = kvOf(req, 'query_params');
    const asked = (req.output_fields as string[] | undefined) ?? [];
    const countOnly = asked.length === 1 && asked[0].toLowerCase() === 'count(*)';
    const limit = qp.has('limit') ? Number(qp.get('limit')) : undefined;
    const filterParams = templateValuesOf(req);
    const rows = await c.query({
      filter: str(req, 'expr'),
      ...(filterParams ? { filterParams } : {}),
      partitionNames: partitionNamesOf(req),
      outputFields: asked.length ? engineOutputs(c, asked) : [pkField(c).name],
      ...(limit !== undefined ? { limit } : {}),
      offset: Number(qp.get('offset') ?? 0),
    });
    if (countOnly) {
      return { fields_data: [{ type: 'Int64', field_name: 'count(*)', scalars: { long_data: { data: [String(rows[0]?.['count(*)'] ?? 0)] } }, valid_data: [] }], collection_name: c.name, output_fields: ['count(*)'] };
    }
    const names = outputNames(c, asked.length ? asked : [pkField(c).name]);
    if (!names.includes(pkField(c).name)) names.unshift(pkField(c).name);
    return { fields_data: columnsFromRows(c.schema, rows, names), collection_name: c.name, output_fields: names, primary_field_name: pkField(c).name };
  },
  Search: async (db, req) => {
    const c = collectionOf(db, req);
    const asked = (req.output_fields as string[] | undefined) ?? [];
    const sr = searchRequestOf(c, req);
    sr.outputFields = engineOutputs(c, asked);
    sr.partitionNames = partitionNamesOf(req);
    return searchResults(c, await c.search(sr), asked, sr.limit);
  },
  HybridSearch: async (db, req) => {
    const c = collectionOf(db, req);
    const rank = kvOf(req, 'rank_params');
    const strategy = (rank.get('strategy') ?? 'rrf').toLowerCase();
    const params = jsonParam(rank.get('params'), 'rank_params.params');
    const limit = Number(rank.get('limit') ?? DEFAULT_LIMIT);
    const searches = ((req.requests as Req[] | undefined) ?? []).map((r) => {
      const s = searchRequestOf(c, r);
      return { ...s, outputFields: undefined };
    });
    if (searches.length === 0) throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters: requests (at least one sub-search)');
    const rerank =
      strategy === 'weighted'
        ? { strategy: 'weighted' as const, params: { weights: (params.weights as number[] | undefined) ?? [] } }
        : { strategy: 'rrf' as const, ...(params.k !== undefined ? { params: { k: Number(params.k) } } : {}) };
    const asked = (req.output_fields as string[] | undefined) ?? [];
    const hits = await c.hybridSearch({ searches, rerank, limit, offset: Number(rank.get('offset') ?? 0), outputFields: engineOutputs(c, asked) });
    return searchResults(c, [hits], asked, limit);
  },
  Flush: async (db, req) => {
    const names = (req.collection_names as string[] | undefined) ?? [];
    for (const n of names) await db.collection(n).flush();
    return { db_name: 'default', coll_segIDs: Object.fromEntries(names.map((n) => [n, { data: [] }])), flush_coll_segIDs: Object.fromEntries(names.map((n) => [n, { data: [] }])), coll_seal_times: Object.fromEntries(names.map((n) => [n, String(Math.floor(Date.now() / 1000))])) };
  },
  GetFlushState: async () => ({ flushed: true }),
  ManualCompaction: async (db, req) => {
    const name = str(req, 'collection_name');
    const c = name ? db.collection(name) : db.listCollections().map((n) => db.collection(n)).find((x) => String(collectionId(x.name)) === String(req.collectionID));
    if (!c) throw new EngineError(ErrorCode.CollectionNotFound, `collection not found[collectionID=${String(req.collectionID)}]`);
    await c.compact();
    return { compactionID: String(Date.now()), compactionPlanCount: 1 };
  },
  GetCompactionState: async () => ({ state: 'Completed', executingPlanNo: '0', timeoutPlanNo: '0', completedPlanNo: '1', failedPlanNo: '0' }),
};

