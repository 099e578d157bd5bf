// Turns a line range of a file into a Chunk: the header line that gives the embedder context,
// the text, and its content hash.

import { createHash } from 'node:crypto';
import type { Chunk, ChunkKind, ChunkLimits } from './types';
import { lineWindows } from './lineWindows';

/** What every chunker knows about the file it is cutting. */
export interface FileContext {
  path: string;
  folder: string;
  language: string;
  lines: readonly string[];
  limits: ChunkLimits;
}

export interface ChunkSpec {
  kind: ChunkKind;
  symbol: string;
  signature: string;
  startLine: number;
  endLine: number;
}

const MAX_HEADER_CHARS = 200;

/** "path: symbol", short enough to leave most of the budget to the code. */
export function chunkHeader(path: string, symbol: string): string {
  const header = symbol ? `${path}: ${symbol}` : path;
  return header.length > MAX_HEADER_CHARS ? header.slice(0, MAX_HEADER_CHARS) : header;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function toChunk(ctx: FileContext, spec: ChunkSpec, body: string): Chunk {
  const text = `${chunkHeader(ctx.path, spec.symbol)}\n${body}`;
  return {
    path: ctx.path,
    folder: ctx.folder,
    language: ctx.language,
    kind: spec.kind,
    symbol: spec.symbol,
    signature: spec.signature,
    startLine: spec.startLine,
    endLine: spec.endLine,
    text,
    contentHash: contentHash(text),
  };
}

/** True when lines [start, end] plus the header fit in one chunk. */
export function fitsOneChunk(ctx: FileContext, spec: ChunkSpec): boolean {
  const lineCount = spec.endLine - spec.startLine + 1;
  if (lineCount > ctx.limits.maxLines) return false;
  let chars = chunkHeader(ctx.path, spec.symbol).length;
  for (let i = spec.startLine - 1; i < spec.endLine; i++) {
    chars += ctx.lines[i].length + 1;
    if (chars > ctx.limits.maxChars) return false;
  }
  return true;
}

/**
 * The chunks for a range: one if it fits, else overlapping line windows that keep the kind,
 * symbol and signature. Blank ranges give none.
 */
export function chunksForRange(ctx: FileContext, spec: ChunkSpec): Chunk[] {
  if (fitsOneChunk(ctx, spec)) {
    const body = ctx.lines.slice(spec.startLine - 1, spec.endLine).join('\n');
    return body.trim() ? [toChunk(ctx, spec, body)] : [];
  }
  const header = chunkHeader(ctx.path, spec.symbol);
  const windows = lineWindows(ctx.lines, spec.startLine, spec.endLine, {
    maxChars: ctx.limits.maxChars - header.length - 1,
    windowLines: Math.min(ctx.limits.windowLines, ctx.limits.maxLines),
    overlapLines: ctx.limits.overlapLines,
  });
  return windows
    .filter((w) => w.body.trim() !== '')
    .map((w) => toChunk(ctx, { ...spec, startLine: w.startLine, endLine: w.endLine }, w.body));
}
