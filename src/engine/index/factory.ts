// Creates and loads vector indexes from an IndexSpec: defaults and parameter validation live
// here, so a bad spec fails when the index is declared, with a message naming the parameter.

import { EngineError, ErrorCode, invalid } from '../errors';
import { FlatIndex } from './flat';
import { HnswIndex } from './hnsw';
import { IndexFileReader } from './indexFile';
import { IvfFlatIndex } from './ivfFlat';
import { IvfPqIndex } from './ivfPq';
import type { BuildParams, IndexSpec, IndexType, MetricType, VectorIndex } from './types';

export const INDEX_TYPES: readonly IndexType[] = ['FLAT', 'HNSW', 'IVF_FLAT', 'IVF_PQ'];
export const METRIC_TYPES: readonly MetricType[] = ['L2', 'IP', 'COSINE', 'HAMMING', 'JACCARD'];
/** Indexes that rank with the metric's own kernel (hnswlib has L2 and IP spaces only; PQ codes are L2/IP). */
const BINARY_METRIC_INDEXES: readonly IndexType[] = ['FLAT', 'IVF_FLAT', 'HNSW'];

/** Build parameters each index type understands (others are rejected, as Milvus does). */
export const KNOWN: Record<IndexType, Array<keyof BuildParams>> = {
  FLAT: ['seed'],
  HNSW: ['M', 'efConstruction', 'seed'],
  IVF_FLAT: ['nlist', 'seed'],
  IVF_PQ: ['nlist', 'm', 'nbits', 'seed'],
};

function intParam(spec: IndexSpec, name: keyof BuildParams, min: number, max: number): number | undefined {
  const v = spec.params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`${spec.indexType} index: parameter ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks a spec against a dimension and returns it with defaults filled in. */
export function validateSpec(spec: IndexSpec, dim: number): IndexSpec {
  if (!INDEX_TYPES.includes(spec.indexType)) {
    throw invalid(`unknown index type ${JSON.stringify(spec.indexType)}; expected one of ${INDEX_TYPES.join(', ')}`);
  }
  if (!METRIC_TYPES.includes(spec.metricType)) {
    throw invalid(`${spec.indexType} index: unknown metric type ${JSON.stringify(spec.metricType)}; expected one of ${METRIC_TYPES.join(', ')}`);
  }
  if (!Number.isInteger(dim) || dim < 1) throw invalid(`${spec.indexType} index: dim must be a positive integer, got ${dim}`);
  if ((spec.metricType === 'HAMMING' || spec.metricType === 'JACCARD') && !BINARY_METRIC_INDEXES.includes(spec.indexType)) {
    throw invalid(`${spec.indexType} index: metric ${spec.metricType} is not supported (use FLAT or IVF_FLAT)`);
  }
  if (spec.metricType === 'JACCARD' && spec.indexType === 'HNSW') {
    throw invalid('HNSW index: metric JACCARD is not supported (use FLAT or IVF_FLAT)');
  }
  const params = spec.params ?? {};
  for (const key of Object.keys(params)) {
    if (!KNOWN[spec.indexType].includes(key as keyof BuildParams)) {
      throw invalid(`${spec.indexType} index: unknown build parameter "${key}" (accepted: ${KNOWN[spec.indexType].join(', ')})`);
    }
  }
  const s: IndexSpec = { ...spec, params };
  const seed = intParam(s, 'seed', 0, 2 ** 32 - 1);
  switch (spec.indexType) {
    case 'FLAT':
      return { ...s, params: seed === undefined ? {} : { seed } };
    case 'HNSW':
      return {
        ...s,
        params: { M: intParam(s, 'M', 2, 2048) ?? 16, efConstruction: intParam(s, 'efConstruction', 1, 1 << 20) ?? 200, seed },
      };
    case 'IVF_FLAT':
      // nlist left undefined means "about 4·√n", decided when the segment is trained.
      return { ...s, params: { nlist: intParam(s, 'nlist', 1, 65536), seed } };
    case 'IVF_PQ': {
      const nbits = intParam(s, 'nbits', 1, 16) ?? 8;
      const m = intParam(s, 'm', 1, dim) ?? defaultPqM(dim);
      if (dim % m !== 0) throw invalid(`IVF_PQ index: parameter m=${m} must divide the vector dimension ${dim}`);
      return { ...s, params: { nlist: intParam(s, 'nlist', 1, 65536), m, nbits, seed } };
    }
  }
}

/** About 8 dimensions per sub-quantizer (dim/8 when it divides), as Milvus examples use. */
function defaultPqM(dim: number): number {
  for (let m = Math.max(1, Math.floor(dim / 8)); m >= 1; m--) if (dim % m === 0) return m;
  return 1;
}

export function createIndex(spec: IndexSpec, dim: number): VectorIndex {
  const { indexType, metricType, params } = validateSpec(spec, dim);
  switch (indexType) {
    case 'FLAT':
      return new FlatIndex(metricType, dim);
    case 'HNSW':
      return new HnswIndex(metricType, dim, { M: params.M!, efConstruction: params.efConstruction!, seed: params.seed });
    case 'IVF_FLAT':
      return new IvfFlatIndex(metricType, dim, { nlist: params.nlist, seed: params.seed });
    case 'IVF_PQ':
      return new IvfPqIndex(metricType, dim, { nlist: params.nlist, m: params.m!, nbits: params.nbits!, seed: params.seed });
  }
}

/**
 * Loads an index written by `save`. FLAT / IVF files describe themselves; an HNSW file is
 * hnswlib's own format, which does not record the metric, so `spec` is required for it. When
 * `spec` or `dim` is given, the file must match them.
 */
export async function loadIndex(file: string, spec?: IndexSpec, dim?: number): Promise<VectorIndex> {
  const mismatch = (what: string): EngineError =>
    new EngineError(ErrorCode.StorageError, `index file ${file}: ${what}; rebuild the index`);
  let ours: boolean;
  try {
    ours = await IndexFileReader.hasMagic(file);
  } catch (e) {
    throw new EngineError(ErrorCode.StorageError, `index file ${file}: cannot read (${(e as Error).message})`);
  }
  if (!ours) {
    if (spec?.indexType !== 'HNSW') {
      throw mismatch(`not a Loupe index file (bad magic)${spec ? ` but the collection expects ${spec.indexType}` : ''}`);
    }
    return HnswIndex.read(file, spec.metricType, spec.params, dim);
  }
  const r = await IndexFileReader.open(file);
  const h = r.header;
  if (spec && spec.indexType !== h.indexType) throw mismatch(`holds a ${h.indexType} index, expected ${spec.indexType}`);
  if (spec && spec.metricType !== h.metric) throw mismatch(`uses metric ${h.metric}, expected ${spec.metricType}`);
  if (dim !== undefined && dim !== h.dim) throw mismatch(`holds ${h.dim}-dimensional vectors, expected ${dim}`);
  switch (h.indexType) {
    case 'FLAT':
      return FlatIndex.read(r);
    case 'IVF_FLAT':
      return IvfFlatIndex.read(r);
    case 'IVF_PQ':
      return IvfPqIndex.read(r);
    case 'HNSW':
      throw mismatch('an HNSW index cannot be wrapped in a Loupe index file');
  }
}
