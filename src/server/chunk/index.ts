// chunkFile: the one entry the indexer calls. Picks the chunker for the file's language; any
// failure in a syntax-aware chunker falls back to line windows, so one odd file never stops a scan.

import * as path from 'node:path';
import type { Chunk, ChunkLimits, ChunkResult, SourceFile } from './types';
import { DEFAULT_LIMITS } from './types';
import { decodeText } from './decode';
import { detectLanguage } from './detectLanguage';
import { codeLanguage } from './languages';
import { chunksForRange, type FileContext } from './makeChunk';
import { chunkBySyntax } from './codeChunker';
import { markdownHeadings, rstHeadings } from './headings';
import { chunkByHeadings } from './sectionChunker';
import { chunkImage } from './imageChunker';

export type { Chunk, ChunkKind, ChunkLimits, ChunkResult, ChunkSkip, SourceFile } from './types';
export { DEFAULT_LIMITS } from './types';
export { setGrammarDir } from './treeSitter';
export { detectLanguage, isImagePath, IMAGE_EXTENSIONS } from './detectLanguage';
export { MAX_IMAGE_PIXELS } from './imageChunker';

export async function chunkFile(file: SourceFile, limits: ChunkLimits = DEFAULT_LIMITS): Promise<Chunk[]> {
  return (await chunkFileWithReport(file, limits)).chunks;
}

/** Like chunkFile, and says why a file gave no chunks (a truncated image, a decompression bomb). */
export async function chunkFileWithReport(file: SourceFile, limits: ChunkLimits = DEFAULT_LIMITS): Promise<ChunkResult> {
  const relPath = file.relPath.split(path.sep).join('/');
  const language = file.language ?? detectLanguage(relPath, firstLine(file.bytes));
  if (language === 'image') return chunkImage({ path: relPath, folder: file.folder, bytes: file.bytes });

  const { text, lines } = decodeText(file.bytes);
  const ctx: FileContext = { path: relPath, folder: file.folder, language, lines, limits };
  return { chunks: await chunkText(ctx, text) };
}

async function chunkText(ctx: FileContext, text: string): Promise<Chunk[]> {
  if (!text.trim()) return [];
  try {
    const code = codeLanguage(ctx.language);
    if (code && !looksMinified(ctx)) {
      const chunks = await chunkBySyntax(ctx, text, code);
      if (chunks) return chunks;
    } else if (ctx.language === 'markdown') {
      return chunkByHeadings(ctx, markdownHeadings(ctx.lines));
    } else if (ctx.language === 'restructuredtext') {
      return chunkByHeadings(ctx, rstHeadings(ctx.lines));
    }
  } catch {
    // A grammar that fails to load or a tree we misread: the text is still worth indexing.
  }
  return chunkByLines(ctx);
}

/** Plain text, and the fallback for everything: overlapping line windows. */
function chunkByLines(ctx: FileContext): Chunk[] {
  return chunksForRange(ctx, { kind: 'text', symbol: '', signature: '', startLine: 1, endLine: ctx.lines.length });
}

/** Minified bundles are one or a few huge lines: syntax gives no useful units there, windows do. */
function looksMinified(ctx: FileContext): boolean {
  const limit = ctx.limits.maxChars * 4;
  return ctx.lines.some((line) => line.length > limit);
}

function firstLine(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  return head.split(/\r?\n|\r/, 1)[0];
}
