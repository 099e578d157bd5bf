// The chunk collection as a store creates it: Loupe's chunk schema with the workspace field, and
// the dense indexes the user chose (HNSW or IVF_FLAT, COSINE). The BM25 sparse field needs no
// choice: the embedded engine always keeps its inverted index, Milvus gets SPARSE_INVERTED_INDEX.

import type { BuildParams } from '../../engine/index/types';
import type { CollectionSchema } from '../../engine/schema/types';
import { type ChunkModels, F, chunkSchema } from '../indexer/chunkSchema';
import type { DenseIndex } from './vectorStore';
import { scopedSchema } from './workspaceScope';

export interface DenseIndexSpec {
  fieldName: string;
  indexName: string;
  indexType: 'HNSW' | 'IVF_FLAT';
  metricType: 'COSINE';
  params: BuildParams;
}

const DEFAULT_DENSE: DenseIndex = { indexType: 'HNSW', M: 16, efConstruction: 200 };

export function storeSchema(models: ChunkModels): CollectionSchema {
  return scopedSchema(chunkSchema(models));
}

export function denseIndexes(models: ChunkModels, choice: DenseIndex = DEFAULT_DENSE): DenseIndexSpec[] {
  const params: BuildParams =
    choice.indexType === 'HNSW'
      ? { M: choice.M ?? 16, efConstruction: choice.efConstruction ?? 200 }
      : { nlist: choice.nlist ?? 128 };
  const suffix = choice.indexType.toLowerCase();
  const out: DenseIndexSpec[] = [];
  for (const field of [models.text ? F.textVector : undefined, models.image ? F.imageVector : undefined]) {
    if (field) out.push({ fieldName: field, indexName: `${field}_${suffix}`, indexType: choice.indexType, metricType: 'COSINE', params: { ...params } });
  }
  return out;
}

/** The output fields a caller asked for, or every scalar chunk field when none were named. */
export function defaultOutputFields(outputFields?: string[]): string[] {
  if (outputFields?.length) return outputFields;
  return [F.path, F.folder, F.language, F.kind, F.symbol, F.signature, F.startLine, F.endLine, F.text];
}
