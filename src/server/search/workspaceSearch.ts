// The searches of one workspace, as every face asks them: the palette, the sidebar and the chat
// tool (loupe/search through handlers.ts), the hover (loupe/similar), the CLI and the quality
// benchmark. It reads the shared state (IndexedWorkspace) the indexer writes, answers a protocol
// HitsResult (a user's mistake or an unreachable store is `error`, an empty answer says why) and
// times each search for the status.

import { fileURLToPath } from 'node:url';
import type { EmptyReason, HitsResult, SearchHitView, SearchImageParams, SearchParams, SimilarParams } from '../../protocol/requests';
import type { IndexedWorkspace } from '../indexedWorkspace';
import { StoreError } from '../store/storeErrors';
import { asHitsResult, searchChunks, searchContextFor, searchImages, similarChunks, type SearchContext } from './chunkSearch';
import { explainEmptyImageSearch, explainEmptySearch } from './emptyReason';

export class WorkspaceSearch {
  constructor(private readonly workspace: IndexedWorkspace) {}

  /** The ranked chunk search; `signal` cancels the query's embedding (the search then rejects with its reason). */
  search(params: SearchParams, signal?: AbortSignal): Promise<HitsResult> {
    const now = Date.now();
    return this.timed(() => searchChunks(this.context(), params, now, signal), () => explainEmptySearch(this.context(), params, now));
  }

  searchImage(params: SearchImageParams, signal?: AbortSignal): Promise<HitsResult> {
    return this.timed(() => searchImages(this.context(), params, signal), () => explainEmptyImageSearch(this.context()));
  }

  /** "More like this": chunks like the one covering a line range of a workspace file. */
  similar(params: SimilarParams): Promise<HitsResult> {
    return this.timed(async () => {
      const where = this.workspace.locate(uriToPath(params.uri));
      if (!where) throw new Error(`${params.uri} is not in a workspace folder`);
      return similarChunks(this.context(), where, params.startLine + 1, params.endLine + 1, params.limit);
    });
  }

  private context(): SearchContext {
    const ws = this.workspace;
    if (!ws.connected) throw new StoreError(ws.store.description, `not reachable now (${ws.message ?? 'connecting'})`);
    if (!ws.stored) throw new Error(`nothing is indexed in ${ws.store.description} yet; index the folder first`);
    return searchContextFor(ws.store, ws.stored, ws.models, ws.folders);
  }

  /** Runs a search and, when it found nothing, asks `explainEmpty` why (not counted in latency). */
  private async timed(run: () => Promise<SearchHitView[]>, explainEmpty?: () => Promise<EmptyReason | undefined>): Promise<HitsResult> {
    const result = await asHitsResult(run);
    this.workspace.latencies.add(result.tookMs);
    if (result.hits.length > 0 || result.error || !explainEmpty) return result;
    // The explanation is a courtesy: a store failing now must not fail a search that succeeded.
    const emptyReason = await explainEmpty().catch(() => undefined);
    return emptyReason ? { ...result, emptyReason } : result;
  }
}

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
