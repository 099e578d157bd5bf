// Translates a Milvus REST v2 `collections/create` body into an engine schema and index list.
// Two shapes, as Milvus accepts them:
//   quick setup — `dimension` (+ metricType, idType, autoId, primaryFieldName, vectorFieldName,
//                 params.max_length / params.enableDynamicField): an id, a vector, AUTOINDEX;
//   full schema — `schema.fields[]` ({fieldName, dataType, isPrimary, elementDataType,
//                 elementTypeParams {dim, max_length, max_capacity, enable_analyzer,
//                 analyzer_params}, nullable, defaultValue}), `schema.functions[]` (BM25),
//                 and `indexParams[]`.

import type { BuildParams, IndexSpec, IndexType, MetricType } from '../index/types';
import type {
  ArrayElementType,
  CollectionSchema,
  DataType,
  FieldSchema,
  FunctionSchema,
  JsonValue,
} from '../schema/types';
import { isVectorType } from '../schema/types';
import { KNOWN } from '../index/factory';
import type { ScalarIndexSchema } from '../schema/scalarIndex';
import { RestCode, RestError, WireObject, missing, wrongType } from './wire';

export type IndexRequest = { fieldName: string; indexName?: string } & IndexSpec;

export interface CreateCollectionPlan {
  schema: CollectionSchema;
  indexes: IndexRequest[];
}

const DATA_TYPES: readonly DataType[] = [
  'Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double', 'VarChar', 'JSON', 'Array', 'Timestamptz', 'Geometry',
  'FloatVector', 'BinaryVector', 'Float16Vector', 'BFloat16Vector', 'Int8Vector', 'SparseFloatVector',
];
/** Milvus types we know but do not store; named in the error so the user knows it is deliberate. */
const UNSUPPORTED_TYPES = ['String', 'Text', 'ArrayOfVector', 'ArrayOfStruct', 'Struct', 'Mol', 'Date', 'Time', 'Decimal'];
const METRICS: readonly MetricType[] = ['L2', 'IP', 'COSINE', 'HAMMING', 'JACCARD'];
const INDEX_TYPES: readonly IndexType[] = ['FLAT', 'HNSW', 'IVF_FLAT', 'IVF_PQ'];
/**
 * Milvus index types Loupe builds as its nearest structure (as Milvus Lite builds FLAT for every
 * type asked): binary FLAT / IVF over the unpacked bits; IVF variants with coarser codes as
 * IVF_FLAT (exact distances within the probed lists, so recall is at least theirs); DISKANN, a
 * graph on disk, as the in-memory graph HNSW. Describe reports the structure built.
 */
const INDEX_ALIASES: Record<string, IndexType> = {
  BIN_FLAT: 'FLAT', BIN_IVF_FLAT: 'IVF_FLAT', IVF_SQ8: 'IVF_FLAT', IVF_SQ4: 'IVF_FLAT', IVF_RABITQ: 'IVF_FLAT', SCANN: 'IVF_FLAT', DISKANN: 'HNSW',
};
const SPARSE_INDEX_TYPES = ['SPARSE_INVERTED_INDEX', 'SPARSE_WAND', 'AUTOINDEX'];
/** Milvus's VarChar ceiling, used when a quick-setup VarChar id gives no max_length. */
const MAX_VARCHAR_LENGTH = 65535;

export function createCollectionPlan(body: WireObject): CreateCollectionPlan {
  const schemaObj = body.optObj('schema');
  const fields = schemaObj?.objects('fields', false) ?? [];
  return fields.length === 0 ? quickSetup(body) : fullSchema(body, schemaObj as WireObject, fields);
}

function quickSetup(body: WireObject): CreateCollectionPlan {
  const dim = body.optInt('dimension');
  if (dim === undefined) throw missing('dimension', 'an integer; or give schema.fields');
  const params = body.optObj('params');
  const idTypeRaw = body.optStr('idType') ?? 'Int64';
  const idType = dataTypeOf(idTypeRaw, 'idType');
  if (idType !== 'Int64' && idType !== 'VarChar') throw wrongType('idType', '"Int64" or "VarChar"', idTypeRaw);
  const pkName = body.optStr('primaryFieldName') || 'id';
  const vectorName = body.optStr('vectorFieldName') || 'vector';
  const pk: FieldSchema = { name: pkName, dataType: idType, isPrimary: true, autoId: body.optBool('autoId') ?? false };
  if (idType === 'VarChar') pk.maxLength = params?.optNumeric('max_length') ?? MAX_VARCHAR_LENGTH;
  const schema: CollectionSchema = {
    fields: [pk, { name: vectorName, dataType: 'FloatVector', dim }],
    enableDynamicField: params?.optBoolish('enableDynamicField') ?? true,
  };
  const description = body.optStr('description');
  if (description) schema.description = description;
  const metricType = metricOf(body.optStr('metricType') ?? 'COSINE', 'metricType');
  return { schema, indexes: [{ fieldName: vectorName, indexName: vectorName, ...autoIndex(metricType) }] };
}

function fullSchema(body: WireObject, schemaObj: WireObject, fieldObjs: WireObject[]): CreateCollectionPlan {
  const functions = schemaObj.objects('functions', false).map(functionOf);
  const outputs = new Set(functions.flatMap((f) => f.outputFieldNames));
  const autoId = schemaObj.optBool('autoId');
  const fields = fieldObjs.map((f) => fieldOf(f, outputs, autoId));
  const schema: CollectionSchema = {
    fields,
    // The SDK's type spells it `enabledDynamicField`; Milvus reads `enableDynamicField`.
    enableDynamicField: schemaObj.optBool('enableDynamicField') ?? schemaObj.optBool('enabledDynamicField') ?? false,
  };
  const numPartitions = body.optObj('params')?.optNumeric('partitionsNum') ?? body.optInt('numPartitions');
  if (numPartitions !== undefined) schema.numPartitions = numPartitions;
  if (functions.length) schema.functions = functions;
  const description = body.optStr('description');
  if (description) schema.description = description;
  const indexes: IndexRequest[] = [];
  for (const p of body.objects('indexParams', false)) {
    const ix = indexRequestOf(p, schema);
    if (ix && isScalarIndex(ix)) schema.scalarIndexes = [...(schema.scalarIndexes ?? []), ix];
    else if (ix) indexes.push(ix);
  }
  return { schema, indexes };
}

export function fieldOf(f: WireObject, functionOutputs: Set<string>, schemaAutoId: boolean | undefined): FieldSchema {
  const name = f.str('fieldName');
  const dataType = dataTypeOf(f.str('dataType'), f.at('dataType'));
  const field: FieldSchema = { name, dataType };
  const description = f.optStr('description');
  if (description) field.description = description;
  if (f.optBool('isPrimary')) {
    field.isPrimary = true;
    const autoId = f.optBool('autoId') ?? schemaAutoId;
    if (autoId !== undefined) field.autoId = autoId;
  }
  const nullable = f.optBool('nullable');
  if (nullable !== undefined) field.nullable = nullable;
  if (f.optBool('isPartitionKey')) field.isPartitionKey = true;
  const defaultValue = f.get('defaultValue');
  if (defaultValue !== undefined && defaultValue !== null) field.defaultValue = defaultValue as JsonValue;
  const params = f.optObj('elementTypeParams');
  if (params) {
    const dim = params.optNumeric('dim');
    if (dim !== undefined) field.dim = dim;
    const maxLength = params.optNumeric('max_length');
    if (maxLength !== undefined) field.maxLength = maxLength;
    const maxCapacity = params.optNumeric('max_capacity');
    if (maxCapacity !== undefined) field.maxCapacity = maxCapacity;
    const enableAnalyzer = params.optBoolish('enable_analyzer');
    if (enableAnalyzer !== undefined) field.enableAnalyzer = enableAnalyzer;
    const analyzer = analyzerParamsOf(params);
    if (analyzer) field.analyzerParams = analyzer;
  }
  if (dataType === 'Array') {
    const element = dataTypeOf(f.str('elementDataType'), f.at('elementDataType'));
    if (element === 'JSON' || element === 'Array' || element === 'Timestamptz' || element === 'Geometry' || isVectorType(element)) {
      throw new RestError(RestCode.IncorrectParameterFormat, `${f.at('elementDataType')}: an Array cannot hold ${element}`);
    }
    field.elementType = element as ArrayElementType;
  }
  if (functionOutputs.has(name)) field.isFunctionOutput = true;
  return field;
}

/** `analyzer_params` may arrive as an object or, from some clients, as a JSON string. */
function analyzerParamsOf(params: WireObject): Record<string, JsonValue> | undefined {
  const raw = params.get('analyzer_params');
  if (raw === undefined || raw === null) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw wrongType(params.at('analyzer_params'), 'an object (or its JSON text)', raw);
    }
  }
  return WireObject.of(value, params.at('analyzer_params')).value as Record<string, JsonValue>;
}

function functionOf(f: WireObject): FunctionSchema {
  const type = f.str('type');
  if (type.toUpperCase() !== 'BM25') {
    throw new RestError(RestCode.IncorrectParameterFormat, `${f.at('type')}: only BM25 functions are supported, got "${type}"`);
  }
  const inputFieldNames = f.optStrArr('inputFieldNames');
  const outputFieldNames = f.optStrArr('outputFieldNames');
  if (!inputFieldNames?.length) throw missing(f.at('inputFieldNames'), 'an array of field names');
  if (!outputFieldNames?.length) throw missing(f.at('outputFieldNames'), 'an array of field names');
  const fn: FunctionSchema = { name: f.str('name'), type: 'BM25', inputFieldNames, outputFieldNames };
  const params = f.optObj('params');
  if (params) fn.params = params.value as Record<string, JsonValue>;
  return fn;
}

export function isScalarIndex(r: IndexRequest | ScalarIndexSchema): r is ScalarIndexSchema {
  return !('metricType' in r);
}

/**
 * One `indexParams` entry → an engine index request (a scalar index declaration for a scalar
 * field); null for a BM25 field, whose inverted index the engine always keeps (Milvus requires
 * the request, so we accept and check it).
 */
export function indexRequestOf(p: WireObject, schema: CollectionSchema): IndexRequest | ScalarIndexSchema | null {
  const fieldName = p.str('fieldName');
  const field = schema.fields.find((f) => f.name === fieldName);
  if (!field) {
    throw new RestError(RestCode.MissingRequiredParameters, `${p.at('fieldName')}: field "${fieldName}" is not defined in the schema`);
  }
  const params = p.optObj('params');
  const indexTypeRaw = (p.optStr('indexType') || params?.optStr('index_type') || 'AUTOINDEX').toUpperCase();
  const metricRaw = p.optStr('metricType') || params?.optStr('metric_type');
  if (!isVectorType(field.dataType)) {
    const { index_type: _t, metric_type: _m, ...rest } = (params?.value ?? {}) as Record<string, JsonValue>;
    return { fieldName, indexName: p.optStr('indexName') || fieldName, indexType: indexTypeRaw, params: rest };
  }
  if (field.dataType === 'SparseFloatVector') {
    // BM25 outputs always carry their inverted index; user sparse vectors are scanned exactly (IP).
    const kind = field.isFunctionOutput ? 'BM25' : 'IP';
    if (!SPARSE_INDEX_TYPES.includes(indexTypeRaw)) {
      throw wrongType(p.at('indexType'), `one of ${SPARSE_INDEX_TYPES.join(', ')} for sparse field "${fieldName}"`, indexTypeRaw);
    }
    if (metricRaw && metricRaw.toUpperCase() !== kind) throw wrongType(p.at('metricType'), `"${kind}" for field "${fieldName}"`, metricRaw);
    return null;
  }
  const metricType = metricOf(metricRaw ?? (field.dataType === 'BinaryVector' ? 'HAMMING' : 'COSINE'), p.at('metricType'));
  const req: IndexRequest =
    indexTypeRaw === 'AUTOINDEX'
      ? { fieldName, ...autoIndex(metricType) }
      : { fieldName, indexType: indexTypeOf(indexTypeRaw, p.at('indexType')), metricType, params: {} };
  const indexName = p.optStr('indexName');
  if (indexName) req.indexName = indexName;
  // Milvus ignores build parameters an index type does not use (nlist given to FLAT); so do we.
  if (params) for (const [k, v] of Object.entries(buildParamsOf(params))) if (KNOWN[req.indexType].includes(k as keyof BuildParams)) req.params[k as keyof BuildParams] = v;
  return req;
}

/** AUTOINDEX in Milvus (standalone) is HNSW for float vectors; so it is here (FLAT for JACCARD, which HNSW cannot rank). */
function autoIndex(metricType: MetricType): IndexSpec {
  return { indexType: metricType === 'JACCARD' ? 'FLAT' : 'HNSW', metricType, params: {} };
}

function buildParamsOf(params: WireObject): BuildParams {
  const out: BuildParams = {};
  const keys: Array<[keyof BuildParams, string[]]> = [
    ['M', ['M']],
    ['efConstruction', ['efConstruction', 'ef_construction']],
    ['nlist', ['nlist']],
    ['m', ['m']],
    ['nbits', ['nbits']],
    ['seed', ['seed']],
  ];
  for (const [name, wireNames] of keys) {
    for (const w of wireNames) {
      // `M` (HNSW) and `m` (PQ) differ only in case; match them exactly, not Go-style.
      if (!Object.prototype.hasOwnProperty.call(params.value, w)) continue;
      const v = params.optNumeric(w);
      if (v !== undefined) out[name] = v;
    }
  }
  return out;
}

function dataTypeOf(raw: string, path: string): DataType {
  const hit = DATA_TYPES.find((t) => t.toLowerCase() === raw.toLowerCase());
  if (hit) return hit;
  if (UNSUPPORTED_TYPES.some((t) => t.toLowerCase() === raw.toLowerCase())) {
    throw new RestError(RestCode.IncorrectParameterFormat, `${path}: data type ${raw} is not supported by Loupe (supported: ${DATA_TYPES.join(', ')})`);
  }
  throw wrongType(path, `one of ${DATA_TYPES.join(', ')}`, raw);
}

export function metricOf(raw: string, path: string): MetricType {
  const hit = METRICS.find((m) => m === raw.toUpperCase());
  if (!hit) throw wrongType(path, `one of ${METRICS.join(', ')}`, raw);
  return hit;
}

function indexTypeOf(raw: string, path: string): IndexType {
  const hit = INDEX_TYPES.find((t) => t === raw) ?? INDEX_ALIASES[raw];
  if (!hit) throw wrongType(path, `one of AUTOINDEX, ${[...INDEX_TYPES, ...Object.keys(INDEX_ALIASES)].join(', ')}`, raw);
  return hit;
}
