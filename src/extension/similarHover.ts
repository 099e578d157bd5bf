// Hover: "Similar in workspace", the top chunks the server finds like the one under the cursor
// (loupe/similar; the server's own textDocument/hover, for other editors, is off here: client.ts
// sends clientHover). Links run loupe.openLocation and nothing else. A hover never waits on the
// server for more than a small budget.

import * as vscode from 'vscode';
import { Method, type SearchHitView } from '../protocol/requests';
import type { Ctx } from './ctx';
import { hitPlace } from './hitText';
import { OPEN_LOCATION_COMMAND, openLocationLink } from './openLocation';

export const HOVER_BUDGET_MS = 1500;
const SHOWN = 3;
const CACHE_SIZE = 64;

export class SimilarHoverProvider implements vscode.HoverProvider {
  /** Key: uri, document version and line; insertion order doubles as LRU order. */
  private readonly cache = new Map<string, SearchHitView[]>();

  constructor(private readonly ctx: Ctx) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.ctx.settings.hoverEnabled || !this.ctx.client.running || document.uri.scheme !== 'file') return undefined;
    const word = document.getWordRangeAtPosition(position);
    if (!word) return undefined;
    const key = `${document.uri.toString()}@${document.version}:${position.line}`;
    let hits = this.cache.get(key);
    if (hits) {
      this.cache.delete(key);
      this.cache.set(key, hits);
    } else {
      hits = await this.fetch(document.uri, position.line, token);
      if (!hits) return undefined;
      this.cache.set(key, hits);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    }
    const others = hits.filter((h) => !(h.uri === document.uri.toString() && h.startLine <= position.line && position.line <= h.endLine)).slice(0, SHOWN);
    if (others.length === 0) return undefined;
    return new vscode.Hover(hoverMarkdown(others), word);
  }

  /** The server's answer, or undefined when cancelled, over budget, or failed. */
  private async fetch(uri: vscode.Uri, line: number, token: vscode.CancellationToken): Promise<SearchHitView[] | undefined> {
    const source = new vscode.CancellationTokenSource();
    const linked = token.onCancellationRequested(() => source.cancel());
    const timer = setTimeout(() => source.cancel(), HOVER_BUDGET_MS);
    try {
      // One more than shown: the hovered chunk itself may come back under another id.
      const params = { uri: uri.toString(), startLine: line, endLine: line, limit: SHOWN + 1 };
      const result = await this.ctx.client.requestCancellable(Method.similar, params, source.token);
      return result.error ? undefined : result.hits;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
      linked.dispose();
      source.dispose();
    }
  }
}

/** Markdown with links trusted for loupe.openLocation only. */
export function hoverMarkdown(hits: SearchHitView[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: [OPEN_LOCATION_COMMAND] };
  md.appendMarkdown('**Similar in workspace**\n\n');
  for (const hit of hits) {
    const label = escapeMarkdown(hitPlace(hit));
    const what = hit.symbol ? ` — \`${hit.symbol.replace(/`/g, '')}\` (${hit.kind})` : ` — ${hit.kind}`;
    md.appendMarkdown(`- [${label}](${openLocationLink(hit)})${what}\n`);
  }
  return md;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
