// The gRPC front door driven by the official SDK's MilvusClient: the handshake, databases
// (shared with the REST door), create / insert / search / query, users and privileges through
// the `authorization` metadata, and methods not served yet answering UNIMPLEMENTED with a reason.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { DataType, HttpClient, MilvusClient } from '@zilliz/milvus2-sdk-node';

// The SDK's protobuf JSON (a CommonJS module without types).
const MILVUS_PROTO = (require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus') as { default: object }).default;
import { TOKEN, type TestServer, startTestServer } from './rest/harness';

let running: TestServer;
let root: MilvusClient;
let http: HttpClient;
const clients: MilvusClient[] = [];
const grpcAs = (token: string): MilvusClient => {
  const c = new MilvusClient({ address: running.grpc!.address, token, maxRetries: 0 });
  clients.push(c);
  return c;
};

before(async () => {
  running = await startTestServer({ grpc: true, rootPassword: 'root-pw-123' });
  root = grpcAs(TOKEN);
  http = new HttpClient({ endpoint: running.server.url, token: TOKEN });
});

after(async () => {
  for (const c of clients) await c.closeConnection();
  await running.stop();
});

test('databases made over gRPC are the REST door\'s databases, and back', async () => {
  const made = await root.createDatabase({ db_name: 'grpc_db' });
  assert.equal(made.error_code, 'Success', JSON.stringify(made));
  assert.deepEqual((await http.listDatabases()).data, ['default', 'grpc_db']);
  await http.createCollection({ dbName: 'grpc_db', collectionName: 'docs', dimension: 2 });
  const list = await root.listDatabases();
  assert.deepEqual(list.db_names, ['default', 'grpc_db']);
  const d = await root.describeDatabase({ db_name: 'grpc_db' });
  assert.equal(d.db_name, 'grpc_db');
  const shown = await root.showCollections({ db_name: 'grpc_db' });
  assert.deepEqual(shown.data.map((c) => c.name), ['docs']);
});

test('bad database requests answer a Milvus status and change nothing', async () => {
  const bad = await root.createDatabase({ db_name: '9 bad' });
  assert.equal(bad.code, 1100);
  assert.match(bad.reason, /database name "9 bad" is invalid/);
  const notEmpty = await root.dropDatabase({ db_name: 'grpc_db' });
  assert.equal(notEmpty.code, 1100);
  assert.match(notEmpty.reason, /not empty/);
  assert.deepEqual((await root.listDatabases()).db_names, ['default', 'grpc_db']);
  await root.dropCollection({ db_name: 'grpc_db', collection_name: 'docs' });
  assert.equal((await root.dropDatabase({ db_name: 'grpc_db' })).error_code, 'Success');
  assert.deepEqual((await http.listDatabases()).data, ['default']);
});

test('no token or a wrong password is refused; a user without the privilege is denied', async () => {
  await assert.rejects(() => grpcAs('').listDatabases(), /authenticated|UNAUTHENTICATED|16/i);
  await assert.rejects(() => grpcAs('root:wrong-password').listDatabases(), /authenticated|UNAUTHENTICATED|16/i);
  assert.deepEqual((await grpcAs('root:root-pw-123').listDatabases()).db_names, ['default']);
  await http.createUser({ userName: 'carol', password: 'carol-pw-1' });
  const carol = grpcAs('carol:carol-pw-1');
  const denied = await carol.createDatabase({ db_name: 'carols' });
  assert.equal(denied.code, 1401);
  assert.match(denied.reason, /lacks privilege CreateDatabase/);
  assert.deepEqual((await root.listDatabases()).db_names, ['default']);
});

test('MilvusClient creates, inserts, searches and queries; REST sees the same rows', async () => {
  const made = await root.createCollection({
    collection_name: 'shapes',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
      { name: 'tag', data_type: DataType.VarChar, max_length: 20 },
    ],
    index_params: [{ field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } }],
  });
  assert.equal(made.error_code, 'Success', JSON.stringify(made));
  const d = await root.describeCollection({ collection_name: 'shapes' });
  assert.deepEqual(d.schema.fields.map((f) => [f.name, f.data_type]), [['id', 'Int64'], ['vec', 'FloatVector'], ['tag', 'VarChar']]);
  const ins = await root.insert({ collection_name: 'shapes', data: [{ id: 1, vec: [1, 0], tag: 'east' }, { id: 2, vec: [0, 1], tag: 'north' }, { id: 3, vec: [-1, 0], tag: 'west' }] });
  assert.equal(ins.status.error_code, 'Success', JSON.stringify(ins));
  assert.equal(ins.insert_cnt, '3');
  await root.loadCollectionSync({ collection_name: 'shapes' });

  const s = await root.search({ collection_name: 'shapes', data: [0.9, 0.1], limit: 2, output_fields: ['tag'] });
  assert.equal(s.status.error_code, 'Success', JSON.stringify(s));
  assert.deepEqual(s.results.map((h) => [String(h.id), h.tag]), [['1', 'east'], ['2', 'north']]);
  const filtered = await root.search({ collection_name: 'shapes', data: [0.9, 0.1], limit: 2, filter: 'tag == "west"', output_fields: ['tag'] });
  assert.deepEqual(filtered.results.map((h) => h.tag), ['west']);
  const q = await root.query({ collection_name: 'shapes', filter: 'id >= 2', output_fields: ['tag', 'vec'] });
  assert.deepEqual(q.data.map((r) => [String(r.id), r.tag, r.vec]), [['2', 'north', [0, 1]], ['3', 'west', [-1, 0]]]);
  assert.equal((await root.count({ collection_name: 'shapes' })).data, 3);
  const viaRest = await http.query({ collectionName: 'shapes', filter: 'id > 0', outputFields: ['tag'] });
  assert.deepEqual(viaRest.data.map((r) => r.tag), ['east', 'north', 'west']);
  const del = await root.delete({ collection_name: 'shapes', filter: 'id == 3' });
  assert.equal(del.status.error_code, 'Success', JSON.stringify(del));
  assert.equal((await root.count({ collection_name: 'shapes' })).data, 2);
});

test('bad rows over gRPC get a Milvus status naming the field, and nothing is stored', async () => {
  const bad = await root.insert({ collection_name: 'shapes', data: [{ id: 7, vec: [1, 0], tag: 'x'.repeat(50) }] });
  assert.equal(bad.status.code, 1804);
  assert.match(bad.status.reason, /tag/);
  const badFilter = await root.query({ collection_name: 'shapes', filter: 'nosuch > 1', output_fields: ['tag'] });
  assert.equal(badFilter.status.code, 1100);
  assert.equal((await root.count({ collection_name: 'shapes' })).data, 2);
});

test('partitions, aliases and statistics over gRPC are the REST door\'s', async () => {
  assert.equal((await root.createPartition({ collection_name: 'shapes', partition_name: 'p1' })).error_code, 'Success');
  assert.deepEqual((await root.showPartitions({ collection_name: 'shapes' })).partition_names, ['_default', 'p1']);
  await root.insert({ collection_name: 'shapes', partition_name: 'p1', data: [{ id: 20, vec: [1, 1], tag: 'p' }] });
  const ps = await root.getPartitionStatistics({ collection_name: 'shapes', partition_name: 'p1' });
  assert.deepEqual(ps.stats, [{ key: 'row_count', value: '1' }]);
  assert.equal((await root.createAlias({ collection_name: 'shapes', alias: 'figures' })).error_code, 'Success');
  assert.deepEqual((await http.describeAlias({ aliasName: 'figures' })).data.collectionName, 'shapes');
  const stats = await root.getCollectionStatistics({ collection_name: 'figures' });
  assert.deepEqual(stats.stats, [{ key: 'row_count', value: '3' }]);
  const bad = await root.createPartition({ collection_name: 'shapes', partition_name: 'p1' });
  assert.equal(bad.code, 1100);
  await root.dropAlias({ alias: 'figures' });
  assert.equal((await root.dropPartition({ collection_name: 'shapes', partition_name: 'p1' })).error_code, 'Success');
  assert.equal((await root.count({ collection_name: 'shapes' })).data, 2);
});

test('a user without Insert on the collection is denied over gRPC too', async () => {
  const carol = grpcAs('carol:carol-pw-1');
  const denied = await carol.insert({ collection_name: 'shapes', data: [{ id: 9, vec: [1, 1], tag: 'c' }] });
  assert.equal(denied.status.code, 1401);
  assert.match(denied.status.reason, /lacks privilege Insert on Collection "shapes"/);
  assert.equal((await root.count({ collection_name: 'shapes' })).data, 2);
});

test('a method not served yet answers UNIMPLEMENTED with a reason, not an empty success', async () => {
  // Through grpc-js directly: the SDK turns UNIMPLEMENTED into an empty answer for old servers.
  const def = fromJSON(MILVUS_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { milvus: { proto: { milvus: { MilvusService: grpc.ServiceClientConstructor } } } };
  const raw = new pkg.milvus.proto.milvus.MilvusService(running.grpc!.address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', Buffer.from(TOKEN).toString('base64'));
  const err = await new Promise<grpc.ServiceError>((resolve) => raw.CreateResourceGroup({ resource_group: 'rg1' }, md, (e: grpc.ServiceError) => resolve(e)));
  raw.close();
  assert.equal(err.code, grpc.status.UNIMPLEMENTED);
  assert.match(err.details, /does not serve CreateResourceGroup yet; use the REST v2 API/);
});
