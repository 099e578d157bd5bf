// gRPC methods beyond rows and collections, through the official MilvusClient: index statistics,
// state, progress and properties, scalar indexes, roles and grants, RunAnalyzer, GetMetrics, a
// query that pages in primary-key order, and a large insert.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType, MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node';
import type { GrpcServer } from '../../../../src/engine/grpc/server';
import { TOKEN, startTestServer } from '../rest/harness';

async function withClient(run: (client: MilvusClient) => Promise<void>): Promise<void> {
  const running = await startTestServer({ grpc: true });
  const client = new MilvusClient({ address: (running.grpc as GrpcServer).address, token: TOKEN });
  try {
    await run(client);
  } finally {
    await client.closeConnection();
    await running.stop();
  }
}

test('indexes: repeated create succeeds, statistics, state, progress, properties; scalar indexes', async () => {
  await withClient(async (client) => {
    const created = await client.createCollection({
      collection_name: 'docs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'n', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    });
    assert.equal(created.error_code, 'Success', created.reason);
    const ix = { collection_name: 'docs', field_name: 'v', index_name: 'v_flat', index_type: 'FLAT', metric_type: 'L2', params: { nlist: 16 } };
    assert.equal((await client.createIndex(ix)).error_code, 'Success', 'nlist means nothing to FLAT and is ignored, as Milvus does');
    assert.equal((await client.createIndex(ix)).error_code, 'Success', 'the same create again');
    const other = await client.createIndex({ ...ix, metric_type: 'IP' });
    assert.notEqual(other.error_code, 'Success');
    assert.match(other.reason, /already has index "v_flat"/);
    const sort = await client.createIndex({ collection_name: 'docs', field_name: 'n', index_name: 'n_sort', index_type: 'STL_SORT' });
    assert.equal(sort.error_code, 'Success', sort.reason);
    const bad = await client.createIndex({ collection_name: 'docs', field_name: 'id', index_name: 'id_rtree', index_type: 'RTREE' });
    assert.match(bad.reason, /RTREE does not apply to a Int64 field/);

    await client.insert({ collection_name: 'docs', data: [{ id: 1, n: 1, v: [0, 1] }, { id: 2, n: 2, v: [1, 0] }] });
    const stats = await client.getIndexStatistics({ collection_name: 'docs' });
    assert.equal(stats.status.error_code, 'Success', stats.status.reason);
    assert.deepEqual(stats.index_descriptions.map((d) => [d.index_name, d.field_name]), [['v_flat', 'v'], ['n_sort', 'n']]);
    assert.equal((await client.getIndexState({ collection_name: 'docs', index_name: 'n_sort' })).state, 'Finished');
    const progress = await client.getIndexBuildProgress({ collection_name: 'docs', index_name: 'v_flat' });
    assert.equal(progress.status.error_code, 'Success', progress.status.reason);
    assert.equal(String(progress.total_rows), '2');

    assert.equal((await client.alterIndexProperties({ collection_name: 'docs', index_name: 'v_flat', params: { 'mmap.enabled': true } })).error_code, 'Success');
    const props = (await client.describeIndex({ collection_name: 'docs', index_name: 'v_flat' })).index_descriptions[0].params;
    assert.equal(props.find((p) => p.key === 'mmap.enabled')?.value, 'true');
    assert.equal((await client.dropIndexProperties({ collection_name: 'docs', index_name: 'v_flat', properties: ['mmap.enabled'] })).error_code, 'Success');
    const after = (await client.describeIndex({ collection_name: 'docs', index_name: 'v_flat' })).index_descriptions[0].params;
    assert.equal(after.find((p) => p.key === 'mmap.enabled'), undefined);
    assert.equal((await client.dropIndex({ collection_name: 'docs', index_name: 'n_sort' })).error_code, 'Success');
    assert.deepEqual((await client.getIndexStatistics({ collection_name: 'docs' })).index_descriptions.map((d) => d.index_name), ['v_flat']);
  });
});

test('roles and grants: create, assign, select, grant, list, revoke, drop', async () => {
  await withClient(async (client) => {
    assert.equal((await client.createUser({ username: 'ana', password: 'secret-pass' })).error_code, 'Success');
    assert.equal((await client.createRole({ roleName: 'reader' })).error_code, 'Success');
    assert.equal((await client.addUserToRole({ username: 'ana', roleName: 'reader' })).error_code, 'Success');
    const role = await client.describeRole({ roleName: 'reader' });
    assert.deepEqual(role.results.map((r) => [r.role.name, r.users.map((u) => u.name)]), [['reader', ['ana']]]);
    const user = await client.describeUser({ username: 'ana' });
    assert.deepEqual(user.results[0].roles.map((r) => r.name), ['reader']);

    const grant = await client.grantRolePrivilege({ roleName: 'reader', object: RbacObjects.Collection, objectName: 'docs', privilegeName: 'Search' });
    assert.equal(grant.error_code, 'Success', grant.reason);
    const v2 = await client.grantPrivilegeV2({ role: 'reader', collection_name: 'docs', db_name: 'default', privilege: 'Query' });
    assert.equal(v2.error_code, 'Success', v2.reason);
    const grants = await client.listGrants({ roleName: 'reader' });
    assert.deepEqual(grants.entities.map((e) => [e.object_name, e.grantor.privilege.name, e.db_name]).sort(), [['docs', 'Query', 'default'], ['docs', 'Search', 'default']]);
    const badGrant = await client.grantRolePrivilege({ roleName: 'nobody', object: RbacObjects.Collection, objectName: 'docs', privilegeName: 'Search' });
    assert.match(badGrant.reason, /role not found: "nobody"/);

    assert.equal((await client.revokeRolePrivilege({ roleName: 'reader', object: RbacObjects.Collection, objectName: 'docs', privilegeName: 'Search' })).error_code, 'Success');
    assert.equal((await client.listGrants({ roleName: 'reader' })).entities.length, 1);
    assert.equal((await client.removeUserFromRole({ username: 'ana', roleName: 'reader' })).error_code, 'Success');
    assert.equal((await client.dropRole({ roleName: 'reader' })).error_code, 'Success');
    assert.equal((await client.hasRole({ roleName: 'reader' })).hasRole, false);
  });
});

test('RunAnalyzer, GetMetrics, primary-key order under a limit, and an insert larger than 4 MB', async () => {
  await withClient(async (client) => {
    const tokens = await client.runAnalyzer({ analyzer_params: { tokenizer: 'standard', filter: ['lowercase'] }, text: ['I like apple pie'], with_detail: true, with_hash: true });
    assert.equal(tokens.status.error_code, 'Success', tokens.status.reason);
    assert.deepEqual(tokens.results[0].tokens.map((t) => [t.token, Number(t.start_offset)]), [['i', 0], ['like', 2], ['apple', 7], ['pie', 13]]);
    const metrics = await client.getMetric({ request: { metric_type: 'system_info' } });
    assert.equal(metrics.status.error_code, 'Success');

    await client.createCollection({
      collection_name: 'big',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 512 },
        { name: 'v', data_type: DataType.FloatVector, dim: 8 },
      ],
    });
    // About 9 MB on the wire; ids in reverse so insertion order is not key order.
    const rows = Array.from({ length: 12_000 }, (_, i) => ({ id: 12_000 - i, text: 'x'.repeat(500), v: Array.from({ length: 8 }, (_, j) => i + j) }));
    const ins = await client.insert({ collection_name: 'big', data: rows });
    assert.equal(ins.status.error_code, 'Success', ins.status.reason);
    const page = await client.query({ collection_name: 'big', filter: 'id > 100', output_fields: ['id'], limit: 3 });
    assert.deepEqual(page.data.map((r) => Number(r.id)), [101, 102, 103]);
  });
});

test('search iterator: batches are the next pages of one ranking, no hit repeated or skipped', async () => {
  await withClient(async (client) => {
    await client.createCollection({
      collection_name: 'pts',
      fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim: 2 }],
    });
    await client.createIndex({ collection_name: 'pts', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.insert({ collection_name: 'pts', data: Array.from({ length: 7 }, (_, i) => ({ id: i + 1, v: [i, 0] })) });
    const iterator = await client.searchIterator({ collection_name: 'pts', data: [0, 0], batchSize: 2, limit: 7, output_fields: ['id'] });
    const ids: number[] = [];
    for await (const batch of iterator) ids.push(...(batch as Array<{ id: unknown }>).map((h) => Number(h.id)));
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7]);
  });
});

test('collections: add a field, alter and drop properties, batch describe, flush all', async () => {
  await withClient(async (client) => {
    await client.createCollection({
      collection_name: 'docs',
      fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim: 2 }],
    });
    await client.insert({ collection_name: 'docs', data: [{ id: 1, v: [0, 1] }] });
    const added = await client.addCollectionField({ collection_name: 'docs', field: { name: 'note', data_type: DataType.VarChar, max_length: 20, nullable: true } });
    assert.equal(added.error_code, 'Success', added.reason);
    const refused = await client.addCollectionField({ collection_name: 'docs', field: { name: 'must', data_type: DataType.Int32 } });
    assert.match(refused.reason, /an added field must be nullable or have a defaultValue/);
    await client.insert({ collection_name: 'docs', data: [{ id: 2, v: [1, 0], note: 'new' }] });
    const rows = await client.query({ collection_name: 'docs', filter: 'id > 0', output_fields: ['note'] });
    assert.deepEqual(rows.data.map((r) => [Number(r.id), r.note]), [[1, null], [2, 'new']]);

    assert.equal((await client.alterCollectionProperties({ collection_name: 'docs', properties: { 'collection.ttl.seconds': 60 } })).error_code, 'Success');
    const props = (await client.describeCollection({ collection_name: 'docs' })).properties;
    assert.equal(props.find((p) => p.key === 'collection.ttl.seconds')?.value, '60');
    assert.equal((await client.dropCollectionProperties({ collection_name: 'docs', properties: ['collection.ttl.seconds'] })).error_code, 'Success');
    assert.equal((await client.describeCollection({ collection_name: 'docs' })).properties.length, 0);

    const both = await client.batchDescribeCollections({ collection_names: ['docs'] } as unknown as Parameters<MilvusClient['batchDescribeCollections']>[0]);
    assert.equal(both.status.error_code, 'Success', both.status.reason);
    const flushed = await client.flushAll({});
    assert.equal(flushed.status.error_code, 'Success', flushed.status.reason);
  });
});

test('TruncateCollection empties a collection and keeps it; an unknown one is an error', async () => {
  await withClient(async (client) => {
    await client.createCollection({
      collection_name: 'docs',
      fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim: 2 }],
    });
    await client.insert({ collection_name: 'docs', data: [{ id: 1, v: [0, 1] }, { id: 2, v: [1, 0] }] });
    const res = await client.truncateCollection({ collection_name: 'docs' });
    assert.equal(res.status.error_code, 'Success', res.status.reason);
    assert.equal((await client.count({ collection_name: 'docs' })).data, 0);
    assert.equal((await client.hasCollection({ collection_name: 'docs' })).value, true);
    const missing = await client.truncateCollection({ collection_name: 'nope' });
    assert.notEqual(missing.status.error_code, 'Success');
  });
});
