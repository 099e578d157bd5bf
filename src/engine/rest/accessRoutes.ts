// /v2/vectordb/users/* and /v2/vectordb/roles/*: Milvus's RBAC over the wire, kept by
// AccessControl (engine/catalog/accessControl.ts).

import { ADMIN_ROLE, type Grant } from '../catalog/accessControl';
import { type Route, type RouteContext, ok } from './route';
import type { WireObject } from './wire';

export const userRoutes: Record<string, Route> = {
  create: async (_db, body, ctx) => {
    await ctx.access.createUser(body.str('userName'), body.str('password'));
    return ok();
  },

  list: async (_db, _body, ctx) => ok(ctx.access.listUsers()),

  describe: async (_db, body, ctx) => ok(ctx.access.describeUser(body.str('userName'))),

  update_password: async (_db, body, ctx) => {
    const name = body.str('userName');
    // Users changing their own password prove the old one; an admin may reset another's.
    const byAdmin = name !== ctx.user && isAdmin(ctx);
    await ctx.access.updatePassword(name, body.optStr('password'), body.str('newPassword'), byAdmin);
    return ok();
  },

  grant_role: async (_db, body, ctx) => {
    await ctx.access.grantRole(body.str('userName'), body.str('roleName'));
    return ok();
  },

  revoke_role: async (_db, body, ctx) => {
    await ctx.access.revokeRole(body.str('userName'), body.str('roleName'));
    return ok();
  },

  drop: async (_db, body, ctx) => {
    await ctx.access.dropUser(body.str('userName'));
    return ok();
  },
};

export const roleRoutes: Record<string, Route> = {
  list: async (_db, _body, ctx) => ok(ctx.access.listRoles()),

  describe: async (_db, body, ctx) => ok(ctx.access.describeRole(body.str('roleName'))),

  create: async (_db, body, ctx) => {
    await ctx.access.createRole(body.str('roleName'));
    return ok();
  },

  drop: async (_db, body, ctx) => {
    await ctx.access.dropRole(body.str('roleName'));
    return ok();
  },

  grant_privilege: async (_db, body, ctx) => {
    await ctx.access.grantPrivilege(body.str('roleName'), grantOf(body, ctx));
    return ok();
  },

  revoke_privilege: async (_db, body, ctx) => {
    await ctx.access.revokePrivilege(body.str('roleName'), grantOf(body, ctx));
    return ok();
  },
};

function grantOf(body: WireObject, ctx: RouteContext): Grant {
  return { objectType: body.str('objectType'), objectName: body.str('objectName'), privilege: body.str('privilege'), dbName: ctx.dbName };
}

function isAdmin(ctx: RouteContext): boolean {
  return ctx.access.describeUser(ctx.user).includes(ADMIN_ROLE);
}
