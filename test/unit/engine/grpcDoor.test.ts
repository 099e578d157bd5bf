// The gRPC front door driven by the official SDK's MilvusClient: the handshake, databases
// (shared with the REST door), the collection list, users and privileges through the
// `authorization` metadata, and methods not served yet answering UNIMPLEMENTED with a reason.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { HttpClient, MilvusClient } from '@zilliz/milvus2-sdk-node';

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

test('a method not served yet answers UNIMPLEMENTED with a reason, not an empty success', async () => {
  // Through grpc-js directly: the SDK turns UNIMPLEMENTED into an empty answer for old servers.
  const def = fromJSON(MILVUS_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { milvus: { proto: { milvus: { MilvusService: grpc.ServiceClientConstructor } } } };
  const raw = new pkg.milvus.proto.milvus.MilvusService(running.grpc!.address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', Buffer.from(TOKEN).toString('base64'));
  const err = await new Promise<grpc.ServiceError>((resolve) => raw.ListAliases({ collection_name: 'docs' }, md, (e: grpc.ServiceError) => resolve(e)));
  raw.close();
  assert.equal(err.code, grpc.status.UNIMPLEMENTED);
  assert.match(err.details, /does not serve ListAliases yet; use the REST v2 API/);
});
