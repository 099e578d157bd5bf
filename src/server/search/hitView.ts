// A stored chunk as the UI and the CLI show it: 0-based lines and a file URI for the editor,
// a short snippet, and which query words it matched (for highlighting).

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, codeTokenSpans } from '../../engine/text/analyzer';
import type { Row } from '../../engine/schema/types';
import type { ChunkKind, SearchHitView } from '../../protocol/requests';
import { F } from '../indexer/chunkSchema';

const SNIPPET_LINES = 12;
const SNIPPET_CHARS = 600;

export function hitView(row: Row, score: number, folderPaths: ReadonlyMap<string, string>): SearchHitView {
  const relPath = row[F.path] as string;
  const folder = row[F.folder] as string;
  const root = folderPaths.get(folder);
  return {
    path: relPath,
    uri: root ? pathToFileURL(path.join(root, ...relPath.split('/'))).href : '',
    folder,
    startLine: (row[F.startLine] as number) - 1,
    endLine: (row[F.endLine] as number) - 1,
    kind: row[F.kind] as ChunkKind,
    symbol: (row[F.symbol] as string) ?? '',
    language: row[F.language] as string,
    snippet: snippet((row[F.text] as string) ?? ''),
    score,
  };
}

/** The chunk text without its "path: symbol" header line, cut to a few lines. */
export function snippet(text: string): string {
  const lines = text.split('\n').slice(1, 1 + SNIPPET_LINES);
  const out = lines.join('\n');
  return out.length > SNIPPET_CHARS ? `${out.slice(0, SNIPPET_CHARS)}…` : out;
}

/** Query words (as the code analyzer splits them) that occur in the text, in query order. */
export function matchedTerms(query: string, text: string): string[] {
  const inText = new Set(analyze(text, { type: 'code' }));
  return [...new Set(analyze(query, { type: 'code' }))].filter((t) => inText.has(t));
}

/**
 * Marks on a view what the query matched in the chunk `text`: its terms, and where its snippet
 * and symbol show them, so every face highlights the server's tokens and no face re-tokenizes.
 */
export function markMatches(view: SearchHitView, query: string, text: string): void {
  const terms = matchedTerms(query, text);
  if (terms.length === 0) return;
  view.matchedTerms = terms;
  const inSnippet = matchRanges(terms, view.snippet);
  if (inSnippet.length) view.snippetMatches = inSnippet;
  const inSymbol = matchRanges(terms, view.symbol);
  if (inSymbol.length) view.symbolMatches = inSymbol;
}

/**
 * Where `text` holds the terms, as [start, end) ranges, ascending and apart: an identifier that
 * is a term is marked whole (`circleArea`), otherwise the parts that are (`circle` in `circleRadius`).
 */
export function matchRanges(terms: readonly string[], text: string): Array<[number, number]> {
  const wanted = new Set(terms);
  const ranges: Array<[number, number]> = [];
  if (wanted.size === 0) return ranges;
  let markedUntil = -1;
  for (const span of codeTokenSpans(text)) {
    if (span.whole) {
      markedUntil = wanted.has(span.token) ? span.end : -1;
      if (markedUntil >= 0) ranges.push([span.start, span.end]);
    } else if (span.start >= markedUntil && wanted.has(span.token)) {
      ranges.push([span.start, span.end]);
    }
  }
  return ranges;
}

/** The CLI's --json shape: 1-based lines, as stored. */
export interface CliHit {
  path: string;
  start_line: number;
  end_line: number;
  kind: string;
  symbol: string;
  language: string;
  score: number;
}

export function cliHit(hit: SearchHitView): CliHit {
  return {
    path: hit.path,
    start_line: hit.startLine + 1,
    end_line: hit.endLine + 1,
    kind: hit.kind,
    symbol: hit.symbol,
    language: hit.language,
    score: hit.score,
  };
}
