// /v2/vectordb/aliases/*: create, list, describe, alter, drop — names for collections within
// the request's database, kept by the catalog.

import { type Route, ok } from './route';

export const aliasRoutes: Record<string, Route> = {
  create: async (_db, body, ctx) => {
    await ctx.catalog.createAlias(ctx.dbName, body.str('aliasName'), body.str('collectionName'));
    return ok();
  },

  list: async (_db, body, ctx) => ok(ctx.catalog.listAliases(ctx.dbName, body.optStr('collectionName') || undefined)),

  describe: async (_db, body, ctx) => ok(ctx.catalog.describeAlias(ctx.dbName, body.str('aliasName'))),

  alter: async (_db, body, ctx) => {
    await ctx.catalog.alterAlias(ctx.dbName, body.str('aliasName'), body.str('collectionName'));
    return ok();
  },

  drop: async (_db, body, ctx) => {
    await ctx.catalog.dropAlias(ctx.dbName, body.str('aliasName'));
    return ok();
  },
};
