// The gRPC methods that carry collections and rows, translated to the REST routes (one place
// for the rules): the schema arrives as protobuf bytes, rows as columns (FieldData), query
// vectors as a PlaceholderGroup; answers go back as columns and SearchResultData.

import protobuf from 'protobufjs';
import type { Collection } from '../collection';
import type { FieldSchema } from '../schema/types';
import { collectionRoutes } from '../rest/collectionRoutes';
import { entityRoutes } from '../rest/entityRoutes';
import { indexRoutes } from '../rest/indexRoutes';
import type { RestDatabase, Route, RouteContext } from '../rest/route';
import { WireObject } from '../rest/wire';

// The SDK's protobuf JSON (CommonJS modules without types).
const MILVUS_JSON = (require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus') as { default: protobuf.INamespace }).default;
const milvusRoot = protobuf.Root.fromJSON(MILVUS_JSON);
const CollectionSchemaType = milvusRoot.lookupType('milvus.proto.schema.CollectionSchema');
const PlaceholderGroupType = milvusRoot.lookupType('milvus.proto.common.PlaceholderGroup');
const TO_OBJECT = { enums: String, longs: String, bytes: Buffer, defaults: true, arrays: true };

type Req = Record<string, unknown>;
export type DataHandler = (req: Req, db: RestDatabase, ctx: RouteContext) => Promise<Req>;

export const SUCCESS = { error_code: 'Success', code: 0, reason: '' };

/** Runs a REST route with a body built from the gRPC request. */
export async function via(route: Route, db: RestDatabase, ctx: RouteContext, body: Record<string, unknown>): Promise<unknown> {
  return (await route(db, WireObject.of(body, ''), ctx)).data;
}

const kv = (pairs: unknown): Record<string, string> =>
  Object.fromEntries((Array.isArray(pairs) ? pairs : []).map((p: { key?: unknown; value?: unknown }) => [String(p.key), String(p.value)]));

export const dataMethods: Record<string, [string, DataHandler]> = {
  CreateCollection: ['collections/create', async (req, db, ctx) => {
    const schema = CollectionSchemaType.toObject(CollectionSchemaType.decode(req.schema as Uint8Array), TO_OBJECT) as Req;
    const fields = (schema.fields as Req[]).map((f) => {
      const params = kv(f.type_params);
      const out: Req = { fieldName: f.name, dataType: f.data_type, isPrimary: !!f.is_primary_key, elementTypeParams: params };
      if (f.description) out.description = f.description;
      if (f.autoID) out.autoId = true;
      if (f.nullable) out.nullable = true;
      if (f.is_partition_key) out.isPartitionKey = true;
      if (f.element_type && f.element_type !== 'None') out.elementDataType = f.element_type;
      return out;
    });
    const functions = ((schema.functions as Req[] | undefined) ?? []).map((fn) => ({
      name: fn.name, type: fn.type, inputFieldNames: fn.input_field_names, outputFieldNames: fn.output_field_names, params: kv(fn.params),
    }));
    await via(collectionRoutes.create, db, ctx, {
      collectionName: req.collection_name,
      schema: { autoId: !!schema.autoID, enableDynamicField: !!schema.enable_dynamic_field, fields, functions },
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
      num_partitions: String(c.partitions.names().length),
      properties: Object.entries(c.schema.properties ?? {}).map(([key, value]) => ({ key, value })),
    };
  }],

  CreateIndex: ['indexes/create', async (req, db, ctx) => {
    const params = kv(req.extra_params);
    const extra = params.params ? (JSON.parse(params.params) as Record<string, unknown>) : {};
    await via(indexRoutes.create, db, ctx, {
      collectionName: req.collection_name,
      indexParams: [{ fieldName: req.field_name, indexName: req.index_name || req.field_name, metricType: params.metric_type, params: { index_type: params.index_type, ...extra } }],
    });
    return SUCCESS;
  }],

  DescribeIndex: ['indexes/describe', async (req, db) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const name = String(req.index_name || req.field_name || '');
    const entries = c.listIndexes().filter((e) => !name || e.indexName === name || e.fieldName === name);
    if (entries.length === 0) c.describeIndex(name); // throws "index not found"
    return {
      status: SUCCESS,
      index_descriptions: entries.map((e) => {
        const d = c.describeIndex(e.indexName);
        return {
          index_name: d.indexName, field_name: d.fieldName, indexID: '0', state: d.state, indexed_rows: String(d.indexedRows), total_rows: String(d.totalRows),
          pending_index_rows: String(d.totalRows - d.indexedRows),
          params: [{ key: 'index_type', value: d.spec.indexType }, { key: 'metric_type', value: d.spec.metricType }, { key: 'params', value: JSON.stringify(d.spec.params) }],
        };
      }),
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
    const r = (await via(entityRoutes.delete, db, ctx, { collectionName: req.collection_name, filter: req.expr, partitionName: req.partition_name || undefined })) as { deleteCount: number };
    return { status: SUCCESS, IDs: idsOf(c, []), delete_cnt: String(r.deleteCount), succ_index: [], err_index: [] };
  }],

  Query: ['entities/query', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const params = kv(req.query_params);
    const outputFields = (req.output_fields as string[] | undefined) ?? [];
    const body: Req = { collectionName: req.collection_name, filter: req.expr ?? '', outputFields, partitionNames: req.partition_names };
    if (params.limit) body.limit = Number(params.limit);
    if (params.offset) body.offset = Number(params.offset);
    const rows = (await via(entityRoutes.query, db, ctx, body)) as Req[];
    const names = rows.length ? Object.keys(rows[0]) : outputFields;
    return { status: SUCCESS, collection_name: c.name, output_fields: names, fields_data: columnsOf(c, rows, names), primary_field_name: pkOf(c).name };
  }],

  Search: ['entities/search', async (req, db, ctx) => {
    const c = db.collection(String(req.collection_name ?? ''));
    const params = kv(req.search_params);
    const group = PlaceholderGroupType.toObject(PlaceholderGroupType.decode(req.placeholder_group as Uint8Array), TO_OBJECT) as { placeholders: Array<{ type: string; values: Buffer[] }> };
    const ph = group.placeholders[0];
    const data = ph.values.map((b) => (ph.type === 'VarChar' ? b.toString('utf8') : Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)))));
    const outputFields = (req.output_fields as string[] | undefined) ?? [];
    const topk = Number(params.topk ?? params.limit ?? 10);
    const body: Req = {
      collectionName: req.collection_name, data, limit: topk, outputFields, partitionNames: req.partition_names,
      searchParams: { ...(params.metric_type ? { metricType: params.metric_type } : {}), params: params.params ? JSON.parse(params.params) : {} },
    };
    if (params.anns_field) body.annsField = params.anns_field;
    if (req.dsl) body.filter = req.dsl;
    if (params.offset) body.offset = Number(params.offset);
    const r = await entityRoutes.search(db, WireObject.of(body, ''), ctx);
    const hits = r.data as Req[];
    const topks = (r.extra?.topks as number[]) ?? [hits.length];
    const pk = pkOf(c).name;
    // Milvus returns the primary key among the output columns; the SDK reads hit ids from there.
    const asked = outputFields.includes('*') ? c.schema.fields.filter((f) => f.dataType !== 'SparseFloatVector').map((f) => f.name) : outputFields;
    const names = [pk, ...asked.filter((n) => n !== pk)];
    return {
      status: SUCCESS,
      collection_name: c.name,
      results: {
        num_queries: String(data.length), top_k: String(topk), topks: topks.map(String), scores: hits.map((h) => Number(h.distance)),
        ids: idsOf(c, hits.map((h) => h[pk])), output_fields: names, fields_data: columnsOf(c, hits, names), primary_field_name: pk,
      },
    };
  }],
};

async function mutation(db: RestDatabase, ctx: RouteContext, req: Req, route: Route, kind: 'insert' | 'upsert'): Promise<Req> {
  const c = db.collection(String(req.collection_name ?? ''));
  const rows = rowsOf(req.fields_data as Req[], Number(req.num_rows ?? 0));
  const r = (await via(route, db, ctx, { collectionName: req.collection_name, partitionName: req.partition_name || undefined, data: rows })) as Record<string, unknown>;
  const ids = (r.insertIds ?? r.upsertIds) as unknown[];
  return { status: SUCCESS, IDs: idsOf(c, ids), succ_index: ids.map((_, i) => i), err_index: [], [`${kind}_cnt`]: String(ids.length), insert_cnt: String(kind === 'insert' ? ids.length : 0) };
}

/** Columns (FieldData) → rows; dynamic keys arrive as one JSON column. */
function rowsOf(columns: Req[], n: number): Req[] {
  const rows: Req[] = Array.from({ length: n }, () => ({}));
  for (const col of columns) {
    const name = String(col.field_name);
    const vectors = col.vectors as Req | undefined;
    if (vectors && (vectors.float_vector as Req | undefined)) {
      const dim = Number(vectors.dim);
      const flat = ((vectors.float_vector as Req).data as number[]) ?? [];
      rows.forEach((r, i) => (r[name] = flat.slice(i * dim, (i + 1) * dim)));
      continue;
    }
    const scalars = (col.scalars ?? {}) as Req;
    const kind = String(scalars.data ?? Object.keys(scalars).find((k) => scalars[k]) ?? '');
    const values = ((scalars[kind] as Req | undefined)?.data as unknown[]) ?? [];
    const valid = (col.valid_data as boolean[] | undefined) ?? [];
    rows.forEach((r, i) => {
      if (valid.length && !valid[i]) return;
      let v = values[i];
      if (kind === 'json_data') v = JSON.parse(Buffer.from(v as Uint8Array).toString('utf8'));
      if (kind === 'long_data') v = Number(v);
      if (col.is_dynamic) Object.assign(r, v as object);
      else r[name] = v;
    });
  }
  return rows;
}

/** Rows → columns in the collection's types; names not in the schema go to the dynamic column. */
function columnsOf(c: Collection, rows: Req[], names: string[]): Req[] {
  const byName = new Map(c.schema.fields.map((f) => [f.name, f]));
  const out: Req[] = [];
  const dynamic: string[] = [];
  for (const name of names) {
    const f = byName.get(name);
    if (name === 'count(*)') {
      out.push({ field_name: name, type: 'Int64', scalars: { long_data: { data: rows.map((r) => String(r[name])) } } });
    } else if (!f) {
      dynamic.push(name);
    } else if (f.dataType === 'FloatVector') {
      out.push({ field_name: name, type: f.dataType, vectors: { dim: String(f.dim), float_vector: { data: rows.flatMap((r) => Array.from(r[name] as ArrayLike<number>)) } } });
    } else {
      out.push({ field_name: name, type: f.dataType, scalars: scalarColumn(f, rows.map((r) => r[name])), valid_data: f.nullable ? rows.map((r) => r[name] !== null && r[name] !== undefined) : [] });
    }
  }
  if (dynamic.length && c.schema.enableDynamicField) {
    const json = rows.map((r) => Buffer.from(JSON.stringify(Object.fromEntries(dynamic.filter((k) => k in r).map((k) => [k, r[k]])))));
    out.push({ field_name: '$meta', type: 'JSON', is_dynamic: true, scalars: { json_data: { data: json } } });
  }
  return out;
}

function scalarColumn(f: FieldSchema, values: unknown[]): Req {
  switch (f.dataType) {
    case 'Bool': return { bool_data: { data: values.map((v) => !!v) } };
    case 'Int8': case 'Int16': case 'Int32': return { int_data: { data: values.map((v) => Number(v ?? 0)) } };
    case 'Int64': return { long_data: { data: values.map((v) => String(v ?? 0)) } };
    case 'Float': return { float_data: { data: values.map((v) => Number(v ?? 0)) } };
    case 'Double': return { double_data: { data: values.map((v) => Number(v ?? 0)) } };
    case 'VarChar': return { string_data: { data: values.map((v) => String(v ?? '')) } };
    default: return { json_data: { data: values.map((v) => Buffer.from(JSON.stringify(v ?? null))) } };
  }
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
  return {
    fieldID: String(100 + i), name: f.name, is_primary_key: !!f.isPrimary, description: f.description ?? '', data_type: f.dataType,
    type_params: params, index_params: [], autoID: !!f.autoId, element_type: f.elementType ?? 'None', nullable: !!f.nullable,
    is_function_output: !!f.isFunctionOutput, is_partition_key: false, is_dynamic: false,
  };
}
