// Milvus's privilege groups: the nine built-in groups (collection, database and cluster level,
// read-only / read-write / admin) and the rules for the groups users define: a group's name may
// not be a privilege's or a built-in group's, and its privileges share one level.

import { invalid } from '../errors';

export type PrivilegeLevel = 'Collection' | 'Database' | 'Cluster';

const COLLECTION_RO = ['Query', 'Search', 'IndexDetail', 'GetFlushState', 'GetLoadState', 'GetLoadingProgress', 'HasPartition', 'ShowPartitions', 'ListAliases', 'DescribeCollection', 'DescribeAlias', 'GetStatistics'];
const COLLECTION_RW = [...COLLECTION_RO, 'CreateIndex', 'DropIndex', 'CreatePartition', 'DropPartition', 'Load', 'Release', 'Insert', 'Delete', 'Upsert', 'Import', 'Flush', 'Compaction', 'LoadBalance', 'AddCollectionField'];
const COLLECTION_ADMIN = [...COLLECTION_RW, 'CreateAlias', 'DropAlias'];
const DATABASE_RO = ['ShowCollections', 'DescribeDatabase'];
const DATABASE_RW = [...DATABASE_RO, 'AlterDatabase'];
const DATABASE_ADMIN = [...DATABASE_RW, 'CreateCollection', 'DropCollection', 'AlterCollection', 'RenameCollection', 'TruncateCollection'];
const CLUSTER_RO = ['ListDatabases', 'SelectOwnership', 'SelectUser', 'DescribeResourceGroup', 'ListResourceGroups', 'ListPrivilegeGroups'];
const CLUSTER_RW = [...CLUSTER_RO, 'FlushAll', 'TransferNode', 'TransferReplica', 'UpdateResourceGroups'];
const CLUSTER_ADMIN = [
  ...CLUSTER_RW, 'BackupRBAC', 'RestoreRBAC', 'CreateDatabase', 'DropDatabase', 'CreateOwnership', 'DropOwnership', 'ManageOwnership',
  'CreateResourceGroup', 'DropResourceGroup', 'UpdateUser', 'CreatePrivilegeGroup', 'DropPrivilegeGroup', 'OperatePrivilegeGroup',
];

/** The built-in groups by their Milvus names (COLL_RO … Cluster_Admin in the docs). */
export const BUILTIN_GROUPS: Readonly<Record<string, readonly string[]>> = {
  CollectionReadOnly: COLLECTION_RO,
  CollectionReadWrite: COLLECTION_RW,
  CollectionAdmin: COLLECTION_ADMIN,
  DatabaseReadOnly: DATABASE_RO,
  DatabaseReadWrite: DATABASE_RW,
  DatabaseAdmin: DATABASE_ADMIN,
  ClusterReadOnly: CLUSTER_RO,
  ClusterReadWrite: CLUSTER_RW,
  ClusterAdmin: CLUSTER_ADMIN,
};

const LEVEL = new Map<string, PrivilegeLevel>([
  ...COLLECTION_ADMIN.map((p) => [p, 'Collection'] as const),
  ...DATABASE_ADMIN.map((p) => [p, 'Database'] as const),
  ...CLUSTER_ADMIN.map((p) => [p, 'Cluster'] as const),
  ...Object.keys(BUILTIN_GROUPS).map((g) => [g, g.startsWith('Collection') ? 'Collection' : g.startsWith('Database') ? 'Database' : 'Cluster'] as const),
]);

/** A privilege or built-in group Milvus knows by this name (`All` / `*` stand for every privilege). */
export function isDefinedPrivilege(name: string): boolean {
  return LEVEL.has(name) || name === 'All' || name === '*';
}

/** Custom groups: name → privileges. */
export type CustomGroups = Readonly<Record<string, readonly string[]>>;

/** Whether a grant of `granted` (a privilege, `All`, or a group) covers `privilege`. */
export function grantCovers(granted: string, privilege: string, custom: CustomGroups, seen = new Set<string>()): boolean {
  if (granted === privilege || granted === 'All' || granted === '*') return true;
  // A custom group may hold other groups; `seen` stops a cycle.
  if (seen.has(granted)) return false;
  seen.add(granted);
  const members = BUILTIN_GROUPS[granted] ?? custom[granted] ?? [];
  return members.some((m) => grantCovers(m, privilege, custom, seen));
}

export function checkNewGroup(name: unknown, custom: CustomGroups): string {
  const n = groupName(name);
  if (custom[n]) throw invalid(`privilege group name [${n}] is defined by users`);
  if (isDefinedPrivilege(n)) throw invalid(`privilege group name [${n}] is defined by built in privileges or privilege groups in system`);
  return n;
}

export function checkCustomGroup(name: unknown, custom: CustomGroups): string {
  const n = groupName(name);
  if (!custom[n]) throw invalid(`there is no privilege group name [${n}] defined in system to operate`);
  return n;
}

/**
 * The privileges a change adds to or removes from a group: each a known privilege or group, and
 * after an addition all of one level (Milvus refuses a group mixing collection and cluster ones).
 */
export function checkGroupChange(name: string, privileges: readonly string[], adding: boolean, custom: CustomGroups): void {
  if (privileges.length === 0) throw invalid(`privileges is empty when alter the privilege group [${name}]`);
  for (const p of privileges) {
    if (typeof p !== 'string' || (!isDefinedPrivilege(p) && !custom[p])) {
      throw invalid(`there is no privilege name or privilege group name [${String(p)}] defined in system to operate`);
    }
  }
  if (!adding) return;
  const levels = new Set([...custom[name], ...privileges].map((p) => levelOf(p, custom)).filter((l) => l !== undefined));
  if (levels.size > 1) throw invalid(`privileges are not the same privilege level: group [${name}] would mix ${[...levels].join(', ')} privileges`);
}

/** A privilege's level; a custom group's is its first member's (none while it is empty). */
function levelOf(p: string, custom: CustomGroups, depth = 0): string | undefined {
  const first = custom[p]?.[0];
  return LEVEL.get(p) ?? (first !== undefined && depth < 8 ? levelOf(first, custom, depth + 1) : undefined);
}

function groupName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw invalid('privilege group name is empty');
  return name;
}
