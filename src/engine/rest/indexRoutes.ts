// /v2/vectordb/indexes/*: create, describe, list, drop, alter_properties, drop_properties.

import { indexRequestOf, isScalarIndex } from './createCollectionRequest';
import { type Route, collectionOf, ok, propertiesOf, propertyKeysOf, wireProperties } from './route';

export const indexRoutes: Record<string, Route> = {
  create: async (db, body) => {
    const c = collectionOf(db, body);
    const params = body.objects('indexParams', true);
    // Check every entry before building any, so a bad second entry leaves nothing half-made.
    const requests = params.map((p) => indexRequestOf(p, c.schema));
    for (const r of requests) {
      if (!r) continue;
      if (isScalarIndex(r)) {
        await c.createScalarIndex(r);
        continue;
      }
      const { fieldName, indexName, ...spec } = r;
      await c.createIndex(fieldName, spec, indexName);
    }
    return ok();
  },

  describe: async (db, body) => {
    const c = collectionOf(db, body);
    const d = c.describeIndex(body.str('indexName'));
    return ok([
      {
        fieldName: d.fieldName,
        indexName: d.indexName,
        indexType: d.spec.indexType,
        metricType: d.spec.metricType,
        params: d.spec.params,
        indexState: d.state,
        indexedRows: d.indexedRows,
        totalRows: d.totalRows,
        pendingRows: d.totalRows - d.indexedRows,
        failReason: '',
        properties: wireProperties(c.schema.indexProperties?.[d.indexName]),
      },
    ]);
  },

  list: async (db, body) => {
    const c = collectionOf(db, body);
    const field = body.optStr('fieldName');
    return ok(c.listIndexes().filter((ix) => !field || ix.fieldName === field).map((ix) => ix.indexName));
  },

  drop: async (db, body) => {
    const c = collectionOf(db, body);
    const name = body.str('indexName');
    const { indexName } = c.describeIndex(name);
    await c.dropIndex(name);
    if (c.schema.indexProperties?.[indexName]) await c.alterSchema((d) => void delete d.indexProperties?.[indexName]);
    return ok();
  },

  /** Index properties (`mmap.enabled`, …) are kept and described; the index itself is unchanged. */
  alter_properties: async (db, body) => {
    const c = collectionOf(db, body);
    const { indexName } = c.describeIndex(body.str('indexName'));
    const properties = propertiesOf(body);
    await c.alterSchema((d) => {
      d.indexProperties = { ...d.indexProperties, [indexName]: { ...d.indexProperties?.[indexName], ...properties } };
    });
    return ok();
  },

  drop_properties: async (db, body) => {
    const c = collectionOf(db, body);
    const { indexName } = c.describeIndex(body.str('indexName'));
    const keys = propertyKeysOf(body);
    await c.alterSchema((d) => {
      for (const k of keys) delete d.indexProperties?.[indexName]?.[k];
    });
    return ok();
  },
};
