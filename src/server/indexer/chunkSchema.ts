// The one definition of Loupe's chunk collection: what a stored chunk looks like, how its id is
// made, and which indexes it gets. The embedded engine and a remote Milvus read the same schema.
//
// Vector fields exist only for models that loaded: each present vector field is filled with a
// real embedding in every row (never a placeholder). The model id is kept in the field's
// description, so an index built with another model is recognised (store/schemaCheck.ts) and rebuilt.

import { createHash } from 'node:crypto';
import type { CollectionSchema, FieldSchema } from '../../engine/schema/types';

export const CHUNK_COLLECTION = 'loupe_chunks';

/** Field names, one place; filters and shortcuts use them too. */
export const F = {
  id: 'id',
  path: 'path',
  folder: 'folder',
  language: 'language',
  kind: 'kind',
  symbol: 'symbol',
  signature: 'signature',
  startLine: 'start_line',
  endLine: 'end_line',
  mtime: 'mtime',
  size: 'size',
  contentHash: 'content_hash',
  fileHash: 'file_hash',
  text: 'text',
  sparse: 'sparse',
  textVector: 'text_vector',
  imageVector: 'image_vector',
} as const;

/** A loaded model as the schema sees it. */
export interface VectorModel {
  modelId: string;
  dim: number;
}

export interface ChunkModels {
  /** The sentence model behind `text_vector`; absent when it could not load. */
  text?: VectorModel;
  /** The CLIP model behind `image_vector`; absent when it could not load. */
  image?: VectorModel;
}

/** A stored chunk, as inserted (vectors present exactly when the schema has the field). */
export interface ChunkRow {
  id: string;
  path: string;
  folder: string;
  language: string;
  kind: string;
  symbol: string;
  signature: string;
  start_line: number;
  end_line: number;
  mtime: number;
  size: number;
  content_hash: string;
  file_hash: string;
  text: string;
  text_vector?: Float32Array | number[];
  image_vector?: Float32Array | number[];
}

// VarChar limits are UTF-8 bytes (as in Milvus); chunk text is capped at ~1,500 characters by
// the chunkers, so 65,535 (Milvus's maximum) leaves room for any script.
const PATH_BYTES = 4096;
const TEXT_BYTES = 65_535;

const SCHEMA_DESCRIPTION = 'Loupe workspace chunks (schema 1)';

export function chunkSchema(models: ChunkModels): CollectionSchema {
  const fields: FieldSchema[] = [
    { name: F.id, dataType: 'VarChar', isPrimary: true, maxLength: 64, description: 'hash of folder, path, start line, content hash' },
    { name: F.path, dataType: 'VarChar', maxLength: PATH_BYTES, description: 'path relative to its workspace folder, / separated' },
    { name: F.folder, dataType: 'VarChar', maxLength: 1024, description: 'workspace folder name' },
    { name: F.language, dataType: 'VarChar', maxLength: 128, description: 'VS Code language id' },
    { name: F.kind, dataType: 'VarChar', maxLength: 32, description: 'function, method, class, section, text or image' },
    { name: F.symbol, dataType: 'VarChar', maxLength: 2048 },
    { name: F.signature, dataType: 'VarChar', maxLength: 4096 },
    { name: F.startLine, dataType: 'Int64', description: '1-based, inclusive' },
    { name: F.endLine, dataType: 'Int64', description: '1-based, inclusive' },
    { name: F.mtime, dataType: 'Int64', description: 'file modification time, ms since the epoch' },
    { name: F.size, dataType: 'Int64', description: 'file size in bytes' },
    { name: F.contentHash, dataType: 'VarChar', maxLength: 64 },
    { name: F.fileHash, dataType: 'VarChar', maxLength: 64 },
    { name: F.text, dataType: 'VarChar', maxLength: TEXT_BYTES, enableAnalyzer: true, analyzerParams: { type: 'code' } },
    { name: F.sparse, dataType: 'SparseFloatVector', isFunctionOutput: true, description: 'BM25 of text' },
  ];
  if (models.text) {
    fields.push({ name: F.textVector, dataType: 'FloatVector', dim: models.text.dim, description: modelDescription('text', models.text) });
  }
  if (models.image) {
    fields.push({ name: F.imageVector, dataType: 'FloatVector', dim: models.image.dim, description: modelDescription('image', models.image) });
  }
  return {
    description: SCHEMA_DESCRIPTION,
    fields,
    functions: [{ name: 'text_bm25', type: 'BM25', inputFieldNames: [F.text], outputFieldNames: [F.sparse] }],
  };
}

/** Which models a stored schema was built with (for a search-only open). */
export function modelsOfSchema(stored: { fields: ReadonlyArray<{ name: string; dim?: number; description?: string }> }): ChunkModels {
  const read = (name: string): VectorModel | undefined => {
    const f = stored.fields.find((x) => x.name === name);
    const id = f?.description?.replace(/^(text|image) model /, '');
    return f && f.dim && id ? { modelId: id, dim: f.dim } : undefined;
  };
  const out: ChunkModels = {};
  const text = read(F.textVector);
  const image = read(F.imageVector);
  if (text) out.text = text;
  if (image) out.image = image;
  return out;
}

function modelDescription(role: 'text' | 'image', model: VectorModel): string {
  return `${role} model ${model.modelId}`;
}

/**
 * A stable id: the same chunk of the same file keeps its id across runs, so re-indexing an
 * unchanged file is a no-op. `occurrence` separates identical pieces cut from one long line.
 */
export function chunkId(folder: string, path: string, startLine: number, contentHash: string, occurrence = 0): string {
  return createHash('sha256').update(`${folder}\0${path}\0${startLine}\0${contentHash}\0${occurrence}`).digest('hex').slice(0, 32);
}

/** sha256 of a file's bytes, first 16 hex characters (as the chunkers hash chunk text). */
export function fileHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}
