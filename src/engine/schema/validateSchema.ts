// Checks a collection schema once, at create time, so every later row check can trust it.

import { invalid } from '../errors';
import { checkValue } from './checkRows';
import { checkScalarIndexes } from './scalarIndex';
import { type CollectionSchema, type FieldSchema, DYNAMIC_FIELD, isVectorType } from './types';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const ELEMENT_TYPES = new Set(['Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double', 'VarChar']);
const MAX_DIM = 32768;
const MAX_VARCHAR = 65535;
const MAX_CAPACITY = 4096;
/** Milvus's default num_partitions for a partition-key collection. */
const DEFAULT_KEY_PARTITIONS = 16;

export function validateCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid(
      `collection name ${JSON.stringify(name)} is invalid: use letters, digits and underscores, starting with a letter or underscore (at most 255)`,
    );
  }
  return name;
}

/** Returns a copy of the schema with defaults filled in; throws naming the offending field. */
export function validateSchema(schema: CollectionSchema): CollectionSchema {
  if (!schema || !Array.isArray(schema.fields) || schema.fields.length === 0) {
    throw invalid('schema must have at least one field');
  }
  const seen = new Set<string>();
  const fields: FieldSchema[] = schema.fields.map((f, i) => {
    const where = `field ${i} (${JSON.stringify(f?.name)})`;
    if (!f || typeof f.name !== 'string' || !NAME.test(f.name) || f.name === DYNAMIC_FIELD) {
      throw invalid(`${where}: invalid field name`);
    }
    if (seen.has(f.name)) throw invalid(`${where}: duplicate field name`);
    seen.add(f.name);
    return validateField(f, where);
  });

  const pks = fields.filter((f) => f.isPrimary);
  if (pks.length !== 1) throw invalid(`schema must have exactly one primary key field, found ${pks.length}`);
  const pk = pks[0];
  if (pk.dataType !== 'Int64' && pk.dataType !== 'VarChar') {
    throw invalid(`primary key field "${pk.name}" must be Int64 or VarChar, not ${pk.dataType}`);
  }
  if (pk.autoId && pk.dataType !== 'Int64') throw invalid(`autoId needs an Int64 primary key ("${pk.name}" is ${pk.dataType})`);
  if (pk.nullable) throw invalid(`primary key field "${pk.name}" cannot be nullable`);
  if (!fields.some((f) => isVectorType(f.dataType))) throw invalid('schema must have at least one vector field');
  const keys = fields.filter((f) => f.isPartitionKey);
  if (keys.length > 1) throw invalid(`only one field can be the partition key, found ${keys.map((f) => f.name).join(', ')}`);
  for (const k of keys) {
    if (k.isPrimary) throw invalid(`field "${k.name}": the primary key cannot be the partition key`);
    if (k.dataType !== 'Int64' && k.dataType !== 'VarChar') throw invalid(`field "${k.name}": the partition key must be Int64 or VarChar, not ${k.dataType}`);
    if (k.nullable) throw invalid(`field "${k.name}": the partition key cannot be nullable`);
  }
  const numPartitions = schema.numPartitions ?? (keys.length ? DEFAULT_KEY_PARTITIONS : undefined);
  if (numPartitions !== undefined && (!keys.length || !Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 1024)) {
    throw invalid(keys.length ? 'num_partitions must be an integer from 1 to 1024' : 'num_partitions needs a partition key field');
  }
  if (keys.length && (schema.partitions ?? []).length > 0) throw invalid('a collection with a partition key cannot have partitions created by hand');

  const functions = (schema.functions ?? []).map((fn, i) => {
    const where = `function ${i} (${JSON.stringify(fn?.name)})`;
    if (fn.type !== 'BM25') throw invalid(`${where}: only BM25 functions are supported`);
    if (fn.inputFieldNames?.length !== 1 || fn.outputFieldNames?.length !== 1) {
      throw invalid(`${where}: BM25 takes exactly one input and one output field`);
    }
    const input = fields.find((f) => f.name === fn.inputFieldNames[0]);
    const output = fields.find((f) => f.name === fn.outputFieldNames[0]);
    if (!input || input.dataType !== 'VarChar') throw invalid(`${where}: input must be a VarChar field`);
    if (!input.enableAnalyzer) throw invalid(`${where}: input field "${input.name}" needs enableAnalyzer`);
    if (!output || output.dataType !== 'SparseFloatVector') throw invalid(`${where}: output must be a SparseFloatVector field`);
    output.isFunctionOutput = true;
    return { ...fn };
  });
  const checked: CollectionSchema = { ...schema, fields, functions, enableDynamicField: !!schema.enableDynamicField };
  if (numPartitions !== undefined) checked.numPartitions = numPartitions;
  checkScalarIndexes(checked);
  return checked;
}

function validateField(input: FieldSchema, where: string): FieldSchema {
  const f: FieldSchema = { ...input };
  switch (f.dataType) {
    case 'FloatVector':
    case 'Float16Vector':
    case 'BFloat16Vector':
    case 'Int8Vector':
    case 'BinaryVector': {
      const max = f.dataType === 'BinaryVector' ? MAX_DIM * 8 : MAX_DIM;
      if (!Number.isInteger(f.dim) || (f.dim as number) < 1 || (f.dim as number) > max) {
        throw invalid(`${where}: ${f.dataType} needs an integer dim between 1 and ${max}`);
      }
      if (f.dataType === 'BinaryVector' && (f.dim as number) % 8 !== 0) {
        throw invalid(`${where}: BinaryVector dim must be a multiple of 8 (it counts bits), got ${f.dim}`);
      }
      if (f.nullable) throw invalid(`${where}: vector fields cannot be nullable`);
      break;
    }
    case 'SparseFloatVector':
      break;
    case 'VarChar':
      f.maxLength ??= MAX_VARCHAR;
      if (!Number.isInteger(f.maxLength) || f.maxLength < 1 || f.maxLength > MAX_VARCHAR) {
        throw invalid(`${where}: max_length must be an integer between 1 and ${MAX_VARCHAR}`);
      }
      break;
    case 'Array':
      if (!f.elementType || !ELEMENT_TYPES.has(f.elementType)) {
        throw invalid(`${where}: Array needs an element_type of ${[...ELEMENT_TYPES].join(', ')}`);
      }
      if (!Number.isInteger(f.maxCapacity) || (f.maxCapacity as number) < 1 || (f.maxCapacity as number) > MAX_CAPACITY) {
        throw invalid(`${where}: Array needs an integer max_capacity between 1 and ${MAX_CAPACITY}`);
      }
      if (f.elementType === 'VarChar') f.maxLength ??= MAX_VARCHAR;
      break;
    case 'Bool':
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'Int64':
    case 'Float':
    case 'Double':
    case 'JSON':
    case 'Timestamptz':
    case 'Geometry':
      break;
    default:
      throw invalid(`${where}: unknown data type ${JSON.stringify((f as { dataType: unknown }).dataType)}`);
  }
  if (f.isPrimary && f.defaultValue !== undefined) throw invalid(`${where}: a primary key cannot have a default value`);
  // A default is stored in rows as given, so it must be a value of the field (and in normal form).
  if (f.defaultValue !== undefined && f.defaultValue !== null) {
    if (isVectorType(f.dataType)) throw invalid(`${where}: vector fields cannot have a default value`);
    f.defaultValue = checkValue(f, f.defaultValue, `${where}, default value`) as FieldSchema['defaultValue'];
  }
  return f;
}
