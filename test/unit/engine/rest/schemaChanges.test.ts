// Changing a collection through the Milvus SDK's HttpClient: add a field, alter properties of
// the collection, a field and an index, rename, refresh_load, compaction state, and `*` output
// that returns vectors so a row read back upserts unchanged. Changes survive a restart; bad ones
// are refused and change nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { TOKEN, type TestServer, startTestServer } from './harness';

let running: TestServer;
let client: HttpClient;
const rowsOf = (data: unknown): Array<Record<string, unknown>> => data as Array<Record<string, unknown>>;
const fieldNames = async (collectionName: string): Promise<string[]> =>
  rowsOf((await client.describeCollection({ collectionName })).data.fields).map((f) => f.name as string);

before(async () => {
  running = await startTestServer();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  await client.createCollection({ collectionName: 'c', dimension: 2, enableDynamicField: false } as Parameters<HttpClient['createCollection']>[0]);
  await client.insert({ collectionName: 'c', data: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] });
});

after(async () => {
  await running.stop();
});

test('outputFields * returns the vector, so a row read back can be upserted as is', async () => {
  const q = await client.query({ collectionName: 'c', filter: 'id == 1', outputFields: ['*'] });
  assert.deepEqual(rowsOf(q.data), [{ id: 1, vector: [1, 0] }]);
  const up = await client.upsert({ collectionName: 'c', data: rowsOf(q.data) });
  assert.equal(up.code, 0, JSON.stringify(up));
  const s = await client.search({ collectionName: 'c', data: [[1, 0]], limit: 1, outputFields: ['*'] });
  assert.deepEqual(rowsOf(s.data)[0].vector, [1, 0]);
});

test('an added nullable field with a default: old rows read the default, new rows take values', async () => {
  const add = await client.addCollectionField({
    collectionName: 'c',
    schema: { fieldName: 'note', dataType: 'VarChar', nullable: true, defaultValue: 'none', elementTypeParams: { max_length: 20 } },
  });
  assert.equal(add.code, 0, JSON.stringify(add));
  assert.deepEqual(await fieldNames('c'), ['id', 'vector', 'note']);
  await client.insert({ collectionName: 'c', data: [{ id: 3, vector: [1, 1], note: 'fresh' }] });
  const q = await client.query({ collectionName: 'c', filter: 'id > 0', outputFields: ['note'] });
  assert.deepEqual(rowsOf(q.data).map((r) => r.note), ['none', 'none', 'fresh']);
});

test('bad added fields are refused and the schema stays as it was', async () => {
  const notNullable = await client.addCollectionField({ collectionName: 'c', schema: { fieldName: 'x', dataType: 'Int64' } });
  assert.equal(notNullable.code, 1100);
  assert.match(notNullable.message as string, /must be nullable or have a defaultValue/);
  const vector = await client.addCollectionField({ collectionName: 'c', schema: { fieldName: 'v2', dataType: 'FloatVector', elementTypeParams: { dim: 2 } } });
  assert.equal(vector.code, 1100);
  const dup = await client.addCollectionField({ collectionName: 'c', schema: { fieldName: 'note', dataType: 'Int64', nullable: true } });
  assert.equal(dup.code, 1100);
  assert.deepEqual(await fieldNames('c'), ['id', 'vector', 'note']);
});

test('field max_length can be altered and is enforced on the next insert', async () => {
  assert.equal((await client.alterCollectionFieldProperties({ collectionName: 'c', fieldName: 'note', fieldParams: { max_length: 5 } })).code, 0);
  const long = await client.insert({ collectionName: 'c', data: [{ id: 4, vector: [1, 1], note: 'too long now' }] });
  assert.equal(long.code, 1804);
  assert.match(long.message as string, /note/);
  assert.deepEqual((await client.query({ collectionName: 'c', filter: 'id == 4', outputFields: [] })).data, []);
  const wrong = await client.alterCollectionFieldProperties({ collectionName: 'c', fieldName: 'note', fieldParams: { dim: 3 } as unknown as { max_length: number } });
  assert.equal(wrong.code, 1100);
});

test('collection and index properties are kept, described and dropped', async () => {
  assert.equal((await client.alterCollectionProperties({ collectionName: 'c', properties: { 'collection.ttl.seconds': 3600 } })).code, 0);
  let d = await client.describeCollection({ collectionName: 'c' });
  assert.deepEqual(rowsOf([d.data])[0].properties, [{ key: 'collection.ttl.seconds', value: '3600' }]);
  assert.equal((await client.dropCollectionProperties({ collectionName: 'c', propertyKeys: ['collection.ttl.seconds'] })).code, 0);
  d = await client.describeCollection({ collectionName: 'c' });
  assert.deepEqual(rowsOf([d.data])[0].properties, []);

  assert.equal((await client.alterIndexProperties({ collectionName: 'c', indexName: 'vector', properties: { 'mmap.enabled': true } })).code, 0);
  const ix = await client.describeIndex({ collectionName: 'c', indexName: 'vector' });
  assert.deepEqual(rowsOf(ix.data)[0].properties, [{ key: 'mmap.enabled', value: 'true' }]);
  const noIndex = await client.alterIndexProperties({ collectionName: 'c', indexName: 'nope', properties: { 'mmap.enabled': true } });
  assert.equal(noIndex.code, 700);
});

test('compaction state answers for the id compact returned, and only for it', async () => {
  const compact = await client.compactCollection({ collectionName: 'c' });
  const state = await client.getCompactionState({ collectionName: 'c', compactionID: compact.data.compactionID });
  assert.equal(state.code, 0);
  assert.equal(rowsOf([state.data])[0].state, 'Completed');
  const unknown = await client.getCompactionState({ collectionName: 'c', compactionID: 987654 });
  assert.equal(unknown.code, 1100);
  assert.equal((await client.refreshLoad({ collectionName: 'c' })).code, 0);
  await client.releaseCollection({ collectionName: 'c' });
  assert.equal((await client.refreshLoad({ collectionName: 'c' })).code, 1100);
  await client.loadCollection({ collectionName: 'c' });
});

test('rename keeps rows, fields and aliases; a taken name is refused', async () => {
  await client.createAlias({ collectionName: 'c', aliasName: 'latest' });
  assert.equal((await client.renameCollection({ collectionName: 'c', newCollectionName: 'renamed' })).code, 0);
  assert.deepEqual((await client.listCollections()).data, ['renamed']);
  assert.equal((await client.describeAlias({ aliasName: 'latest' })).data.collectionName, 'renamed');
  const q = await client.query({ collectionName: 'latest', filter: 'id > 0', outputFields: ['count(*)'] });
  assert.deepEqual(q.data, [{ 'count(*)': 3 }]);
  await client.createCollection({ collectionName: 'other', dimension: 2 });
  const taken = await client.renameCollection({ collectionName: 'renamed', newCollectionName: 'other' });
  assert.equal(taken.code, 1);
  assert.deepEqual((await client.listCollections()).data, ['other', 'renamed']);
});

test('a new field, an index property and a rename survive a restart', async () => {
  await running.restart();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  assert.deepEqual(await fieldNames('renamed'), ['id', 'vector', 'note']);
  const q = await client.query({ collectionName: 'renamed', filter: 'id > 0', outputFields: ['note'] });
  assert.deepEqual(rowsOf(q.data).map((r) => r.note), ['none', 'none', 'fresh']);
  const ix = await client.describeIndex({ collectionName: 'renamed', indexName: 'vector' });
  assert.deepEqual(rowsOf(ix.data)[0].properties, [{ key: 'mmap.enabled', value: 'true' }]);
  // The old name is free again, for a new collection.
  assert.equal((await client.createCollection({ collectionName: 'c', dimension: 2 })).code, 0);
});
