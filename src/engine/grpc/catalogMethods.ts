// The gRPC methods for partitions, aliases, statistics, renames and users, translated to the REST
// routes like dataMethods.ts (one set of rules, one set of errors).

import { invalid } from '../errors';
import type { JsonValue } from '../schema/types';
import { crc32 } from '../storage/crc32';
import { createAnalyzer } from '../text/analyzer';
import { userRoutes } from '../rest/accessRoutes';
import { aliasRoutes } from '../rest/aliasRoutes';
import { collectionSchemaRoutes } from '../rest/collectionSchemaRoutes';
import { partitionRoutes } from '../rest/partitionRoutes';
import type { RestDatabase, Route } from '../rest/route';
import { collectionRoutes } from '../rest/collectionRoutes';
import { type DataHandler, SUCCESS, dataMethods, kv, restFieldOfBytes, via } from './dataMethods';

type Req = Record<string, unknown>;

/** A route whose answer is only success: the gRPC method answers a bare Status. */
const statusOnly = (route: Route, body: (req: Req) => Record<string, unknown>): DataHandler => async (req, db, ctx) => {
  await via(route, db, ctx, body(req));
  return SUCCESS;
};

const stats = (rowCount: number): Req => ({ status: SUCCESS, stats: [{ key: 'row_count', value: String(rowCount) }] });
/** The SDK sends passwords base64-encoded, as Milvus expects. */
const password = (v: unknown): string => Buffer.from(String(v ?? ''), 'base64').toString('utf8');

export const catalogMethods: Record<string, [string, DataHandler]> = {
  GetCollectionStatistics: ['collections/get_stats', async (req, db) => stats(db.collection(String(req.collection_name ?? '')).stats().rowCount)],
  AlterCollection: ['collections/alter_properties', async (req, db, ctx) => {
    const keys = (req.delete_keys as string[] | undefined) ?? [];
    const body = { collectionName: req.collection_name };
    if (keys.length > 0) await via(collectionSchemaRoutes.drop_properties, db, ctx, { ...body, propertyKeys: keys });
    else await via(collectionSchemaRoutes.alter_properties, db, ctx, { ...body, properties: kv(req.properties) });
    return SUCCESS;
  }],
  AddCollectionField: ['collections/fields/add', statusOnly(collectionSchemaRoutes['fields/add'], (r) => ({ collectionName: r.collection_name, schema: restFieldOfBytes(r.schema as Uint8Array) }))],
  BatchDescribeCollection: ['collections/describe', async (req, db, ctx) => {
    const names = (req.collection_name as string[] | undefined) ?? [];
    if (names.length === 0) throw invalid('collection_name: give at least one collection name');
    const describe = dataMethods.DescribeCollection[1];
    return { status: SUCCESS, responses: await Promise.all(names.map((n) => describe({ collection_name: n }, db, ctx))) };
  }],
  // Every flush finishes before it answers, so a FlushAll is done when it returns.
  FlushAll: ['collections/flush', async (_req, db, ctx) => {
    for (const name of db.listCollections()) await via(collectionRoutes.flush, db, ctx, { collectionName: name });
    return { status: SUCCESS, flush_all_ts: String(Date.now()), flush_results: [] };
  }],
  GetFlushAllState: ['collections/flush', async () => ({ status: SUCCESS, flushed: true, flush_states: [] })],
  // Every row deleted, then compacted away: the collection, its schema, indexes and load state stay.
  TruncateCollection: ['entities/delete', async (req, db) => {
    const c = db.collection(String(req.collection_name ?? ''));
    await c.delete({ filter: 'true' });
    await c.compact();
    return { status: SUCCESS };
  }],
  RenameCollection: ['collections/rename', statusOnly(collectionSchemaRoutes.rename, (r) => ({ collectionName: r.oldName, newCollectionName: r.newName, newDbName: r.newDBName || undefined }))],

  CreatePartition: ['partitions/create', statusOnly(partitionRoutes.create, (r) => ({ collectionName: r.collection_name, partitionName: r.partition_name }))],
  DropPartition: ['partitions/drop', statusOnly(partitionRoutes.drop, (r) => ({ collectionName: r.collection_name, partitionName: r.partition_name }))],
  LoadPartitions: ['partitions/load', statusOnly(partitionRoutes.load, (r) => ({ collectionName: r.collection_name, partitionNames: r.partition_names }))],
  ReleasePartitions: ['partitions/release', statusOnly(partitionRoutes.release, (r) => ({ collectionName: r.collection_name, partitionNames: r.partition_names }))],
  HasPartition: ['partitions/has', async (req, db) => ({ status: SUCCESS, value: db.collection(String(req.collection_name ?? '')).partitions.has(String(req.partition_name ?? '')) })],
  ShowPartitions: ['partitions/list', async (req, db) => {
    const names = db.collection(String(req.collection_name ?? '')).partitions.names();
    const zeros = names.map(() => '0');
    return { status: SUCCESS, partition_names: names, partitionIDs: names.map((_, i) => String(i + 1)), created_timestamps: zeros, created_utc_timestamps: zeros, inMemory_percentages: names.map(() => '100') };
  }],
  GetPartitionStatistics: ['partitions/get_stats', async (req, db) => stats(db.collection(String(req.collection_name ?? '')).partitionStats(String(req.partition_name ?? '')).rowCount)],

  CreateAlias: ['aliases/create', statusOnly(aliasRoutes.create, (r) => ({ collectionName: r.collection_name, aliasName: r.alias }))],
  AlterAlias: ['aliases/alter', statusOnly(aliasRoutes.alter, (r) => ({ collectionName: r.collection_name, aliasName: r.alias }))],
  DropAlias: ['aliases/drop', statusOnly(aliasRoutes.drop, (r) => ({ aliasName: r.alias }))],
  ListAliases: ['aliases/list', async (req, _db, ctx) => ({
    status: SUCCESS, db_name: ctx.dbName, collection_name: req.collection_name ?? '', aliases: ctx.catalog.listAliases(ctx.dbName, String(req.collection_name || '') || undefined),
  })],
  DescribeAlias: ['aliases/describe', async (req, _db, ctx) => {
    const d = ctx.catalog.describeAlias(ctx.dbName, String(req.alias ?? ''));
    return { status: SUCCESS, db_name: d.dbName, alias: d.aliasName, collection: d.collectionName };
  }],

  // A system_info answer in Milvus's shape (a JSON document in `response`) for one node.
  GetMetrics: ['', async (req) => {
    const asked = JSON.parse(String(req.request || '{}')) as { metric_type?: string };
    const info = { metric_type: asked.metric_type ?? 'system_info', nodes_info: [{ identifier: 1, infos: { name: 'loupe', type: 'standalone', has_error: false } }] };
    return { status: SUCCESS, response: JSON.stringify(info), component_name: 'loupe' };
  }],

  RunAnalyzer: ['', async (req, db) => runAnalyzer(req, db)],

  CreateCredential: ['users/create', statusOnly(userRoutes.create, (r) => ({ userName: r.username, password: password(r.password) }))],
  UpdateCredential: ['users/update_password', statusOnly(userRoutes.update_password, (r) => ({ userName: r.username, password: password(r.oldPassword), newPassword: password(r.newPassword) }))],
  DeleteCredential: ['users/drop', statusOnly(userRoutes.drop, (r) => ({ userName: r.username }))],
  ListCredUsers: ['users/list', async (_req, _db, ctx) => ({ status: SUCCESS, usernames: ctx.access.listUsers() })],
};

/**
 * RunAnalyzer: the tokens a field's analyzer (or the given analyzer_params) makes of each text,
 * with offsets into the text and a hash (crc32 of the token's UTF-8; Milvus's own hash differs,
 * and clients only compare hashes with each other).
 */
async function runAnalyzer(req: Req, db: RestDatabase): Promise<Req> {
  let params: Record<string, JsonValue> | undefined;
  if (req.collection_name && req.field_name) {
    const field = db.collection(String(req.collection_name)).schema.fields.find((f) => f.name === req.field_name);
    if (!field) throw invalid(`field "${String(req.field_name)}" does not exist in collection "${String(req.collection_name)}"`);
    params = field.analyzerParams;
  } else if (req.analyzer_params) {
    params = JSON.parse(String(req.analyzer_params)) as Record<string, JsonValue>;
  }
  const analyzer = createAnalyzer(params);
  const texts = ((req.placeholder as Uint8Array[] | undefined) ?? []).map((b) => Buffer.from(b).toString('utf8'));
  const results = texts.map((text) => {
    const lower = text.toLowerCase();
    let cursor = 0;
    const tokens = analyzer.analyze(text).map((token, position) => {
      const at = lower.indexOf(token, cursor);
      const start = at >= 0 ? at : cursor;
      cursor = at >= 0 ? at + token.length : cursor;
      const detail = req.with_detail ? { start_offset: String(start), end_offset: String(start + token.length), position: String(position), position_length: '1' } : {};
      return { token, ...detail, ...(req.with_hash ? { hash: crc32(Buffer.from(token, 'utf8')) } : {}) };
    });
    return { tokens };
  });
  return { status: SUCCESS, results };
}
