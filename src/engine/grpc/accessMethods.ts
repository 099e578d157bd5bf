// The gRPC methods for roles and privileges (Milvus's RBAC), translated to the REST routes like
// dataMethods.ts; privilege groups and the RBAC backup go to AccessControl directly (the REST
// door has no routes for them yet). Users and passwords are in catalogMethods.ts.

import type { RbacMeta } from '../catalog/rbacMeta';
import { invalid } from '../errors';
import { roleRoutes, userRoutes } from '../rest/accessRoutes';
import type { RouteContext } from '../rest/route';
import { type DataHandler, SUCCESS, via } from './dataMethods';

type Req = Record<string, unknown>;
type Named = { name?: string } | null | undefined;

const nameOf = (e: unknown): string => String((e as Named)?.name ?? '');

/** Users holding `role`, for SelectRole's user info. */
function usersOf(ctx: RouteContext, role: string): Array<{ name: string }> {
  return ctx.access.listUsers().filter((u) => ctx.access.describeUser(u).includes(role)).map((name) => ({ name }));
}

const privilegeEntities = (names: string[]): Req[] => names.map((name) => ({ name }));

/** PrivilegeEntity messages → names, each checked. */
function privilegeNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((p: Named, i) => {
    const name = nameOf(p);
    if (!name) throw invalid(`privileges[${i}] has no name`);
    return name;
  });
}

/** A GrantEntity as a role and a grant (its privilege from the grantor). */
function grantFrom(e: Req, i: number): RbacMeta['grants'][number] {
  const grantor = (e.grantor ?? {}) as Req;
  const g = { role: nameOf(e.role), objectType: nameOf(e.object), objectName: String(e.object_name ?? ''), privilege: nameOf(grantor.privilege), dbName: String(e.db_name || 'default') };
  for (const [k, v] of Object.entries(g)) if (!v) throw invalid(`RBAC_meta.grants[${i}] has no ${k}`);
  return g;
}

/** The RBACMeta message → the engine's backup shape. */
function rbacMetaOf(m: Req | undefined): RbacMeta {
  if (!m) throw invalid('RBAC_meta is required');
  const list = (k: string): Req[] => (Array.isArray(m[k]) ? (m[k] as Req[]) : []);
  return {
    users: list('users').map((u) => ({ name: String(u.user ?? ''), password: String(u.password ?? ''), roles: (Array.isArray(u.roles) ? u.roles : []).map(nameOf) })),
    roles: list('roles').map(nameOf),
    grants: list('grants').map(grantFrom),
    privilegeGroups: list('privilege_groups').map((g) => ({ name: String(g.group_name ?? ''), privileges: privilegeNames(g.privileges) })),
  };
}

/** A role's grants as GrantEntity messages, narrowed by the request's object, name and database. */
function grantsOf(ctx: RouteContext, entity: Req): Req[] {
  const role = nameOf(entity.role);
  const object = nameOf(entity.object);
  const objectName = String(entity.object_name ?? '');
  // No database: the caller's; '*': every database (the SDK's listGrants).
  const asked = String(entity.db_name ?? '');
  const db = asked === '*' ? '' : asked || ctx.dbName;
  return ctx.access.describeRole(role)
    .filter((g) => (!object || g.objectType === object) && (!objectName || g.objectName === objectName) && (!db || g.dbName === db))
    .map((g) => ({
      role: { name: role }, object: { name: g.objectType }, object_name: g.objectName, db_name: g.dbName,
      grantor: { user: { name: g.grantor }, privilege: { name: g.privilege } },
    }));
}

export const accessMethods: Record<string, [string, DataHandler]> = {
  CreateRole: ['roles/create', async (req, db, ctx) => {
    await via(roleRoutes.create, db, ctx, { roleName: nameOf(req.entity) });
    return SUCCESS;
  }],

  DropRole: ['roles/drop', async (req, db, ctx) => {
    await via(roleRoutes.drop, db, ctx, { roleName: req.role_name });
    return SUCCESS;
  }],

  OperateUserRole: ['users/grant_role', async (req, db, ctx) => {
    const route = req.type === 'RemoveUserFromRole' || req.type === 1 ? userRoutes.revoke_role : userRoutes.grant_role;
    await via(route, db, ctx, { userName: req.username, roleName: req.role_name });
    return SUCCESS;
  }],

  SelectRole: ['roles/list', async (req, _db, ctx) => {
    const asked = nameOf(req.role);
    const roles = asked ? ctx.access.listRoles().filter((r) => r === asked) : ctx.access.listRoles();
    return { status: SUCCESS, results: roles.map((r) => ({ role: { name: r }, users: req.include_user_info ? usersOf(ctx, r) : [] })) };
  }],

  SelectUser: ['users/list', async (req, _db, ctx) => {
    const asked = nameOf(req.user);
    const users = asked ? ctx.access.listUsers().filter((u) => u === asked) : ctx.access.listUsers();
    return {
      status: SUCCESS,
      results: users.map((u) => ({ user: { name: u }, roles: req.include_role_info ? ctx.access.describeUser(u).map((name) => ({ name })) : [], description: '' })),
    };
  }],

  OperatePrivilege: ['roles/grant_privilege', async (req, db, ctx) => {
    const e = (req.entity ?? {}) as Req;
    const grantor = (e.grantor ?? {}) as Req;
    const route = req.type === 'Revoke' || req.type === 1 ? roleRoutes.revoke_privilege : roleRoutes.grant_privilege;
    const dbCtx = { ...ctx, dbName: String(e.db_name || ctx.dbName) };
    await via(route, db, dbCtx, { roleName: nameOf(e.role), objectType: nameOf(e.object), objectName: e.object_name, privilege: nameOf(grantor.privilege) });
    return SUCCESS;
  }],

  // V2 names a database and a collection instead of an object type ('*' for all).
  OperatePrivilegeV2: ['roles/grant_privilege', async (req, db, ctx) => {
    const grantor = (req.grantor ?? {}) as Req;
    const route = req.type === 'Revoke' || req.type === 1 ? roleRoutes.revoke_privilege : roleRoutes.grant_privilege;
    const dbCtx = { ...ctx, dbName: String(req.db_name || ctx.dbName) };
    const collection = String(req.collection_name || '*');
    await via(route, db, dbCtx, { roleName: nameOf(req.role), objectType: 'Collection', objectName: collection, privilege: nameOf(grantor.privilege) });
    return SUCCESS;
  }],

  SelectGrant: ['roles/describe', async (req, _db, ctx) => ({ status: SUCCESS, entities: grantsOf(ctx, (req.entity ?? {}) as Req) })],

  CreatePrivilegeGroup: ['privilege_groups/create', async (req, _db, ctx) => {
    await ctx.access.createPrivilegeGroup(String(req.group_name ?? ''));
    return SUCCESS;
  }],

  DropPrivilegeGroup: ['privilege_groups/drop', async (req, _db, ctx) => {
    await ctx.access.dropPrivilegeGroup(String(req.group_name ?? ''));
    return SUCCESS;
  }],

  ListPrivilegeGroups: ['privilege_groups/list', async (_req, _db, ctx) => ({
    status: SUCCESS,
    privilege_groups: ctx.access.listPrivilegeGroups().map((g) => ({ group_name: g.name, privileges: privilegeEntities(g.privileges) })),
  })],

  OperatePrivilegeGroup: ['privilege_groups/operate', async (req, _db, ctx) => {
    const change = req.type === 'RemovePrivilegesFromGroup' || req.type === 1 ? 'remove' : 'add';
    await ctx.access.changePrivilegeGroup(String(req.group_name ?? ''), privilegeNames(req.privileges), change);
    return SUCCESS;
  }],

  BackupRBAC: ['rbac/backup', async (_req, _db, ctx) => {
    const m = ctx.access.backupRbac();
    return {
      status: SUCCESS,
      RBAC_meta: {
        users: m.users.map((u) => ({ user: u.name, password: u.password, roles: u.roles.map((name) => ({ name, description: '' })) })),
        roles: m.roles.map((name) => ({ name, description: '' })),
        grants: m.grants.map((g) => ({
          role: { name: g.role }, object: { name: g.objectType }, object_name: g.objectName, db_name: g.dbName,
          grantor: { user: { name: 'root' }, privilege: { name: g.privilege } },
        })),
        privilege_groups: m.privilegeGroups.map((g) => ({ group_name: g.name, privileges: privilegeEntities(g.privileges) })),
      },
    };
  }],

  RestoreRBAC: ['rbac/restore', async (req, _db, ctx) => {
    await ctx.access.restoreRbac(rbacMetaOf(req.RBAC_meta as Req | undefined));
    return SUCCESS;
  }],
};
