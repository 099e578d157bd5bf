// Privilege groups and the RBAC backup over gRPC, through the official MilvusClient: a group
// granted to a role lets its users do what the group holds and nothing else; a group is checked
// as Milvus checks it; a backup restored after the roles, users and groups are dropped brings
// them back, passwords included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType, MilvusClient, type RBACMeta } from '@zilliz/milvus2-sdk-node';
import type { GrpcServer } from '../../../../src/engine/grpc/server';
import { TOKEN, type TestServer, startTestServer } from '../rest/harness';

async function withServer(run: (admin: MilvusClient, as: (token: string) => MilvusClient) => Promise<void>): Promise<void> {
  const running: TestServer = await startTestServer({ grpc: true });
  const address = (running.grpc as GrpcServer).address;
  const clients: MilvusClient[] = [];
  const as = (token: string): MilvusClient => {
    const c = new MilvusClient({ address, token });
    clients.push(c);
    return c;
  };
  try {
    await run(as(TOKEN), as);
  } finally {
    for (const c of clients) await c.closeConnection();
    await running.stop();
  }
}

async function makeDocs(admin: MilvusClient): Promise<void> {
  const created = await admin.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 2 },
    ],
  });
  assert.equal(created.error_code, 'Success', created.reason);
  await admin.insert({ collection_name: 'docs', data: [{ id: 1, v: [0, 1] }] });
}

test('privilege groups: create, add, remove, list; what Milvus refuses', async () => {
  await withServer(async (admin) => {
    assert.equal((await admin.createPrivilegeGroup({ group_name: 'readers' })).error_code, 'Success');
    assert.match((await admin.createPrivilegeGroup({ group_name: 'readers' })).reason, /\[readers\] is defined by users/);
    assert.match((await admin.createPrivilegeGroup({ group_name: 'Query' })).reason, /defined by built in privileges/);
    assert.match((await admin.createPrivilegeGroup({ group_name: 'CollectionReadOnly' })).reason, /defined by built in privileges/);

    assert.equal((await admin.addPrivilegesToGroup({ group_name: 'readers', privileges: ['Query', 'Search', 'Query'] })).error_code, 'Success');
    const mixed = await admin.addPrivilegesToGroup({ group_name: 'readers', privileges: ['CreateDatabase'] });
    assert.match(mixed.reason, /not the same privilege level/);
    assert.match((await admin.addPrivilegesToGroup({ group_name: 'readers', privileges: ['Teleport'] })).reason, /\[Teleport\] defined/);
    assert.match((await admin.addPrivilegesToGroup({ group_name: 'nobody', privileges: ['Query'] })).reason, /no privilege group name \[nobody\]/);
    assert.equal((await admin.removePrivilegesFromGroup({ group_name: 'readers', privileges: ['Query'] })).error_code, 'Success');

    const list = await admin.listPrivilegeGroups();
    assert.equal(list.status.error_code, 'Success');
    assert.deepEqual(list.privilege_groups.map((g) => [g.group_name, g.privileges.map((p) => p.name)]), [['readers', ['Search']]]);
    assert.equal((await admin.dropPrivilegeGroup({ group_name: 'readers' })).error_code, 'Success');
    assert.match((await admin.dropPrivilegeGroup({ group_name: 'readers' })).reason, /no privilege group name \[readers\]/);
  });
});

/** Collection docs; user ana in role reader, which holds group readers (Query) on docs. */
async function grantReadersToAna(admin: MilvusClient): Promise<void> {
  await makeDocs(admin);
  await admin.createUser({ username: 'ana', password: 'secret-pass' });
  await admin.createRole({ roleName: 'reader' });
  await admin.addUserToRole({ username: 'ana', roleName: 'reader' });
  await admin.createPrivilegeGroup({ group_name: 'readers' });
  await admin.addPrivilegesToGroup({ group_name: 'readers', privileges: ['Query'] });
  const grant = await admin.grantPrivilegeV2({ role: 'reader', collection_name: 'docs', db_name: 'default', privilege: 'readers' });
  assert.equal(grant.error_code, 'Success', grant.reason);
}

test('a group granted to a role lets its users do what it holds, and is not dropped while held', async () => {
  await withServer(async (admin, as) => {
    await grantReadersToAna(admin);

    const ana = as('ana:secret-pass');
    const q = await ana.query({ collection_name: 'docs', filter: 'id > 0', output_fields: ['id'] });
    assert.equal(q.status.error_code, 'Success', q.status.reason);
    assert.equal(q.data.length, 1);
    const ins = await ana.insert({ collection_name: 'docs', data: [{ id: 2, v: [1, 0] }] });
    assert.match(ins.status.reason, /lacks privilege Insert/);

    const drop = await admin.dropPrivilegeGroup({ group_name: 'readers' });
    assert.match(drop.reason, /is used by role \[reader\]/);
    // Removing Query from the group takes it from every role holding the group.
    await admin.removePrivilegesFromGroup({ group_name: 'readers', privileges: ['Query'] });
    assert.match((await ana.query({ collection_name: 'docs', filter: 'id > 0' })).status.reason, /lacks privilege Query/);
  });
});

test('RBAC backup and restore: users (with passwords), roles, grants and groups come back', async () => {
  await withServer(async (admin, as) => {
    await grantReadersToAna(admin);

    const backup = await admin.backupRBAC();
    assert.equal(backup.status.error_code, 'Success', backup.status.reason);
    const meta = backup.RBAC_meta;
    // The SDK types users as {name}; on the wire (milvus.proto UserInfo) they are {user, password, roles}.
    const users = meta.users as unknown as Array<{ user: string; password: string }>;
    assert.deepEqual(users.map((u) => u.user), ['ana'], 'root is never in a backup');
    assert.doesNotMatch(JSON.stringify(meta), /secret-pass/, 'the backup holds a hash, not the password');
    assert.deepEqual(meta.roles.map((r) => r.name), ['reader'], 'nor the built-in roles');
    assert.deepEqual(meta.privilege_groups.map((g) => g.group_name), ['readers']);

    const again = await admin.restoreRBAC({ RBAC_meta: meta });
    assert.match(again.reason, /role "reader" already exists/);

    await admin.revokePrivilegeV2({ role: 'reader', collection_name: 'docs', db_name: 'default', privilege: 'readers' });
    await admin.dropPrivilegeGroup({ group_name: 'readers' });
    await admin.deleteUser({ username: 'ana' });
    await admin.dropRole({ roleName: 'reader' });

    const restored = await admin.restoreRBAC({ RBAC_meta: meta });
    assert.equal(restored.error_code, 'Success', restored.reason);
    assert.deepEqual((await admin.listPrivilegeGroups()).privilege_groups.map((g) => g.group_name), ['readers']);
    const q = await as('ana:secret-pass').query({ collection_name: 'docs', filter: 'id > 0' });
    assert.equal(q.status.error_code, 'Success', 'the restored user logs in with the old password and holds the restored grant');

    const plain = { users: [{ user: 'bob', password: 'plain', roles: [] }], roles: [], grants: [], privilege_groups: [] } as unknown as RBACMeta;
    const bad = await admin.restoreRBAC({ RBAC_meta: plain });
    assert.match(bad.reason, /user "bob" has no password hash from a Loupe backup/);
  });
});
