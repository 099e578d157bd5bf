// /v2/vectordb/collections/*: create, describe, list, has, drop, get_stats, load, release,
// get_load_state, flush, compact — wire JSON in, engine calls, Milvus-shaped JSON out.

import type { Collection } from '../collection';
import type { FieldSchema } from '../schema/types';
import { createCollectionPlan } from './createCollectionRequest';
import { type Route, type RouteResult, collectionOf, ok } from './route';

let compactionSeq = 0;

export const collectionRoutes: Record<string, Route> = {
  create: async (db, body) => {
    const name = body.str('collectionName');
    const plan = createCollectionPlan(body);
    await db.createCollection(name, plan.schema, { indexes: plan.indexes });
    return ok();
  },

  describe: async (db, body) => ({ data: describeCollection(collectionOf(db, body)) }),

  list: async (db) => ok(db.listCollections()),

  has: async (db, body) => ok({ has: db.hasCollection(body.str('collectionName')) }),

  drop: async (db, body) => {
    await db.dropCollection(body.str('collectionName'));
    return ok();
  },

  get_stats: async (db, body) => ok({ rowCount: collectionOf(db, body).stats().rowCount }),

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
    await collectionOf(db, body).compact();
    // Compaction here finishes before we answer; the id is for clients that poll its state.
    return ok({ compactionID: ++compactionSeq });
  },
};

/** Milvus's describe shape: type params as `{key, value}` string pairs, indexes, load state. */
function describeCollection(c: Collection): Record<string, unknown> {
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
    partitionsNum: 1,
    consistencyLevel: 'Strong',
    enableDynamicField: !!d.schema.enableDynamicField,
    properties: [],
    aliases: [],
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
    partitionKey: false,
    clusteringKey: false,
    nullable: !!f.nullable,
    params,
  };
  if (f.elementType) out.elementType = f.elementType;
  if (f.defaultValue !== undefined) out.defaultValue = f.defaultValue;
  if (f.isFunctionOutput) out.isFunctionOutput = true;
  return out;
}
