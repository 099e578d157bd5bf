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

/** "25–27" or "25": 1-based lines as editors show them. */
export function lineRange(hit: Pick<SearchHitView, 'startLine' | 'endLine'>): string {
  return hit.endLine > hit.startLine ? `${hit.startLine + 1}–${hit.endLine + 1}` : `${hit.startLine + 1}`;
}

/** "math.ts:25–27": the file's name and the lines, for a row under its file. */
export function shortPlace(hit: Pick<SearchHitView, 'path' | 'startLine' | 'endLine'>): string {
  return `${hit.path.split('/').pop() || hit.path}:${lineRange(hit)}`;
}

/** One file of a ranked answer and its hits. */
export interface FileHits<H> {
  path: string;
  folder: string;
  uri: string;
  hits: H[];
}

/**
 * The ranked hits as a person reads them: files in the order of their best hit, each with its
 * hits in rank order. Nothing is re-ranked: the first hit of the first file is the top hit.
 */
export function groupByFile<H extends Pick<SearchHitView, 'path' | 'folder' | 'uri'>>(hits: readonly H[]): Array<FileHits<H>> {
  const files = new Map<string, FileHits<H>>();
  for (const hit of hits) {
    const key = `${hit.folder}\0${hit.path}`;
    let file = files.get(key);
    if (!file) files.set(key, (file = { path: hit.path, folder: hit.folder, uri: hit.uri, hits: [] }));
    file.hits.push(hit);
  }
  return [...files.values()];
}

/** The snippet line that shows the first matched term, else the first line with text. */
export function bestLine(hit: Pick<SearchHitView, 'snippet' | 'snippetMatches'>): string {
  const at = hit.snippetMatches?.[0]?.[0];
  if (at !== undefined) {
    const start = hit.snippet.lastIndexOf('\n', at - 1) + 1;
    const end = hit.snippet.indexOf('\n', at);
    const line = hit.snippet.slice(start, end === -1 ? undefined : end).trim();
    if (line) return line;
  }
  return hit.snippet.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
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
