// What the chunkers produce: one searchable piece of a file, with exact 1-based line ranges so a
// result can be opened at the right place.

import type { SkipReason } from '../scan/types';

export type ChunkKind = 'function' | 'method' | 'class' | 'section' | 'text' | 'image';

export interface Chunk {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** The workspace folder's name (multi-root). */
  folder: string;
  /** VS Code language id: 'typescript', 'python', 'markdown', 'image', ... */
  language: string;
  kind: ChunkKind;
  /** Function/class name ("Calc.add" for a method), heading path "Install > Linux", '' for text windows. */
  symbol: string;
  /** First line(s) of the declaration, '' when none. */
  signature: string;
  /** 1-based inclusive. */
  startLine: number;
  /** 1-based inclusive, always within the file. */
  endLine: number;
  /** What gets embedded: a header line "path: symbol" then the source lines. */
  text: string;
  /** sha256 of `text`, first 16 hex chars. */
  contentHash: string;
  width?: number;
  height?: number;
}

/** A file handed to the chunkers. */
export interface SourceFile {
  absPath: string;
  relPath: string;
  folder: string;
  bytes: Buffer;
  /** Overrides detection by extension/shebang. */
  language?: string;
}

/** Size limits. The default text model reads ~256 word pieces, about 1,500 characters of code. */
export interface ChunkLimits {
  maxChars: number;
  maxLines: number;
  /** Line windows for plain text and for splitting oversized pieces. */
  windowLines: number;
  overlapLines: number;
}

export const DEFAULT_LIMITS: ChunkLimits = {
  maxChars: 1500,
  maxLines: 60,
  windowLines: 40,
  overlapLines: 10,
};

/** Why a file gave no chunks, when that is not simply "it is empty". */
export interface ChunkSkip {
  reason: SkipReason;
  message: string;
}

export interface ChunkResult {
  chunks: Chunk[];
  skipped?: ChunkSkip;
}
