// Chunks → rows: attach real embeddings to every chunk of a group of files, in as few model
// calls as possible, and reuse the vectors of chunks whose text has not changed.
//
//   text rows:  text_vector  = sentence model(chunk text)
//               image_vector = CLIP text tower(symbol + signature, or the first line)
//   image rows: text_vector  = sentence model("image <file name> in <folder path>")
//               image_vector = CLIP vision tower(the pixels)

import * as path from 'node:path';
import type { Chunk } from '../chunk/types';
import { chunkId, type ChunkRow } from './chunkSchema';
import type { IndexModels } from './models';

/** A file about to be written, with what is known about it on disk. */
export interface FileUnit {
  folder: string;
  path: string;
  absPath: string;
  bytes: Buffer;
  mtime: number;
  size: number;
  hash: string;
  chunks: Chunk[];
  /** Vectors stored for this file before, by content hash: unchanged chunks are not re-embedded. */
  reuse: Map<string, StoredVectors>;
}

export interface StoredVectors {
  text_vector?: Float32Array | number[];
  image_vector?: Float32Array | number[];
}

/** How many inputs went to each model: the facts behind "an unchanged file embeds nothing". */
export interface EmbedCounters {
  texts: number;
  clipTexts: number;
  images: number;
  reused: number;
}

export function emptyCounters(): EmbedCounters {
  return { texts: 0, clipTexts: 0, images: 0, reused: 0 };
}

interface Need {
  row: ChunkRow;
  chunk: Chunk;
  unit: number;
  bytes: Buffer;
}

/** A file's rows, or why it has none (an image the model cannot decode). */
export type UnitRows = { rows: ChunkRow[] } | { error: string };

/**
 * One result per unit, in order. Images go first, one model request each, so a picture the
 * model cannot read fails only its own file; the text inputs of the rest then go in batches.
 * Throws only if a text batch fails as a whole (the caller retries file by file).
 */
export async function rowsForUnits(units: readonly FileUnit[], models: IndexModels, counters: EmbedCounters): Promise<UnitRows[]> {
  const rowsOf: ChunkRow[][] = [];
  const textNeeds: Need[] = [];
  const clipTextNeeds: Need[] = [];
  const imageNeeds: Need[] = [];
  let reused = 0;
  units.forEach((unit, u) => {
    const rows: ChunkRow[] = [];
    const seen = new Map<string, number>();
    for (const chunk of unit.chunks) {
      const base = `${chunk.startLine}\0${chunk.contentHash}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      const row = toRow(unit, chunk, occurrence);
      const old = unit.reuse.get(chunk.contentHash);
      const need = { row, chunk, unit: u, bytes: unit.bytes };
      if (models.hasText) {
        if (old?.text_vector) row.text_vector = old.text_vector;
        else textNeeds.push(need);
      }
      if (models.hasImage) {
        if (old?.image_vector) row.image_vector = old.image_vector;
        else if (chunk.kind === 'image') imageNeeds.push(need);
        else clipTextNeeds.push(need);
      }
      if (old && (!models.hasText || old.text_vector) && (!models.hasImage || old.image_vector)) reused++;
      rows.push(row);
    }
    rowsOf.push(rows);
  });
  const failed = new Map<number, string>();
  const images = await Promise.allSettled(imageNeeds.map((n) => models.embedImages([{ bytes: n.bytes }])));
  images.forEach((r, i) => {
    if (r.status === 'fulfilled') imageNeeds[i].row.image_vector = r.value[0];
    else failed.set(imageNeeds[i].unit, (r.reason as Error).message);
  });
  counters.images += images.filter((r) => r.status === 'fulfilled').length;
  const live = (n: Need) => !failed.has(n.unit);
  await embedInto(textNeeds.filter(live), 'text_vector', (texts) => models.embedTexts(texts), textInput);
  counters.texts += textNeeds.filter(live).length;
  await embedInto(clipTextNeeds.filter(live), 'image_vector', (texts) => models.embedClipTexts(texts), clipTextInput);
  counters.clipTexts += clipTextNeeds.filter(live).length;
  counters.reused += reused;
  return rowsOf.map((rows, u) => (failed.has(u) ? { error: failed.get(u) as string } : { rows }));
}

async function embedInto(
  needs: Need[],
  field: 'text_vector' | 'image_vector',
  embed: (texts: string[]) => Promise<Float32Array[]>,
  input: (chunk: Chunk) => string,
): Promise<void> {
  if (needs.length === 0) return;
  const vectors = await embed(needs.map((n) => input(n.chunk)));
  needs.forEach((n, i) => (n.row[field] = vectors[i]));
}

function toRow(unit: FileUnit, chunk: Chunk, occurrence: number): ChunkRow {
  return {
    id: chunkId(unit.folder, unit.path, chunk.startLine, chunk.contentHash, occurrence),
    path: unit.path,
    folder: unit.folder,
    language: chunk.language,
    kind: chunk.kind,
    symbol: chunk.symbol,
    signature: chunk.signature,
    start_line: chunk.startLine,
    end_line: chunk.endLine,
    mtime: Math.round(unit.mtime),
    size: unit.size,
    content_hash: chunk.contentHash,
    file_hash: unit.hash,
    text: chunk.text,
  };
}

/** What the sentence model reads: the chunk text, or for an image a short description of it. */
export function textInput(chunk: Chunk): string {
  return chunk.kind === 'image' ? imageDescription(chunk.path, chunk.folder) : chunk.text;
}

/** "image logo.png in assets/brand" — what an image row's text vector stands for. */
export function imageDescription(relPath: string, folder: string): string {
  const dir = path.posix.dirname(relPath);
  return `image ${path.posix.basename(relPath)} in ${dir === '.' ? folder : dir}`;
}

/** What CLIP's text tower reads for a text chunk: its name and signature, or its first line. */
export function clipTextInput(chunk: Chunk): string {
  const named = [chunk.symbol, chunk.signature].filter((s) => s.trim() !== '');
  if (named.length === 2 && chunk.signature.includes(chunk.symbol.split('.').pop() ?? chunk.symbol)) return chunk.signature.trim();
  if (named.length) return named.join(' ').trim();
  // The first line of text is the "path: symbol" header; the first source line follows it.
  const lines = chunk.text.split('\n');
  return (lines.slice(1).find((l) => l.trim() !== '') ?? lines[0]).trim();
}
