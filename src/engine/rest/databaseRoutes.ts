// /v2/vectordb/databases/*: create, list, describe, drop, alter, drop_properties. The database
// named is the request's subject (its `dbName`), kept by the catalog.

import { type Route, ok, propertiesOf, propertyKeysOf } from './route';

export const databaseRoutes: Record<string, Route> = {
  create: async (_db, body, ctx) => {
    const properties = body.has('properties') ? propertiesOf(body) : {};
    await ctx.catalog.createDatabase(body.str('dbName'), properties);
    return ok();
  },

  list: async (_db, _body, ctx) => ok(ctx.catalog.listDatabases()),

  describe: async (_db, body, ctx) => ok(ctx.catalog.describeDatabase(body.str('dbName'))),

  drop: async (_db, body, ctx) => {
    await ctx.catalog.dropDatabase(body.str('dbName'));
    return ok();
  },

  alter: async (_db, body, ctx) => {
    await ctx.catalog.alterProperties(body.str('dbName'), propertiesOf(body));
    return ok();
  },

  drop_properties: async (_db, body, ctx) => {
    await ctx.catalog.dropProperties(body.str('dbName'), propertyKeysOf(body));
    return ok();
  },
};
