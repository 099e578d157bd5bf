// textDocument/hover for any LSP editor (`loupe lsp --stdio`): "Similar in workspace", the chunks
// the index finds like the one under the cursor (the same search as loupe/similar). The VS Code
// extension has a richer hover of its own and says so (initializationOptions.clientHover), so
// the server then does not advertise this one. A hover never waits longer than HOVER_BUDGET_MS.

import type { CancellationToken, Hover, HoverParams } from 'vscode-languageserver/node';
import type { SearchHitView } from '../protocol/requests';
import type { WorkspaceSearch } from './search/workspaceSearch';

/** Past this the hover answers null: a late popup is worse than none. */
export const HOVER_BUDGET_MS = 1000;
export const HOVER_SHOWN = 3;
/** Asked for beyond HOVER_SHOWN: chunks enclosing the hovered line (a class around a method) are dropped. */
const HOVER_SPARE = 3;

export interface HoverHost {
  /** The open workspace's searches, or undefined while no index is open. */
  search(): WorkspaceSearch | undefined;
  /** loupe.hover.enabled as the server last heard it. */
  enabled(): boolean;
  /** The open buffer's text, when the client sent it (for "is there a word here"). */
  text(uri: string): string | undefined;
  /** Indexes a debounced edit of this document now, so the hover sees the unsaved text. */
  settle(uri: string): Promise<void>;
}

/** The hover for a position, or null: disabled, no index, nothing similar, cancelled or over budget. */
export async function similarHover(host: HoverHost, params: HoverParams, token?: CancellationToken, budgetMs = HOVER_BUDGET_MS): Promise<Hover | null> {
  const search = host.search();
  const { uri } = params.textDocument;
  const { line } = params.position;
  if (!search || !host.enabled() || !uri.startsWith('file:')) return null;
  const text = host.text(uri);
  if (text !== undefined && !onWord(text, line, params.position.character)) return null;
  let timer: NodeJS.Timeout | undefined;
  let cancelled: { dispose(): void } | undefined;
  const giveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
    cancelled = token?.onCancellationRequested(() => resolve(null));
  });
  const answer = (async (): Promise<Hover | null> => {
    await host.settle(uri);
    if (token?.isCancellationRequested) return null;
    const result = await search.similar({ uri, startLine: line, endLine: line, limit: HOVER_SHOWN + HOVER_SPARE });
    if (result.error) return null;
    const others = result.hits.filter((h) => !(h.uri === uri && h.startLine <= line && line <= h.endLine)).slice(0, HOVER_SHOWN);
    return others.length ? { contents: { kind: 'markdown', value: hoverMarkdown(others) } } : null;
  })().catch(() => null); // a hover is a nicety: a failed search shows nothing, it does not error
  try {
    return await Promise.race([answer, giveUp]);
  } finally {
    clearTimeout(timer);
    cancelled?.dispose();
  }
}

/** The heading and one line per hit: `[path:line](file:///abs#Lline) — symbol (kind)`. */
export function hoverMarkdown(hits: readonly SearchHitView[]): string {
  const lines = hits.map((hit) => {
    const at = hit.startLine + 1;
    const label = escapeMarkdown(`${hit.path}:${at}`);
    const what = hit.symbol ? ` — \`${hit.symbol.replace(/`/g, '')}\` (${hit.kind})` : ` — ${hit.kind}`;
    // Parentheses would end the link destination early; file URLs keep them unencoded.
    const target = `${hit.uri}#L${at}`.replace(/\(/g, '%28').replace(/\)/g, '%29');
    return `- [${label}](${target})${what}`;
  });
  return `### Similar in workspace\n\n${lines.join('\n')}\n`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** Whether the character at (or just before) the position is part of a word. */
function onWord(text: string, line: number, character: number): boolean {
  const lines = text.split(/\r?\n/);
  const row = lines[line];
  if (row === undefined) return false;
  const word = /[\p{L}\p{N}_$]/u;
  return word.test(row[character] ?? '') || word.test(row[character - 1] ?? '');
}
