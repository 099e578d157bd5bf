// The searches over the chunk collection: hybrid, semantic and text (all three ranked by
// rankChunks.ts), image (CLIP) and "more like this". Each turns a request into VectorStore calls (the
// embedded engine or a Milvus server, alike) and the store's hits into the views the UI shows.

import { compileFilter } from '../../engine/expr';
import type { CollectionSchema, Row } from '../../engine/schema/types';
import type { HitsResult, SearchHitView, SearchImageParams, SearchParams } from '../../protocol/requests';
import { F, type ChunkModels, type VectorModel } from '../indexer/chunkSchema';
import type { IndexModels } from '../indexer/models';
import { storeSchema } from '../store/chunkCollection';
import { StoreError } from '../store/storeErrors';
import type { VectorStore } from '../store/vectorStore';
import { hitView, markMatches } from './hitView';
import { parseQueryShortcuts } from './queryShortcuts';
import { rankChunks } from './rankChunks';

export const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;
/**
 * A query's embedding goes ahead of indexing work and runs while indexing is paused; `signal`
 * (the LSP request's cancellation) drops it if the user has typed on meanwhile.
 */
const query = (signal: AbortSignal | undefined) => ({ urgent: true, ...(signal ? { signal } : {}) });

const OUTPUT = [F.path, F.folder, F.language, F.kind, F.symbol, F.startLine, F.endLine, F.text];

/** What a search needs: the store, the models, and which vector fields match the models. */
export interface SearchContext {
  store: VectorStore;
  /** The stored collection's schema, to check a typed filter before it is sent. */
  schema: CollectionSchema;
  models: IndexModels;
  /** text_vector / image_vector exist and were made by the loaded models. */
  vectors: { text: boolean; image: boolean };
  /** Workspace folder name → absolute path, for result URIs. */
  folderPaths: ReadonlyMap<string, string>;
  /** Why semantic / image search is off, for the error a user sees. */
  textOff?: string;
  imageOff?: string;
}

/** The context for a store: a vector field is searched only if the loaded model made it. */
export function searchContextFor(
  store: VectorStore,
  stored: ChunkModels,
  models: IndexModels,
  folders: ReadonlyArray<{ name: string; absPath: string }>,
): SearchContext {
  const loaded = models.schemaModels;
  const same = (a?: VectorModel, b?: VectorModel) => !!a && !!b && a.modelId === b.modelId && a.dim === b.dim;
  const text = same(stored.text, loaded.text);
  const image = same(stored.image, loaded.image);
  const missing = (role: 'semantic' | 'image') =>
    `${role} search is off: the index was built without the ${role === 'semantic' ? 'text' : 'image'} model loaded now (or with another one)`;
  return {
    store,
    schema: storeSchema(stored),
    models,
    vectors: { text, image },
    folderPaths: new Map(folders.map((f) => [f.name, f.absPath])),
    textOff: models.errors.text ?? (text ? undefined : missing('semantic')),
    imageOff: models.errors.image ?? (image ? undefined : missing('image')),
  };
}

/** A request the user can fix (bad filter, empty query): returned as HitsResult.error. */
export class UserQueryError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'UserQueryError';
  }
}

export async function searchChunks(ctx: SearchContext, params: SearchParams, now: number, signal?: AbortSignal): Promise<SearchHitView[]> {
  const limit = clampLimit(params.limit);
  const rawFilter = params.filter?.trim() || undefined;
  if (rawFilter) checkFilter(ctx, rawFilter);
  let parsed;
  try {
    parsed = parseQueryShortcuts(params.query ?? '', { now, ...(rawFilter ? { filter: rawFilter } : {}) });
  } catch (err) {
    throw new UserQueryError((err as Error).message, (err as { position?: number }).position);
  }
  const { text } = parsed;
  // The user's filter and the shortcuts', made ready once for every store call of this search.
  const filter = parsed.filter ? ctx.store.prepareFilter({ filter: parsed.filter }) : undefined;
  if (text.trim() === '') {
    if (!filter) throw new UserQueryError('type something to search for, or a filter such as lang:ts kind:function');
    // Only filters: list what matches, in index order.
    const rows = await ctx.store.query({ prepared: filter, outputFields: OUTPUT, limit });
    return rows.map((row) => view(ctx, row, 1));
  }
  const mode = params.mode ?? 'hybrid';
  const dense = mode !== 'text' && ctx.vectors.text;
  if (mode === 'semantic' && !dense) throw new UserQueryError(ctx.textOff ?? 'semantic search is off: no text model is loaded');
  let vector: Float32Array | undefined;
  if (dense) {
    [vector] = await ctx.models.embedTexts([text], query(signal));
    signal?.throwIfAborted();
  }
  const hits = await rankChunks(ctx.store, {
    text,
    mode: dense ? mode : 'text',
    limit,
    outputFields: OUTPUT,
    ...(filter ? { filter } : {}),
    ...(vector ? { dense: { vector, annsField: F.textVector } } : {}),
  });
  const terms = mode === 'semantic' ? undefined : text;
  return hits.map((h) => view(ctx, h.row, h.score, terms));
}

export async function searchImages(ctx: SearchContext, params: SearchImageParams, signal?: AbortSignal): Promise<SearchHitView[]> {
  if (!ctx.vectors.image) throw new UserQueryError(ctx.imageOff ?? 'image search is off: no image model is loaded');
  const limit = clampLimit(params.limit);
  let vector: Float32Array;
  if (typeof params.text === 'string') {
    if (params.text.trim() === '') throw new UserQueryError('describe the image to search for');
    [vector] = await ctx.models.embedClipTexts([params.text], query(signal));
  } else if (typeof params.imagePath === 'string') {
    [vector] = await ctx.models.embedImages([{ path: params.imagePath }], query(signal));
  } else if (typeof params.imageBytesBase64 === 'string') {
    [vector] = await ctx.models.embedImages([{ bytes: Buffer.from(params.imageBytesBase64, 'base64') }], query(signal));
  } else {
    throw new UserQueryError('image search needs one of text, imagePath or imageBytesBase64');
  }
  signal?.throwIfAborted();
  const hits = await ctx.store.search({ vector, annsField: F.imageVector, limit, filter: `${F.kind} == "image"`, outputFields: OUTPUT });
  return hits.map((h) => view(ctx, h.row, h.score));
}

/**
 * Chunks like the one covering lines [startLine, endLine] (1-based) of a file: its own stored
 * vector as the query (no re-embedding), itself left out. Without vectors, its text via BM25.
 */
export async function similarChunks(
  ctx: SearchContext,
  file: { folder: string; path: string },
  startLine: number,
  endLine: number,
  limitIn: number | undefined,
): Promise<SearchHitView[]> {
  const limit = clampLimit(limitIn);
  const where = { filter: `${F.path} == {path} and ${F.folder} == {folder}`, filterParams: { path: file.path, folder: file.folder } };
  const outputs = [F.startLine, F.endLine, F.text, ...(ctx.vectors.text ? [F.textVector] : [])];
  const rows = await ctx.store.query({ ...where, outputFields: outputs, limit: 16_384 });
  if (rows.length === 0) throw new UserQueryError(`${file.path} is not in the index (not indexed yet, excluded, or not a workspace file)`);
  const own = bestCovering(rows, startLine, endLine);
  // One extra hit, then the chunk itself is dropped (stored keys are workspace-scoped, so a
  // filter on the chunk id cannot name it).
  const hits = ctx.vectors.text
    ? await ctx.store.search({ vector: own[F.textVector] as Float32Array | number[], annsField: F.textVector, limit: limit + 1, outputFields: OUTPUT })
    : await ctx.store.textSearch({ text: own[F.text] as string, limit: limit + 1, outputFields: OUTPUT });
  return hits
    .filter((h) => h.id !== own[F.id])
    .slice(0, limit)
    .map((h) => view(ctx, h.row, h.score));
}

/** The row overlapping the range most; with no overlap, the nearest one. */
function bestCovering(rows: Row[], start: number, end: number): Row {
  let best = rows[0];
  let bestScore = -Infinity;
  for (const row of rows) {
    const s = row[F.startLine] as number;
    const e = row[F.endLine] as number;
    const overlap = Math.min(e, end) - Math.max(s, start);
    // Negative overlap is the gap; a tighter chunk wins a tie.
    const score = overlap * 1e6 - (e - s);
    if (score > bestScore) {
      best = row;
      bestScore = score;
    }
  }
  return best;
}

function view(ctx: SearchContext, row: Row, score: number, query?: string): SearchHitView {
  const v = hitView(row, score, ctx.folderPaths);
  if (query) markMatches(v, query, String(row[F.text] ?? ''));
  return v;
}

/** A filter the user typed, checked alone so error positions point into what they typed. */
function checkFilter(ctx: SearchContext, filter: string): void {
  try {
    compileFilter(filter, ctx.schema);
  } catch (err) {
    throw new UserQueryError((err as Error).message, (err as { position?: number }).position);
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new UserQueryError(`limit must be a positive whole number, got ${limit}`);
  return Math.min(limit, MAX_LIMIT);
}

/**
 * For callers that must answer a protocol request: errors the user can fix become `error`, and
 * so does a store that is down or refuses us (the searcher sees why instead of a failed request).
 */
export async function asHitsResult(run: () => Promise<SearchHitView[]>): Promise<HitsResult> {
  const started = performance.now();
  try {
    const hits = await run();
    return { hits, tookMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    if (!(err instanceof UserQueryError) && !(err instanceof StoreError)) throw err;
    const position = err instanceof UserQueryError ? err.position : undefined;
    return {
      hits: [],
      tookMs: Math.round((performance.now() - started) * 10) / 10,
      error: { message: err.message, ...(position !== undefined ? { position } : {}) },
    };
  }
}
