// The command-palette faces of search: "Loupe: Search Workspace" (a QuickPick that searches as
// you type), "Loupe: Find Similar to Selection" and "Loupe: Search Images". The server does the
// searching and compiles filter shortcuts; this side debounces, cancels and shows: files in rank
// order, a row for each file and under it its chunks with their lines (`math.ts:25–27`) and the
// line that matched. Not separators: a QuickPick hides them while its value filters, and only the
// proposed `sortByLabel` keeps them. QuickPickItem has no highlight ranges in the stable API
// either, so the matched terms are marked in the sidebar only.

import * as vscode from 'vscode';
import { Method, type ChunkKind, type HitsResult, type SearchHitView } from '../protocol/requests';
import type { Ctx } from './ctx';
import { bestLine, groupByFile, shortPlace } from './hitText';
import { openHit } from './openLocation';

/** Typing pauses this long before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 150;
const PALETTE_LIMIT = 30;

const KIND_ICONS: Record<ChunkKind, string> = {
  function: 'symbol-function',
  method: 'symbol-method',
  class: 'symbol-class',
  interface: 'symbol-interface',
  type: 'symbol-type-parameter',
  module: 'symbol-module',
  section: 'symbol-key',
  block: 'symbol-namespace',
  image: 'file-media',
  text: 'symbol-text',
};

interface HitItem extends vscode.QuickPickItem {
  hit?: SearchHitView;
}

export function hitItem(hit: SearchHitView): HitItem {
  const name = hit.symbol || hit.path.split('/').pop() || hit.path;
  return {
    label: name,
    description: `${shortPlace(hit)} · ${hit.kind}`,
    detail: bestLine(hit),
    // Not the image itself as icon: a file: URI does not load in a browser-hosted workbench
    // (code-server); the sidebar shows real thumbnails through its webview.
    iconPath: new vscode.ThemeIcon(KIND_ICONS[hit.kind] ?? 'search'),
    // The server already matched the query; the QuickPick must not filter its answer again.
    alwaysShow: true,
    hit,
  };
}

/** Rows for a ranked answer: files in rank order, a file row (it opens the file's best chunk), then its chunks. */
export function hitItems(hits: readonly SearchHitView[]): HitItem[] {
  return groupByFile(hits).flatMap((file): HitItem[] => [
    {
      label: file.path,
      description: file.hits.length === 1 ? '1 chunk' : `${file.hits.length} chunks`,
      iconPath: vscode.ThemeIcon.File,
      alwaysShow: true,
      hit: file.hits[0],
    },
    ...file.hits.map(hitItem),
  ]);
}

interface LivePickOptions {
  title: string;
  placeholder: string;
  initialValue?: string;
  /** One search; `token` is cancelled when the user typed on or closed the pick. */
  run(value: string, token: vscode.CancellationToken): Promise<HitsResult>;
  /** The rows for an answer's hits. */
  items(hits: readonly SearchHitView[]): HitItem[];
}

/**
 * A QuickPick whose items are the server's answer to what is typed: debounced, the previous
 * request cancelled, the selection previewed, accept opens the hit. Resolves when it closes.
 */
export function showLivePick(opts: LivePickOptions): Promise<void> {
  const pick = vscode.window.createQuickPick<HitItem>();
  pick.title = opts.title;
  pick.placeholder = opts.placeholder;
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: vscode.CancellationTokenSource | undefined;
  let accepted = false;

  const search = async (value: string): Promise<void> => {
    inFlight?.cancel();
    const source = new vscode.CancellationTokenSource();
    inFlight = source;
    if (value.trim() === '') {
      pick.items = [];
      pick.title = opts.title;
      pick.busy = false;
      return;
    }
    pick.busy = true;
    try {
      const result = await opts.run(value, source.token);
      if (source.token.isCancellationRequested) return;
      if (result.error) {
        // QuickPick has no validation message: the error goes in the title and as the one row.
        const at = result.error.position !== undefined ? ` (at ${result.error.position})` : '';
        pick.title = `${opts.title}: ${result.error.message}${at}`;
        pick.items = [{ label: `$(error) ${result.error.message}`, alwaysShow: true }];
      } else {
        pick.title = `${opts.title} · ${result.hits.length} results in ${Math.round(result.tookMs)} ms`;
        const why = result.emptyReason ? { detail: result.emptyReason.message } : {};
        pick.items = result.hits.length ? opts.items(result.hits) : [{ label: 'No results', ...why, alwaysShow: true }];
      }
    } catch (e) {
      if (source.token.isCancellationRequested) return;
      pick.title = `${opts.title}: ${(e as Error).message}`;
      pick.items = [];
    } finally {
      if (inFlight === source) pick.busy = false;
    }
  };

  pick.onDidChangeValue((value) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void search(value), SEARCH_DEBOUNCE_MS);
  });
  pick.onDidChangeActive((items) => {
    const hit = items[0]?.hit;
    if (hit && !accepted) void openHit(hit, { preview: true, preserveFocus: true }).catch(() => undefined);
  });
  pick.onDidAccept(() => {
    const hit = pick.selectedItems[0]?.hit ?? pick.activeItems[0]?.hit;
    if (!hit) return;
    accepted = true;
    pick.hide();
    void openHit(hit, { preview: false });
  });
  return new Promise((resolve) => {
    pick.onDidHide(() => {
      if (timer) clearTimeout(timer);
      inFlight?.cancel();
      pick.dispose();
      resolve();
    });
    pick.show();
    if (opts.initialValue) {
      pick.value = opts.initialValue;
      void search(opts.initialValue);
    }
  });
}

export function searchWorkspace(ctx: Ctx, initialQuery?: string): Promise<void> {
  return showLivePick({
    title: 'Loupe: Search Workspace',
    placeholder: 'Describe what you look for; filters: lang:ts kind:function path:src/** since:7d',
    ...(typeof initialQuery === 'string' ? { initialValue: initialQuery } : {}),
    run: (query, token) => ctx.client.requestCancellable(Method.search, { query, mode: 'hybrid', limit: PALETTE_LIMIT }, token),
    items: hitItems,
  });
}

export function searchImages(ctx: Ctx): Promise<void> {
  return showLivePick({
    title: 'Loupe: Search Images',
    placeholder: 'Describe the image, e.g. "a red square"',
    run: (text, token) => ctx.client.requestCancellable(Method.searchImage, { text, limit: PALETTE_LIMIT }, token),
    // One image per file: a separator each would only repeat the row.
    items: (hits) => hits.map(hitItem),
  });
}

/** "More like this" for the editor's selection (or the cursor's line), as a QuickPick. */
export async function findSimilarToSelection(ctx: Ctx): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Loupe: open a file and select some code to find similar code.');
    return;
  }
  const { start, end } = editor.selection;
  const params = { uri: editor.document.uri.toString(), startLine: start.line, endLine: end.line, limit: PALETTE_LIMIT };
  const pick = vscode.window.createQuickPick<HitItem>();
  pick.title = `Loupe: Similar to ${vscode.workspace.asRelativePath(editor.document.uri)}:${start.line + 1}`;
  pick.busy = true;
  pick.show();
  try {
    const result = await ctx.client.request(Method.similar, params);
    if (result.error) pick.items = [{ label: `$(error) ${result.error.message}`, alwaysShow: true }];
    else pick.items = result.hits.length ? hitItems(result.hits) : [{ label: 'Nothing similar found', alwaysShow: true }];
  } catch (e) {
    pick.items = [{ label: `$(error) ${(e as Error).message}`, alwaysShow: true }];
  }
  pick.busy = false;
  pick.onDidAccept(() => {
    const hit = pick.selectedItems[0]?.hit;
    if (!hit) return;
    pick.hide();
    void openHit(hit);
  });
  pick.onDidHide(() => pick.dispose());
}
