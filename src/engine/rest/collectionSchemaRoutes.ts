// /v2/vectordb/collections/* that change a collection's definition: rename, properties, a new
// field, field properties. Each change is checked like a create and written to the manifest
// before the answer; a rejected change leaves the collection as it was.

import { invalid } from '../errors';
import { isVectorType } from '../schema/types';
import { fieldOf } from './createCollectionRequest';
import { type Route, collectionOf, ok, propertiesOf, propertyKeysOf } from './route';

/** Field parameters that may change after create (Milvus allows these two on scalar fields). */
const ALTERABLE_FIELD_PARAMS = new Set(['max_length', 'max_capacity']);

export const collectionSchemaRoutes: Record<string, Route> = {
  rename: async (db, body, ctx) => {
    const from = body.str('collectionName');
    const to = body.str('newCollectionName');
    const newDb = body.optStr('newDbName');
    if (newDb && newDb !== ctx.dbName) throw invalid(`rename: moving a collection to another database ("${newDb}") is not supported; rename within "${ctx.dbName}"`);
    if (ctx.catalog.listAliases(ctx.dbName).includes(to)) throw invalid(`rename: "${to}" is an alias in database "${ctx.dbName}"; pick another name`);
    await db.renameCollection(ctx.catalog.resolve(ctx.dbName, from), to);
    await ctx.catalog.renameInAliases(ctx.dbName, from, to);
    return ok();
  },

  alter_properties: async (db, body) => {
    const properties = propertiesOf(body);
    await collectionOf(db, body).alterSchema((d) => void (d.properties = { ...d.properties, ...properties }));
    return ok();
  },

  drop_properties: async (db, body) => {
    const keys = propertyKeysOf(body);
    await collectionOf(db, body).alterSchema((d) => {
      for (const k of keys) delete d.properties?.[k];
    });
    return ok();
  },

  'fields/add': async (db, body) => {
    const c = collectionOf(db, body);
    const schemaObj = body.obj('schema');
    const field = fieldOf(schemaObj, new Set(), undefined);
    const where = `schema (field "${field.name}")`;
    if (field.isPrimary) throw invalid(`${where}: a primary key cannot be added to an existing collection`);
    if (isVectorType(field.dataType)) throw invalid(`${where}: vector fields cannot be added to an existing collection; create a new collection`);
    if (!field.nullable && field.defaultValue === undefined) {
      throw invalid(`${where}: an added field must be nullable or have a defaultValue, since existing rows have no value for it`);
    }
    if (c.schema.fields.some((f) => f.name === field.name)) throw invalid(`${where}: the collection already has a field named "${field.name}"`);
    await c.alterSchema((d) => void d.fields.push(field));
    return ok();
  },

  'fields/alter_properties': async (db, body) => {
    const c = collectionOf(db, body);
    const name = body.str('fieldName');
    const params = body.obj('fieldParams');
    const field = c.schema.fields.find((f) => f.name === name);
    if (!field) throw invalid(`fields/alter_properties: field "${name}" does not exist in collection "${c.name}"`);
    const changes: Record<string, number> = {};
    for (const key of Object.keys(params.value)) {
      if (!ALTERABLE_FIELD_PARAMS.has(key)) throw invalid(`fieldParams.${key}: only max_length and max_capacity can be altered`);
      const v = params.optNumeric(key);
      if (v !== undefined) changes[key] = v;
    }
    await c.alterSchema((d) => {
      const f = d.fields.find((x) => x.name === name)!;
      if (changes.max_length !== undefined) {
        if (f.dataType !== 'VarChar') throw invalid(`fieldParams.max_length: field "${name}" is ${f.dataType}, not VarChar`);
        f.maxLength = changes.max_length;
      }
      if (changes.max_capacity !== undefined) {
        if (f.dataType !== 'Array') throw invalid(`fieldParams.max_capacity: field "${name}" is ${f.dataType}, not Array`);
        f.maxCapacity = changes.max_capacity;
      }
    });
    return ok();
  },
};
