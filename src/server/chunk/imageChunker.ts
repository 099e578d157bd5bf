// An image is one 'image' chunk carrying its width and height. Sharp reads everything but BMP,
// which libvips does not decode; for BMP our own decoder's header check gives the size (the CLIP
// embedder decodes the pixels with it too). Decompression bombs and truncated files are skipped with a reason.

import * as path from 'node:path';
import type sharpType = require('sharp');

// Loaded on the first image: sharp's native libvips costs a CLI search or status ~30 ms it never uses.
let sharpModule: typeof sharpType | undefined;
const sharp = (...args: Parameters<typeof sharpType>) => (sharpModule ??= require('sharp') as typeof sharpType)(...args);
import { BmpError, readBmpHeader } from '../embed/bmp';
import type { ChunkResult } from './types';
import { createHash } from 'node:crypto';

/** Larger images are skipped as 'too-large' (a 50 MP PNG decodes to 200 MB of pixels). */
export const MAX_IMAGE_PIXELS = 50_000_000;

export interface ImageFile {
  path: string;
  folder: string;
  bytes: Buffer;
}

interface ImageSize {
  width: number;
  height: number;
  format: string;
}

export async function chunkImage(file: ImageFile): Promise<ChunkResult> {
  const measured = path.extname(file.path).toLowerCase() === '.bmp' ? readBmpSize(file.bytes) : await decodeWithSharp(file.bytes);
  if ('reason' in measured) return { chunks: [], skipped: { ...measured, message: `${file.path}: ${measured.message}` } };
  const { width, height, format } = measured;
  const text = `${file.path}\n${format} image, ${width}×${height}`;
  return {
    chunks: [
      {
        path: file.path,
        folder: file.folder,
        language: 'image',
        kind: 'image',
        symbol: path.basename(file.path),
        signature: `${format} ${width}×${height}`,
        startLine: 1,
        endLine: 1,
        text,
        // The pixels, not just the text, decide whether the image must be embedded again.
        contentHash: createHash('sha256').update(text).update(file.bytes).digest('hex').slice(0, 16),
        width,
        height,
      },
    ],
  };
}

type Measured = ImageSize | { reason: 'too-large' | 'unreadable'; message: string };

async function decodeWithSharp(bytes: Buffer): Promise<Measured> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'truncated' });
    const meta = await image.metadata();
    // The header alone says nothing about a cut-off file: decode a thumbnail to be sure.
    await image.resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) return { reason: 'unreadable', message: 'image has no width/height' };
    return { width, height, format: meta.format ?? 'image' };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (/pixel limit/i.test(message)) {
      return { reason: 'too-large', message: `image over ${MAX_IMAGE_PIXELS / 1e6} MP (${message})` };
    }
    return { reason: 'unreadable', message: `image could not be decoded (${message})` };
  }
}

/** The BMP decoder's own header checks: what it cannot decode is skipped here, with its reason. */
export function readBmpSize(bytes: Buffer): Measured {
  try {
    const { width, height } = readBmpHeader(bytes, MAX_IMAGE_PIXELS);
    return { width, height, format: 'bmp' };
  } catch (err) {
    if (err instanceof BmpError) return { reason: err.reason, message: err.message };
    throw err;
  }
}
