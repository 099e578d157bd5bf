// Users, roles and privileges through the Milvus SDK's HttpClient: root by password or by the
// server token, a user who may see but not search until granted, on one collection only;
// no token, a wrong password and a missing privilege are refused and store nothing. Users and
// grants survive a restart.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { TOKEN, type TestServer, post, startTestServer } from './harness';

const ROOT_PASSWORD = 'root-secret-1';
let running: TestServer;
let root: HttpClient;
const as = (token: string): HttpClient => new HttpClient({ endpoint: running.server.url, token });
const rowsOf = (data: unknown): Array<Record<string, unknown>> => data as Array<Record<string, unknown>>;

before(async () => {
  running = await startTestServer({ rootPassword: ROOT_PASSWORD });
  root = as(`root:${ROOT_PASSWORD}`);
  for (const name of ['open', 'closed']) {
    await root.createCollection({ collectionName: name, dimension: 2 });
    await root.insert({ collectionName: name, data: [{ id: 1, vector: [1, 0] }] });
  }
});

after(async () => {
  await running.stop();
});

test('root signs in with root:<password> or the server token; nothing else gets in', async () => {
  assert.deepEqual((await root.listCollections()).data, ['closed', 'open']);
  assert.deepEqual((await as(TOKEN).listUsers()).data, ['root']);
  const wrong = await post(running.server, '/v2/vectordb/collections/list', {}, 'root:not-the-password');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.code, 1800);
  const none = await post(running.server, '/v2/vectordb/collections/list', {}, null);
  assert.equal(none.status, 401);
  const bareName = await post(running.server, '/v2/vectordb/collections/list', {}, 'root');
  assert.equal(bareName.status, 401);
});

test('a new user may list and describe (public) but not search or insert', async () => {
  assert.equal((await root.createUser({ userName: 'alice', password: 'alice-pw-1' })).code, 0);
  const alice = as('alice:alice-pw-1');
  assert.deepEqual((await alice.listCollections()).data, ['closed', 'open']);
  const s = await alice.search({ collectionName: 'open', data: [[1, 0]], limit: 1, outputFields: [] });
  assert.equal(s.code, 1401);
  assert.match(s.message as string, /user "alice" lacks privilege Search on Collection "open"/);
  const ins = await alice.insert({ collectionName: 'open', data: [{ id: 2, vector: [0, 1] }] });
  assert.equal(ins.code, 1401);
  assert.deepEqual((await root.getCollectionStatistics({ collectionName: 'open' })).data, { rowCount: 1 });
  const mkUser = await alice.createUser({ userName: 'mallory', password: 'mallory-pw' });
  assert.equal(mkUser.code, 1401);
  assert.deepEqual((await root.listUsers()).data, ['alice', 'root']);
});

test('a role granted Search on one collection lets its users search that one only', async () => {
  assert.equal((await root.createRole({ roleName: 'reader' })).code, 0);
  const grant = await root.grantPrivilegeToRole({ roleName: 'reader', objectType: 'Collection', objectName: 'open', privilege: 'Search' });
  assert.equal(grant.code, 0, JSON.stringify(grant));
  assert.equal((await root.grantRoleToUser({ userName: 'alice', roleName: 'reader' })).code, 0);
  assert.deepEqual((await root.describeUser({ userName: 'alice' })).data, ['reader']);
  const grants = rowsOf((await root.describeRole({ roleName: 'reader' })).data);
  assert.deepEqual(grants.map((g) => [g.objectType, g.objectName, g.privilege, g.dbName]), [['Collection', 'open', 'Search', 'default']]);
  assert.deepEqual((await root.listRoles()).data, ['admin', 'public', 'reader']);

  const alice = as('alice:alice-pw-1');
  const ok = await alice.search({ collectionName: 'open', data: [[1, 0]], limit: 1, outputFields: [] });
  assert.equal(ok.code, 0, JSON.stringify(ok));
  assert.equal(rowsOf(ok.data)[0].id, 1);
  assert.equal((await alice.search({ collectionName: 'closed', data: [[1, 0]], limit: 1, outputFields: [] })).code, 1401);
  // An alias does not widen the grant: it is checked against the collection it names.
  await root.createAlias({ collectionName: 'closed', aliasName: 'sneaky' });
  assert.equal((await alice.search({ collectionName: 'sneaky', data: [[1, 0]], limit: 1, outputFields: [] })).code, 1401);
});

test('bad user and role requests are refused and change nothing', async () => {
  const short = await root.createUser({ userName: 'bob', password: '123' });
  assert.equal(short.code, 1100);
  assert.match(short.message as string, /6 to 256 characters/);
  assert.equal((await root.createUser({ userName: 'alice', password: 'another-pw' })).code, 1100);
  assert.equal((await root.createUser({ userName: '9bad', password: 'another-pw' })).code, 1100);
  assert.equal((await root.dropUser({ userName: 'root' })).code, 1100);
  assert.equal((await root.dropRole({ roleName: 'admin' })).code, 1100);
  const badType = await root.grantPrivilegeToRole({ roleName: 'reader', objectType: 'Table', objectName: '*', privilege: 'Search' });
  assert.equal(badType.code, 1100);
  assert.equal((await root.grantRoleToUser({ userName: 'nobody', roleName: 'reader' })).code, 1500);
  assert.deepEqual((await root.listUsers()).data, ['alice', 'root']);
  assert.equal(rowsOf((await root.describeRole({ roleName: 'reader' })).data).length, 1);
});

test('a user changes their password with the old one; the old token stops working', async () => {
  const alice = as('alice:alice-pw-1');
  const wrongOld = await alice.updateUserPassword({ userName: 'alice', password: 'guess-guess', newPassword: 'alice-pw-2' });
  assert.equal(wrongOld.code, 1100);
  assert.equal((await alice.updateUserPassword({ userName: 'alice', password: 'alice-pw-1', newPassword: 'alice-pw-2' })).code, 0);
  assert.equal((await post(running.server, '/v2/vectordb/collections/list', {}, 'alice:alice-pw-1')).status, 401);
  assert.equal((await as('alice:alice-pw-2').listCollections()).code, 0);
});

test('users, roles and grants survive a restart; revoke and drop take effect', async () => {
  await running.restart();
  root = as(`root:${ROOT_PASSWORD}`);
  const alice = as('alice:alice-pw-2');
  assert.equal((await alice.search({ collectionName: 'open', data: [[1, 0]], limit: 1, outputFields: [] })).code, 0);
  assert.equal((await root.revokePrivilegeFromRole({ roleName: 'reader', objectType: 'Collection', objectName: 'open', privilege: 'Search' })).code, 0);
  assert.equal((await alice.search({ collectionName: 'open', data: [[1, 0]], limit: 1, outputFields: [] })).code, 1401);
  assert.equal((await root.revokeRoleFromUser({ userName: 'alice', roleName: 'reader' })).code, 0);
  assert.equal((await root.dropRole({ roleName: 'reader' })).code, 0);
  assert.equal((await root.dropUser({ userName: 'alice' })).code, 0);
  assert.equal((await post(running.server, '/v2/vectordb/collections/list', {}, 'alice:alice-pw-2')).status, 401);
});
