// /v2/vectordb/indexes/*: create, describe, list, drop.

import { indexRequestOf } from './createCollectionRequest';
import { type Route, collectionOf, ok } from './route';

export const indexRoutes: Record<string, Route> = {
  create: async (db, body) => {
    const c = collectionOf(db, body);
    const params = body.objects('indexParams', true);
    // Check every entry before building any, so a bad second entry leaves nothing half-made.
    const requests = params.map((p) => indexRequestOf(p, c.schema));
    for (const r of requests) {
      if (!r) continue;
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
      },
    ]);
  },

  list: async (db, body) => {
    const c = collectionOf(db, body);
    const field = body.optStr('fieldName');
    return ok(c.listIndexes().filter((ix) => !field || ix.fieldName === field).map((ix) => ix.indexName));
  },

  drop: async (db, body) => {
    await collectionOf(db, body).dropIndex(body.str('indexName'));
    return ok();
  },
};
