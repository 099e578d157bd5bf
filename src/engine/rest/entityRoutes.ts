// /v2/vectordb/entities/*: insert, upsert, delete, get, query, search, hybrid_search.
// Search results go out as Milvus sends them: one flat list of hits (`{<pk>, distance, ...fields}`)
// and `topks` saying how many belong to each query vector.

import type { PrimaryKey, Ranker, SearchHit, SearchRequest, SearchTimeParams } from '../api';
import type { Collection } from '../collection';
import { EngineError, ErrorCode } from '../errors';
import type { MetricType } from '../index/types';
import type { JsonValue, Row } from '../schema/types';
import { type Route, collectionOf, ok } from './route';
import { RestCode, RestError, WireObject, describe, isPlainObject, missing, wrongType } from './wire';

/** Milvus's REST defaults when a query or search gives no limit. */
const DEFAULT_LIMIT = 100;

export const entityRoutes: Record<string, Route> = {
  insert: async (db, body) => {
    const c = collectionOf(db, body);
    const r = await asInsertError(() => c.insert(rowsOf(body), body.optStr('partitionName')));
    return ok({ insertCount: r.insertCount, insertIds: r.ids });
  },

  upsert: async (db, body) => {
    const c = collectionOf(db, body);
    const r = await asInsertError(() => c.upsert(rowsOf(body), body.optStr('partitionName')));
    return ok({ upsertCount: r.upsertCount, upsertIds: r.ids });
  },

  delete: async (db, body) => {
    const c = collectionOf(db, body);
    const filter = body.optStr('filter');
    // Milvus's delete names one partition (`partitionName`); take a list too.
    const one = body.optStr('partitionName');
    const partitionNames = one ? [one] : partitionNamesOf(body);
    if (filter) return ok(await c.delete({ filter, filterParams: exprParamsOf(body), partitionNames }));
    if (!body.has('id')) throw missing('filter or id', 'a filter expression, or primary keys');
    return ok(await c.delete({ ids: idsOf(body), partitionNames }));
  },

  get: async (db, body) => {
    const c = collectionOf(db, body);
    return ok(await c.query({ ids: idsOf(body), outputFields: body.optStrArr('outputFields') ?? ['*'], partitionNames: partitionNamesOf(body) }));
  },

  query: async (db, body) => {
    const c = collectionOf(db, body);
    const outputFields = body.optStrArr('outputFields');
    return ok(
      await c.query({
        filter: body.optStr('filter') ?? '',
        filterParams: exprParamsOf(body),
        outputFields: outputFields?.length ? outputFields : ['*'],
        limit: body.optInt('limit') ?? DEFAULT_LIMIT,
        offset: body.optInt('offset') ?? 0,
        partitionNames: partitionNamesOf(body),
      }),
    );
  },

  search: async (db, body) => {
    const c = collectionOf(db, body);
    const req: SearchRequest = {
      ...subSearchOf(body, 'searchParams'),
      outputFields: body.optStrArr('outputFields') ?? [],
      partitionNames: partitionNamesOf(body),
    };
    const groupingField = body.optStr('groupingField');
    if (groupingField) {
      req.groupByField = groupingField;
      const groupSize = body.optInt('groupSize');
      if (groupSize !== undefined) req.groupSize = groupSize;
    }
    const results = await c.search(req);
    const pk = pkName(c);
    return { data: results.flatMap((hits) => hits.map((h) => wireHit(h, pk))), extra: { topks: results.map((r) => r.length) } };
  },

  hybrid_search: async (db, body) => {
    const c = collectionOf(db, body);
    const limit = body.optInt('limit') ?? DEFAULT_LIMIT;
    const searches = body.objects('search', true).map((s) => {
      const sub = subSearchOf(s, 'params');
      if (!s.has('limit')) sub.limit = limit;
      sub.partitionNames = partitionNamesOf(body);
      return sub;
    });
    if (searches.length === 0) throw missing('search', 'at least one sub-search');
    const hits = await c.hybridSearch({
      searches,
      rerank: rankerOf(body.obj('rerank')),
      limit,
      offset: body.optInt('offset') ?? 0,
      outputFields: body.optStrArr('outputFields') ?? [],
    });
    const pk = pkName(c);
    return { data: hits.map((h) => wireHit(h, pk)), extra: { topks: [hits.length] } };
  },
};

/** Milvus reports bad rows as "fail to deal the insert data" (1804); keep the engine's detail. */
export async function asInsertError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EngineError && e.code === ErrorCode.InvalidParameter) {
      throw new RestError(RestCode.InvalidInsertData, `fail to deal the insert data: ${e.message}`);
    }
    throw e;
  }
}

function rowsOf(body: WireObject): Row[] {
  const raw = body.get('data');
  if (raw === undefined || raw === null) throw missing('data', 'an array of rows');
  const rows = Array.isArray(raw) ? raw : [raw];
  if (rows.length === 0) throw missing('data', 'at least one row');
  rows.forEach((r, i) => {
    if (!isPlainObject(r)) throw wrongType(`data[${i}]`, 'an object (one row)', r);
  });
  return rows as Row[];
}

function idsOf(body: WireObject): PrimaryKey[] {
  const raw = body.get('id');
  if (raw === undefined || raw === null) throw missing('id', 'a primary key or an array of them');
  const ids = Array.isArray(raw) ? raw : [raw];
  ids.forEach((id, i) => {
    const okId = typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
    if (!okId) {
      throw new RestError(RestCode.CheckPrimaryKey, `id${Array.isArray(raw) ? `[${i}]` : ''}: a primary key must be an integer or a string, got ${describe(id)}`);
    }
  });
  return ids as PrimaryKey[];
}

/** A search's `ids`: primary keys (integers or strings, int64 beyond 2^53 as bigint or decimal text). */
function searchIdsOf(o: WireObject): PrimaryKey[] {
  return o.arr('ids').map((id, i) => {
    if (typeof id === 'string' || typeof id === 'bigint' || (typeof id === 'number' && Number.isSafeInteger(id))) return id;
    throw new RestError(RestCode.CheckPrimaryKey, `${o.at(`ids[${i}]`)}: a primary key must be an integer or a string, got ${describe(id)}`);
  });
}

function exprParamsOf(o: WireObject): Record<string, JsonValue> | undefined {
  return o.optObj('exprParams')?.value as Record<string, JsonValue> | undefined;
}

/**
 * The parts a search and a hybrid sub-search share. Search-time params live in
 * `searchParams: {metricType, params: {...}}` on a search and in `params` on a sub-search.
 */
/** A request's `partitionNames` (absent or empty: every partition). */
function partitionNamesOf(body: WireObject): string[] | undefined {
  const names = body.optStrArr('partitionNames');
  return names && names.length > 0 ? names : undefined;
}

function subSearchOf(o: WireObject, paramsKey: 'searchParams' | 'params'): SearchRequest {
  // Search by primary keys names rows instead of giving vectors (the engine reads theirs).
  const ids = o.has('ids') ? searchIdsOf(o) : undefined;
  const data = ids && !o.has('data') ? [] : o.arr('data');
  data.forEach((q, i) => {
    const isVector = Array.isArray(q) && q.every((x) => typeof x === 'number');
    const isSparse = q !== null && typeof q === 'object' && !Array.isArray(q);
    if (!isVector && !isSparse && typeof q !== 'string') {
      throw wrongType(o.at(`data[${i}]`), 'a vector (array of numbers), a sparse vector ({index: weight}) or, for a BM25 field, query text', q);
    }
  });
  const req: SearchRequest = { data: data as SearchRequest['data'], limit: o.optInt('limit') ?? DEFAULT_LIMIT };
  if (ids) req.ids = ids;
  const annsField = o.optStr('annsField');
  if (annsField) req.annsField = annsField;
  const offset = o.optInt('offset');
  if (offset) req.offset = offset;
  const filter = o.optStr('filter');
  if (filter) req.filter = filter;
  const exprParams = exprParamsOf(o);
  if (exprParams) req.filterParams = exprParams;

  let metric = o.optStr('metricType');
  let params: WireObject | undefined;
  const outer = o.optObj(paramsKey);
  if (paramsKey === 'searchParams' && outer) {
    metric = outer.optStr('metricType') ?? metric;
    params = outer.optObj('params');
  } else {
    params = outer;
  }
  // Older clients put radius / range_filter in a top-level `params` on search.
  const legacy = paramsKey === 'searchParams' ? o.optObj('params') : undefined;
  if (metric) {
    // BM25 is checked by the engine against the field; pass it through as Milvus does.
    req.metricType = metric.toUpperCase() as MetricType;
  }
  const timeParams = { ...searchTimeParamsOf(legacy), ...searchTimeParamsOf(params) };
  if (Object.keys(timeParams).length) req.params = timeParams;
  return req;
}

function searchTimeParamsOf(p: WireObject | undefined): SearchTimeParams {
  const out: SearchTimeParams = {};
  if (!p) return out;
  const num = (wire: string): number | undefined => (Object.prototype.hasOwnProperty.call(p.value, wire) ? p.optNumeric(wire) : undefined);
  const set = (key: keyof SearchTimeParams, value: number | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('ef', num('ef'));
  set('nprobe', num('nprobe'));
  set('refineK', num('refine_k') ?? num('refineK'));
  set('radius', num('radius'));
  set('rangeFilter', num('range_filter') ?? num('rangeFilter'));
  if (out.rangeFilter !== undefined && out.radius === undefined) {
    throw new RestError(RestCode.IncorrectParameterFormat, `${p.at('range_filter')}: range_filter needs radius`);
  }
  return out;
}

function rankerOf(r: WireObject): Ranker {
  const strategy = r.str('strategy').toLowerCase();
  const params = r.optObj('params');
  if (strategy === 'rrf') {
    const k = params?.optNumeric('k');
    return k === undefined ? { strategy: 'rrf' } : { strategy: 'rrf', params: { k } };
  }
  if (strategy === 'weighted') {
    if (!params) throw missing(r.at('params'), 'an object with weights');
    const weights = params.arr('weights');
    weights.forEach((w, i) => {
      if (typeof w !== 'number') throw wrongType(params.at(`weights[${i}]`), 'a number', w);
    });
    const normScore = params.optBool('norm_score') ?? params.optBool('normScore');
    return { strategy: 'weighted', params: { weights: weights as number[], ...(normScore === undefined ? {} : { normScore }) } };
  }
  throw wrongType(r.at('strategy'), '"rrf" or "weighted"', strategy);
}

function pkName(c: Collection): string {
  return (c.schema.fields.find((f) => f.isPrimary) as { name: string }).name;
}

/** `{...fields, <pk>: id, distance}`: Milvus puts a hit's fields beside its id and score. */
function wireHit(h: SearchHit, pk: string): Record<string, unknown> {
  return { ...h.entity, [pk]: h.id, distance: h.distance };
}
