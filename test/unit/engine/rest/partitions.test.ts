// Partitions through the Milvus SDK's HttpClient: rows go where they are sent, reads and deletes
// scoped to partitions see only those rows, released partitions drop out of searches, and a
// dropped partition takes its rows with it. Partitions and their rows survive a restart.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { TOKEN, type TestServer, startTestServer } from './harness';

let running: TestServer;
let client: HttpClient;
const C = 'parts';
const rowsOf = (data: unknown): Array<Record<string, unknown>> => data as Array<Record<string, unknown>>;
/** Milvus REST takes `partitionName` on insert; the SDK's request type leaves it out. */
type InsertReq = Parameters<HttpClient['insert']>[0] & { partitionName?: string };
const idsOf = (data: unknown): unknown[] => rowsOf(data).map((r) => r.id).sort((a, b) => Number(a) - Number(b));

before(async () => {
  running = await startTestServer();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  await client.createCollection({ collectionName: C, dimension: 2 });
});

after(async () => {
  await running.stop();
});

test('create, list and has partitions; rows land in the partition named on insert', async () => {
  assert.deepEqual((await client.listPartitions({ collectionName: C })).data, ['_default']);
  assert.equal((await client.createPartition({ collectionName: C, partitionName: 'recent' })).code, 0);
  assert.deepEqual((await client.listPartitions({ collectionName: C })).data, ['_default', 'recent']);
  assert.deepEqual((await client.hasPartition({ collectionName: C, partitionName: 'recent' })).data, { has: true });
  assert.deepEqual((await client.hasPartition({ collectionName: C, partitionName: 'old' })).data, { has: false });

  await client.insert({ collectionName: C, data: [0, 1, 2].map((i) => ({ id: i, vector: [1, i], kind: 'a' })) });
  const recent: InsertReq = { collectionName: C, partitionName: 'recent', data: [10, 11].map((i) => ({ id: i, vector: [1, i - 10], kind: 'a' })) };
  const ins = await client.insert(recent);
  assert.equal(ins.code, 0, JSON.stringify(ins));
  assert.deepEqual((await client.getPartitionStatistics({ collectionName: C, partitionName: 'recent' })).data, { rowCount: 2 });
  assert.deepEqual((await client.getPartitionStatistics({ collectionName: C, partitionName: '_default' })).data, { rowCount: 3 });
  assert.deepEqual((await client.getCollectionStatistics({ collectionName: C })).data, { rowCount: 5 });
});

test('search and query scoped to a partition see only its rows', async () => {
  const s = await client.search({ collectionName: C, data: [[1, 0]], limit: 10, partitionNames: ['recent'], outputFields: ['kind'] });
  assert.equal(s.code, 0, JSON.stringify(s));
  assert.deepEqual(idsOf(s.data), [10, 11]);
  const all = await client.search({ collectionName: C, data: [[1, 0]], limit: 10, outputFields: [] });
  assert.deepEqual(idsOf(all.data), [0, 1, 2, 10, 11]);
  const q = await client.query({ collectionName: C, filter: 'kind == "a"', partitionNames: ['_default'], outputFields: [] });
  assert.deepEqual(idsOf(q.data), [0, 1, 2]);
});

test('delete scoped to a partition leaves matching rows elsewhere', async () => {
  const del = await client.delete({ collectionName: C, filter: 'id in [1, 11]', partitionName: 'recent' });
  assert.equal(del.code, 0, JSON.stringify(del));
  const left = await client.query({ collectionName: C, filter: 'id >= 0', outputFields: [] });
  assert.deepEqual(idsOf(left.data), [0, 1, 2, 10]);
});

test('a released partition drops out of unscoped reads and refuses scoped ones until loaded', async () => {
  assert.equal((await client.releasePartitions({ collectionName: C, partitionNames: ['recent'] })).code, 0);
  const s = await client.search({ collectionName: C, data: [[1, 0]], limit: 10, outputFields: [] });
  assert.deepEqual(idsOf(s.data), [0, 1, 2]);
  const scoped = await client.search({ collectionName: C, data: [[1, 0]], limit: 10, partitionNames: ['recent'], outputFields: [] });
  assert.equal(scoped.code, 1100);
  assert.match(scoped.message as string, /partition not loaded\[partition=recent\]/);
  assert.equal((await client.loadPartitions({ collectionName: C, partitionNames: ['recent'] })).code, 0);
  assert.deepEqual(idsOf((await client.search({ collectionName: C, data: [[1, 0]], limit: 10, outputFields: [] })).data), [0, 1, 2, 10]);
});

test('bad partition requests get Milvus errors and store nothing', async () => {
  const ins = await client.insert({ collectionName: C, partitionName: 'nope', data: [{ id: 50, vector: [1, 1], kind: 'x' }] } as InsertReq);
  assert.equal(ins.code, 200);
  assert.match(ins.message as string, /partition not found\[partition=nope\]/);
  assert.equal((await client.search({ collectionName: C, data: [[1, 0]], limit: 10, partitionNames: ['nope'], outputFields: [] })).code, 200);
  assert.equal((await client.createPartition({ collectionName: C, partitionName: 'recent' })).code, 1100);
  assert.equal((await client.createPartition({ collectionName: C, partitionName: 'bad name!' })).code, 1100);
  const dropDefault = await client.dropPartition({ collectionName: C, partitionName: '_default' });
  assert.equal(dropDefault.code, 1100);
  assert.match(dropDefault.message as string, /default partition cannot be deleted/);
  assert.deepEqual((await client.listPartitions({ collectionName: C })).data, ['_default', 'recent']);
  assert.deepEqual((await client.query({ collectionName: C, filter: 'id == 50', outputFields: [] })).data, []);
});

test('partitions and their rows survive a restart, flushed or only in the WAL', async () => {
  await client.flushCollection({ collectionName: C });
  await client.insert({ collectionName: C, partitionName: 'recent', data: [{ id: 12, vector: [1, 2], kind: 'b' }] } as InsertReq);
  await running.restart();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  assert.deepEqual((await client.listPartitions({ collectionName: C })).data, ['_default', 'recent']);
  const s = await client.query({ collectionName: C, filter: 'id >= 0', partitionNames: ['recent'], outputFields: [] });
  assert.deepEqual(idsOf(s.data), [10, 12]);
});

test('dropping a partition deletes its rows', async () => {
  assert.equal((await client.dropPartition({ collectionName: C, partitionName: 'recent' })).code, 0);
  assert.deepEqual((await client.listPartitions({ collectionName: C })).data, ['_default']);
  assert.deepEqual(idsOf((await client.query({ collectionName: C, filter: 'id >= 0', outputFields: [] })).data), [0, 1, 2]);
  await running.restart();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  assert.deepEqual(idsOf((await client.query({ collectionName: C, filter: 'id >= 0', outputFields: [] })).data), [0, 1, 2]);
});
