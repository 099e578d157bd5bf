// Databases and aliases through the Milvus SDK's HttpClient: real isolation between databases,
// aliases that stand for collections, Milvus's refusals, and both kept across a restart.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { TOKEN, type TestServer, startTestServer } from './harness';

let running: TestServer;
let client: HttpClient;

before(async () => {
  running = await startTestServer();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
});

after(async () => {
  await running.stop();
});

/** Wire rows and hits: JSON objects, inspected field by field. */
const rowsOf = (data: unknown): Array<Record<string, unknown>> => data as Array<Record<string, unknown>>;

const reconnect = (): void => {
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
};

async function makeDocs(dbName: string, tag: string): Promise<void> {
  assert.equal((await client.createCollection({ dbName, collectionName: 'docs', dimension: 2 })).code, 0);
  const rows = [0, 1, 2].map((i) => ({ id: i, vector: [1, i], tag }));
  assert.equal((await client.insert({ dbName, collectionName: 'docs', data: rows })).code, 0);
}

test('a second database holds its own collection of the same name', async () => {
  assert.equal((await client.createDatabase({ dbName: 'analytics' })).code, 0);
  assert.deepEqual((await client.listDatabases()).data, ['default', 'analytics']);
  const d = await client.describeDatabase({ dbName: 'analytics' });
  assert.equal(d.code, 0);
  assert.equal(d.data.dbName, 'analytics');

  await makeDocs('default', 'from-default');
  await makeDocs('analytics', 'from-analytics');
  await client.insert({ dbName: 'analytics', collectionName: 'docs', data: [{ id: 9, vector: [1, 9], tag: 'from-analytics' }] });

  const a = await client.query({ dbName: 'analytics', collectionName: 'docs', filter: 'id >= 0', outputFields: ['tag'] });
  assert.equal(a.data.length, 4);
  assert.ok(a.data.every((r) => r.tag === 'from-analytics'));
  const b = await client.query({ dbName: 'default', collectionName: 'docs', filter: 'id >= 0', outputFields: ['tag'] });
  assert.equal(b.data.length, 3);
  assert.ok(b.data.every((r) => r.tag === 'from-default'));
  assert.deepEqual((await client.listCollections({ dbName: 'analytics' })).data, ['docs']);
});

test('database properties are set, described and dropped', async () => {
  assert.equal((await client.alterDatabaseProperties({ dbName: 'analytics', properties: { 'database.replica.number': 1 } })).code, 0);
  let d = await client.describeDatabase({ dbName: 'analytics' });
  assert.deepEqual(d.data.properties, [{ key: 'database.replica.number', value: '1' }]);
  assert.equal((await client.dropDatabaseProperties({ dbName: 'analytics', propertyKeys: ['database.replica.number'] })).code, 0);
  d = await client.describeDatabase({ dbName: 'analytics' });
  assert.deepEqual(d.data.properties, []);
});

test('bad database requests get Milvus errors and change nothing', async () => {
  const bad = await client.createDatabase({ dbName: '1-bad name' });
  assert.equal(bad.code, 1100);
  assert.match(bad.message as string, /database name "1-bad name" is invalid/);
  const dup = await client.createDatabase({ dbName: 'analytics' });
  assert.equal(dup.code, 802);
  const missing = await client.listCollections({ dbName: 'nowhere' });
  assert.equal(missing.code, 800);
  assert.match(missing.message as string, /database not found\[database=nowhere\]/);
  const notEmpty = await client.dropDatabase({ dbName: 'analytics' });
  assert.equal(notEmpty.code, 1100);
  assert.match(notEmpty.message as string, /not empty \(1 collections: docs\)/);
  assert.equal((await client.dropDatabase({ dbName: 'default' })).code, 1100);
  assert.deepEqual((await client.listDatabases()).data, ['default', 'analytics']);
  const still = await client.query({ dbName: 'analytics', collectionName: 'docs', filter: 'id >= 0', outputFields: ['count(*)'] });
  assert.deepEqual(still.data, [{ 'count(*)': 4 }]);
});

test('an alias stands for its collection in search, can be moved, and blocks dropping its target', async () => {
  assert.equal((await client.createAlias({ collectionName: 'docs', aliasName: 'current' })).code, 0);
  const hits = await client.search({ collectionName: 'current', data: [[1, 2]], limit: 1, outputFields: ['tag'] });
  assert.equal(hits.code, 0);
  assert.equal(rowsOf(hits.data)[0].tag, 'from-default');
  assert.deepEqual((await client.listAliases({})).data, ['current']);
  const d = await client.describeAlias({ aliasName: 'current' });
  assert.deepEqual(d.data, { dbName: 'default', aliasName: 'current', collectionName: 'docs' });
  assert.deepEqual(rowsOf([(await client.describeCollection({ collectionName: 'docs' })).data])[0].aliases, ['current']);

  const refused = await client.dropCollection({ collectionName: 'docs' });
  assert.equal(refused.code, 1100);
  assert.match(refused.message as string, /has aliases \(current\)/);

  await client.createCollection({ collectionName: 'docs_v2', dimension: 2 });
  await client.insert({ collectionName: 'docs_v2', data: [{ id: 1, vector: [1, 2], tag: 'v2' }] });
  assert.equal((await client.alterAlias({ collectionName: 'docs_v2', aliasName: 'current' })).code, 0);
  const moved = await client.search({ collectionName: 'current', data: [[1, 2]], limit: 1, outputFields: ['tag'] });
  assert.equal(rowsOf(moved.data)[0].tag, 'v2');
  // Aliases are per database.
  assert.deepEqual((await client.listAliases({ dbName: 'analytics' })).data, []);
});

test('bad alias requests are refused and leave the aliases as they were', async () => {
  const noTarget = await client.createAlias({ collectionName: 'ghost', aliasName: 'other' });
  assert.equal(noTarget.code, 100);
  const dup = await client.createAlias({ collectionName: 'docs', aliasName: 'current' });
  assert.equal(dup.code, 1602);
  const clash = await client.createAlias({ collectionName: 'docs', aliasName: 'docs_v2' });
  assert.equal(clash.code, 1100);
  const gone = await client.dropAlias({ aliasName: 'never' });
  assert.equal(gone.code, 1600);
  assert.deepEqual((await client.listAliases({})).data, ['current']);
});

test('databases, their properties, collections and aliases survive a restart', async () => {
  await client.alterDatabaseProperties({ dbName: 'analytics', properties: { owner: 'team-a' } });
  await running.restart();
  reconnect();
  assert.deepEqual((await client.listDatabases()).data, ['default', 'analytics']);
  assert.deepEqual((await client.describeDatabase({ dbName: 'analytics' })).data.properties, [{ key: 'owner', value: 'team-a' }]);
  const a = await client.query({ dbName: 'analytics', collectionName: 'docs', filter: 'id >= 0', outputFields: ['count(*)'] });
  assert.deepEqual(a.data, [{ 'count(*)': 4 }]);
  assert.equal((await client.describeAlias({ aliasName: 'current' })).data.collectionName, 'docs_v2');

  // Dropping: the collection first, then the database; its folder goes too.
  assert.equal((await client.dropCollection({ dbName: 'analytics', collectionName: 'docs' })).code, 0);
  assert.equal((await client.dropDatabase({ dbName: 'analytics' })).code, 0);
  await running.restart();
  reconnect();
  assert.deepEqual((await client.listDatabases()).data, ['default']);
});
