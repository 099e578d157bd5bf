// Which Milvus privilege each endpoint needs, and on what: a collection (named by the request,
// aliases resolved), a user, or the instance (Global). An endpoint not listed is for admins.

import type { Need } from '../catalog/accessControl';
import type { WireObject } from './wire';

type Target = 'Collection' | 'Global' | 'User';

const TABLE: Record<string, [string, Target]> = {
  'collections/create': ['CreateCollection', 'Global'],
  'collections/drop': ['DropCollection', 'Global'],
  'collections/describe': ['DescribeCollection', 'Global'],
  'collections/list': ['ShowCollections', 'Global'],
  'collections/has': ['ShowCollections', 'Global'],
  'collections/rename': ['RenameCollection', 'Global'],
  'collections/get_stats': ['GetStatistics', 'Collection'],
  'collections/load': ['Load', 'Collection'],
  'collections/refresh_load': ['Load', 'Collection'],
  'collections/release': ['Release', 'Collection'],
  'collections/get_load_state': ['GetLoadState', 'Collection'],
  'collections/flush': ['Flush', 'Collection'],
  'collections/compact': ['Compaction', 'Collection'],
  'collections/get_compaction_state': ['GetCompactionState', 'Global'],
  'collections/alter_properties': ['AlterCollection', 'Collection'],
  'collections/drop_properties': ['AlterCollection', 'Collection'],
  'collections/fields/add': ['AddCollectionField', 'Collection'],
  'collections/fields/alter_properties': ['AlterCollection', 'Collection'],
  'entities/insert': ['Insert', 'Collection'],
  'entities/upsert': ['Upsert', 'Collection'],
  'entities/delete': ['Delete', 'Collection'],
  'entities/get': ['Query', 'Collection'],
  'entities/query': ['Query', 'Collection'],
  'entities/search': ['Search', 'Collection'],
  'entities/hybrid_search': ['Search', 'Collection'],
  'indexes/create': ['CreateIndex', 'Collection'],
  'indexes/drop': ['DropIndex', 'Collection'],
  'indexes/describe': ['IndexDetail', 'Collection'],
  'indexes/list': ['IndexDetail', 'Collection'],
  'indexes/alter_properties': ['CreateIndex', 'Collection'],
  'indexes/drop_properties': ['CreateIndex', 'Collection'],
  'partitions/list': ['ShowPartitions', 'Collection'],
  'partitions/has': ['HasPartition', 'Collection'],
  'partitions/create': ['CreatePartition', 'Collection'],
  'partitions/drop': ['DropPartition', 'Collection'],
  'partitions/load': ['Load', 'Collection'],
  'partitions/release': ['Release', 'Collection'],
  'partitions/get_stats': ['GetStatistics', 'Collection'],
  'aliases/create': ['CreateAlias', 'Global'],
  'aliases/alter': ['CreateAlias', 'Global'],
  'aliases/drop': ['DropAlias', 'Global'],
  'aliases/list': ['ListAliases', 'Global'],
  'aliases/describe': ['DescribeAlias', 'Global'],
  'databases/create': ['CreateDatabase', 'Global'],
  'databases/drop': ['DropDatabase', 'Global'],
  'databases/list': ['ListDatabases', 'Global'],
  'databases/describe': ['DescribeDatabase', 'Global'],
  'databases/alter': ['AlterDatabase', 'Global'],
  'databases/drop_properties': ['AlterDatabase', 'Global'],
  'users/create': ['CreateOwnership', 'Global'],
  'users/drop': ['DropOwnership', 'Global'],
  'users/list': ['SelectOwnership', 'Global'],
  'users/describe': ['SelectUser', 'User'],
  'users/update_password': ['UpdateUser', 'User'],
  'users/grant_role': ['ManageOwnership', 'Global'],
  'users/revoke_role': ['ManageOwnership', 'Global'],
  'roles/create': ['CreateOwnership', 'Global'],
  'roles/drop': ['DropOwnership', 'Global'],
  'roles/list': ['SelectOwnership', 'Global'],
  'roles/describe': ['SelectOwnership', 'Global'],
  'roles/grant_privilege': ['ManageOwnership', 'Global'],
  'roles/revoke_privilege': ['ManageOwnership', 'Global'],
  'privilege_groups/list': ['ListPrivilegeGroups', 'Global'],
  'privilege_groups/create': ['CreatePrivilegeGroup', 'Global'],
  'privilege_groups/drop': ['DropPrivilegeGroup', 'Global'],
  'privilege_groups/operate': ['OperatePrivilegeGroup', 'Global'],
  'rbac/backup': ['BackupRBAC', 'Global'],
  'rbac/restore': ['RestoreRBAC', 'Global'],
  'jobs/import/create': ['Import', 'Collection'],
  'jobs/import/list': ['Import', 'Global'],
  'jobs/import/get_progress': ['Import', 'Global'],
};

/** `endpoint` is `<category>/<action>`; `resolve` turns a collection name or alias into the collection. */
export function needOf(endpoint: string, body: WireObject, dbName: string, resolve: (name: string) => string): Need {
  const [privilege, objectType] = TABLE[endpoint] ?? ['All', 'Global'];
  let objectName = '*';
  if (objectType === 'Collection') objectName = resolve(String(body.get('collectionName') ?? ''));
  if (objectType === 'User') objectName = String(body.get('userName') ?? '');
  return { privilege, objectType, objectName, dbName };
}
