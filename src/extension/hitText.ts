// How a hit reads in words, for every face (palette, sidebar titles, hover, chat tool). No vscode
// import, so it is unit-tested directly.

import type { HitsResult, SearchHitView } from '../protocol/requests';

export function isImageHit(hit: Pick<SearchHitView, 'kind' | 'language'>): boolean {
  return hit.kind === 'image' || hit.language === 'image';
}

/** "path:line" or "path:start-end", 1-based as editors show lines. */
export function hitPlace(hit: Pick<SearchHitView, 'path' | 'startLine' | 'endLine'>): string {
  return hit.endLine > hit.startLine ? `${hit.path}:${hit.startLine + 1}-${hit.endLine + 1}` : `${hit.path}:${hit.startLine + 1}`;
}

/** The hits as the model reads them: place, kind and symbol, then the snippet in a fence. */
export function hitsAsText(query: string, result: HitsResult): string {
  if (result.error) {
    const at = result.error.position !== undefined ? ` (at position ${result.error.position})` : '';
    return `Loupe search failed: ${result.error.message}${at}`;
  }
  if (result.hits.length === 0) return `No results in the workspace for "${query}".`;
  const blocks = result.hits.map((h, i) => {
    const what = [h.kind, h.symbol].filter((s) => s !== '').join(' ');
    return `${i + 1}. ${hitPlace(h)} (${what}, ${h.language})\n\`\`\`\n${h.snippet.replace(/```/g, '` ` `')}\n\`\`\``;
  });
  return [`${result.hits.length} results for "${query}" (paths are relative to the workspace folder):`, ...blocks].join('\n\n');
}
