// /v2/vectordb/collections/*: create, describe, list, has, drop, get_stats, load, release,
// refresh_load, get_load_state, flush, compact, get_compaction_state — wire JSON in, engine
// calls, Milvus-shaped JSON out. Changes to a collection's definition: collectionSchemaRoutes.

import type { Collection } from '../collection';
import type { FieldSchema } from '../schema/types';
import { createCollectionPlan } from './createCollectionRequest';
import { invalid } from '../errors';
import { type Route, type RouteContext, type RouteResult, collectionOf, ok, wireProperties } from './route';

let compactionSeq = 0;
/** Compactions this process ran (they finish before `compact` answers), by id → collection. */
const compactions = new Map<number, string>();
const MAX_REMEMBERED = 10_000;

export const collectionRoutes: Record<string, Route> = {
  create: async (db, body) => {
    const name = body.str('collectionName');
    const plan = createCollectionPlan(body);
    await db.createCollection(name, plan.schema, { indexes: plan.indexes });
    return ok();
  },

  describe: async (db, body, ctx) => ({ data: describeCollection(collectionOf(db, body), ctx) }),

  list: async (db) => ok(db.listCollections()),

  has: async (db, body) => ok({ has: db.hasCollection(body.str('collectionName')) }),

  drop: async (db, body, ctx) => {
    const name = body.str('collectionName');
    const aliases = db.hasCollection(name) ? ctx.catalog.listAliases(ctx.dbName, name) : [];
    // As Milvus: a collection with aliases is not dropped (the aliases would point nowhere).
    if (aliases.length > 0) throw invalid(`collection "${name}" has aliases (${aliases.join(', ')}); drop them first`);
    await db.dropCollection(name);
    return ok();
  },

  get_stats: async (db, body) => ok({ rowCount: collectionOf(db, body).stats().rowCount }),

  /** Data is always in memory here; Milvus answers refresh_load on a loaded collection only. */
  refresh_load: async (db, body) => {
    const c = collectionOf(db, body);
    if (c.getLoadState() !== 'LoadStateLoaded') throw invalid(`collection "${c.name}" is not loaded; load it first`);
    return ok();
  },

  load: async (db, body) => {
    collectionOf(db, body).load();
    return ok();
  },

  release: async (db, body) => {
    collectionOf(db, body).release();
    return ok();
  },

  get_load_state: async (db, body): Promise<RouteResult> => {
    const state = collectionOf(db, body).getLoadState();
    return ok(state === 'LoadStateLoaded' ? { loadState: state, loadProgress: 100 } : { loadState: state });
  },

  flush: async (db, body) => {
    await collectionOf(db, body).flush();
    return ok();
  },

  compact: async (db, body) => {
    const c = collectionOf(db, body);
    await c.compact();
    // Compaction here finishes before we answer; the id is for clients that poll its state.
    const id = ++compactionSeq;
    compactions.set(id, c.name);
    if (compactions.size > MAX_REMEMBERED) compactions.delete(compactions.keys().next().value as number);
    return ok({ compactionID: id });
  },

  get_compaction_state: async (_db, body) => {
    const id = body.optInt('compactionID') ?? body.optInt('jobID');
    if (id === undefined) throw invalid('get_compaction_state: give the compactionID that compact returned');
    if (!compactions.has(id)) throw invalid(`get_compaction_state: no compaction with id ${id} (ids come from collections/compact, and are kept until the server restarts)`);
    return ok({ compactionID: id, state: 'Completed', executingPlanNo: 0, timeoutPlanNo: 0, completedPlanNo: 1, failedPlanNo: 0 });
  },
};

/** Milvus's describe shape: type params as `{key, value}` string pairs, indexes, load state. */
function describeCollection(c: Collection, ctx: RouteContext): Record<string, unknown> {
  const d = c.describe();
  const pk = d.schema.fields.find((f) => f.isPrimary);
  return {
    collectionName: d.collectionName,
    description: d.schema.description ?? '',
    autoId: !!pk?.autoId,
    fields: d.schema.fields.map(wireField),
    functions: (d.schema.functions ?? []).map((fn) => ({
      name: fn.name,
      type: fn.type,
      inputFieldNames: fn.inputFieldNames,
      outputFieldNames: fn.outputFieldNames,
      params: fn.params ?? {},
    })),
    indexes: d.indexes.map((ix) => ({ fieldName: ix.fieldName, indexName: ix.indexName, metricType: ix.spec.metricType })),
    load: d.loadState,
    shardsNum: 1,
    partitionsNum: c.partitions.names().length,
    consistencyLevel: 'Strong',
    enableDynamicField: !!d.schema.enableDynamicField,
    properties: wireProperties(d.schema.properties),
    aliases: ctx.catalog.listAliases(ctx.dbName, c.name),
    dbName: ctx.dbName,
    createdTime: d.createdAt,
  };
}

function wireField(f: FieldSchema): Record<string, unknown> {
  const params: Array<{ key: string; value: string }> = [];
  const param = (key: string, value: unknown): void => {
    if (value !== undefined) params.push({ key, value: typeof value === 'string' ? value : JSON.stringify(value) });
  };
  param('dim', f.dim);
  param('max_length', f.maxLength);
  param('max_capacity', f.maxCapacity);
  param('enable_analyzer', f.enableAnalyzer);
  param('analyzer_params', f.analyzerParams);
  const out: Record<string, unknown> = {
    name: f.name,
    type: f.dataType,
    description: f.description ?? '',
    primaryKey: !!f.isPrimary,
    autoId: !!f.autoId,
    partitionKey: !!f.isPartitionKey,
    clusteringKey: false,
    nullable: !!f.nullable,
    params,
  };
  if (f.elementType) out.elementType = f.elementType;
  if (f.defaultValue !== undefined) out.defaultValue = f.defaultValue;
  if (f.isFunctionOutput) out.isFunctionOutput = true;
  return out;
}
