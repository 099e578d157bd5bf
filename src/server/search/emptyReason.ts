// Why a valid query found nothing. Asked only after a search came back empty (never when there
// are hits), so its extra store calls cost nothing on the common path. The answer is one of a few
// causes, most general first: nothing indexed, the filter excludes everything, the query has no
// term the text index can look up, or its terms occur nowhere.

import { createAnalyzer } from '../../engine/text/analyzer';
import type { EmptyReason, SearchParams } from '../../protocol/requests';
import { F } from '../indexer/chunkSchema';
import type { SearchContext } from './chunkSearch';
import { parseQueryShortcuts } from './queryShortcuts';

/** For an empty chunk search (hybrid, semantic or text). */
export async function explainEmptySearch(ctx: SearchContext, params: SearchParams, now: number): Promise<EmptyReason | undefined> {
  if ((await ctx.store.count()) === 0) return indexEmpty();
  const rawFilter = params.filter?.trim() || undefined;
  const { text, filter } = parseQueryShortcuts(params.query ?? '', { now, ...(rawFilter ? { filter: rawFilter } : {}) });
  if (filter && (await ctx.store.count({ filter })) === 0) {
    return { code: 'filter-matches-nothing', message: `no indexed chunk matches the filter ${filter}` };
  }
  // A dense search always returns its nearest chunks; only the text (BM25) side can come back
  // empty for a query that is itself the cause.
  const textOnly = params.mode === 'text' || !ctx.vectors.text;
  if (!textOnly || text.trim() === '') return undefined;
  const field = ctx.schema.fields.find((f) => f.name === F.text);
  const analyzer = createAnalyzer(field?.analyzerParams);
  const terms = [...new Set(analyzer.analyze(text))];
  // The stored collection has text vectors even when this text-mode search did not load the model.
  const hasVectors = ctx.vectors.text || ctx.schema.fields.some((f) => f.name === F.textVector);
  const semantic = hasVectors ? '; semantic search (hybrid mode) matches by meaning instead' : '';
  if (terms.length === 0) {
    return {
      code: 'no-searchable-terms',
      message:
        `"${text}" has no searchable terms: the text index leaves out words shorter than ${analyzer.options.minTokenLength} ` +
        `characters, longer than ${analyzer.options.maxTokenLength}, and punctuation${semantic}`,
    };
  }
  const where = filter ? ' matching the filter' : '';
  return { code: 'no-matching-terms', message: `no indexed chunk${where} contains any of the terms ${terms.join(', ')}${semantic}` };
}

/** For an empty image search. */
export async function explainEmptyImageSearch(ctx: SearchContext): Promise<EmptyReason | undefined> {
  if ((await ctx.store.count()) === 0) return indexEmpty();
  if ((await ctx.store.count({ filter: `${F.kind} == "image"` })) === 0) {
    return { code: 'no-images', message: 'no image is indexed in this workspace' };
  }
  return undefined;
}

function indexEmpty(): EmptyReason {
  return { code: 'index-empty', message: 'the index holds no chunks: nothing is indexed yet, or every file was skipped (see the index status)' };
}
