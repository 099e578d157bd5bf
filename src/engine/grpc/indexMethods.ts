// The gRPC methods for indexes (create, describe, statistics, state, progress, alter and drop
// properties, drop), translated to the REST routes like dataMethods.ts.

import type { Collection } from '../collection';
import { indexRoutes } from '../rest/indexRoutes';
import { type DataHandler, SUCCESS, kv, via } from './dataMethods';

type Req = Record<string, unknown>;

/** IndexDescription messages for the indexes named (by index or field name; all when empty). */
function descriptions(c: Collection, name: string): Req[] {
  const entries = c.listIndexes().filter((e) => !name || e.indexName === name || e.fieldName === name);
  if (entries.length === 0) c.describeIndex(name); // throws "index not found"
  return entries.map((e) => {
    const d = c.describeIndex(e.indexName);
    const params = [{ key: 'index_type', value: d.spec.indexType }, { key: 'metric_type', value: d.spec.metricType }, { key: 'params', value: JSON.stringify(d.spec.params) }];
    for (const [key, value] of Object.entries(c.schema.indexProperties?.[d.indexName] ?? {})) params.push({ key, value });
    return {
      index_name: d.indexName, field_name: d.fieldName, indexID: '0', state: d.state, indexed_rows: String(d.indexedRows), total_rows: String(d.totalRows),
      pending_index_rows: String(d.totalRows - d.indexedRows), params,
    };
  });
}

const collectionOf = (req: Req, db: { collection(name: string): Collection }): Collection => db.collection(String(req.collection_name ?? ''));
const nameOf = (req: Req): string => String(req.index_name || req.field_name || '');

export const indexMethods: Record<string, [string, DataHandler]> = {
  CreateIndex: ['indexes/create', async (req, db, ctx) => {
    const params = kv(req.extra_params);
    const extra = params.params ? (JSON.parse(params.params) as Record<string, unknown>) : {};
    // No name given: the field's index if it has one (so a repeated create is the same create).
    const existing = collectionOf(req, db).listIndexes().find((e) => e.fieldName === req.field_name)?.indexName;
    await via(indexRoutes.create, db, ctx, {
      collectionName: req.collection_name,
      indexParams: [{ fieldName: req.field_name, indexName: req.index_name || existing || req.field_name, metricType: params.metric_type, params: { index_type: params.index_type, ...extra } }],
    });
    return SUCCESS;
  }],

  DescribeIndex: ['indexes/describe', async (req, db) => ({ status: SUCCESS, index_descriptions: descriptions(collectionOf(req, db), nameOf(req)) })],
  GetIndexStatistics: ['indexes/describe', async (req, db) => ({ status: SUCCESS, index_descriptions: descriptions(collectionOf(req, db), nameOf(req)) })],

  GetIndexState: ['indexes/describe', async (req, db) => {
    const [d] = descriptions(collectionOf(req, db), nameOf(req));
    return { status: SUCCESS, state: d.state, fail_reason: '' };
  }],

  GetIndexBuildProgress: ['indexes/describe', async (req, db) => {
    const [d] = descriptions(collectionOf(req, db), nameOf(req));
    return { status: SUCCESS, indexed_rows: d.indexed_rows, total_rows: d.total_rows };
  }],

  // One method for both: properties to set in extra_params, or keys to remove in delete_keys.
  AlterIndex: ['indexes/alter_properties', async (req, db, ctx) => {
    const keys = (req.delete_keys as string[] | undefined) ?? [];
    const body = { collectionName: req.collection_name, indexName: req.index_name };
    if (keys.length > 0) await via(indexRoutes.drop_properties, db, ctx, { ...body, propertyKeys: keys });
    else await via(indexRoutes.alter_properties, db, ctx, { ...body, properties: kv(req.extra_params) });
    return SUCCESS;
  }],

  DropIndex: ['indexes/drop', async (req, db, ctx) => {
    await via(indexRoutes.drop, db, ctx, { collectionName: req.collection_name, indexName: nameOf(req) });
    return SUCCESS;
  }],
};
