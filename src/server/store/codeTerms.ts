// Code-aware words for a Milvus server's BM25. Milvus's analyzers keep `triangleArea` as one
// word, so "area of a triangle" would miss it. The embedded engine splits identifiers itself
// (the `code` analyzer); for a Milvus server Loupe runs the same analyzer here and stores its
// tokens, space-separated, in a field of their own that Milvus's BM25 function reads, and sends
// query text through it too. Both backends then score the same tokens.

import type { CollectionSchema } from '../../engine/schema/types';
import { createAnalyzer } from '../../engine/text/analyzer';
import { type ChunkModels, F } from '../indexer/chunkSchema';
import { storeSchema } from './chunkCollection';

export const TERMS_FIELD = 'text_terms';
/** Milvus's VarChar limit: tokens (whole identifiers and their parts) can outgrow the text. */
const TERMS_BYTES = 65_535;

const analyzer = createAnalyzer({ type: 'code' });

/** The chunk schema as a Milvus server holds it: BM25 over TERMS_FIELD instead of the raw text. */
export function milvusChunkSchema(models: ChunkModels): CollectionSchema {
  const base = storeSchema(models);
  const fields = base.fields.map((f) => {
    if (f.name !== F.text) return f;
    const { analyzerParams: _unused, ...plain } = f;
    return { ...plain, enableAnalyzer: false };
  });
  const at = fields.findIndex((f) => f.name === F.sparse);
  fields.splice(at, 0, {
    name: TERMS_FIELD,
    dataType: 'VarChar',
    maxLength: TERMS_BYTES,
    enableAnalyzer: true,
    description: "the text split by Loupe's code analyzer, for BM25",
  });
  return {
    ...base,
    fields,
    functions: [{ name: 'text_bm25', type: 'BM25', inputFieldNames: [TERMS_FIELD], outputFieldNames: [F.sparse] }],
  };
}

/** The code analyzer's tokens, space-separated, cut at a token boundary to fit the field. */
export function codeTerms(text: string): string {
  let out = '';
  let bytes = 0;
  for (const token of analyzer.analyze(text)) {
    const n = Buffer.byteLength(token) + (out ? 1 : 0);
    if (bytes + n > TERMS_BYTES) break;
    out += out ? ` ${token}` : token;
    bytes += n;
  }
  return out;
}
