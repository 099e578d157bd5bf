// Fuzzing image chunking: fixture images truncated at random bytes or with flipped bits, empty
// files, files under the wrong extension, and decompression bombs (headers claiming 50000×50000
// in PNG, JPEG, GIF, BMP and SVG). Each must give one image chunk or a skip with a reason and the
// path — never a throw — and decoding must not balloon memory.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { chunkFileWithReport, type ChunkResult } from '../../../src/server/chunk/index';
import { fuzzParams, repoRoot } from './fuzzConfig';

const ROOT = repoRoot();
const IMAGES = [
  'test/fixtures/images/tiny-blue.png', 'test/fixtures/images/tiny-stripes.png', 'test/fixtures/workspace/assets/blue-circle.png',
  'test/fixtures/workspace/assets/photo.jpg', 'test/fixtures/workspace/assets/tiny.bmp', 'test/fixtures/workspace/assets/logo.svg',
].map((rel) => ({ rel, bytes: fs.readFileSync(path.join(ROOT, rel)) }));
const EXTS = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.svg', '.tif'];

async function chunkImage(name: string, bytes: Buffer): Promise<ChunkResult> {
  return chunkFileWithReport({ absPath: `/ws/${name}`, relPath: name, folder: 'ws', bytes, language: 'image' });
}

function assertChunkOrSkip(r: ChunkResult, name: string): 'chunk' | 'skip' {
  if (r.skipped) {
    assert.equal(r.chunks.length, 0, `${name}: skipped but gave chunks`);
    assert.ok(['unreadable', 'too-large'].includes(r.skipped.reason), `${name}: reason ${r.skipped.reason}`);
    assert.ok(r.skipped.message.includes(name), `${name}: the message should name the file: ${r.skipped.message}`);
    return 'skip';
  }
  assert.equal(r.chunks.length, 1, `${name}: ${r.chunks.length} chunks`);
  const [c] = r.chunks;
  assert.ok(Number.isInteger(c.width) && Number.isInteger(c.height) && c.width! > 0 && c.height! > 0, `${name}: size ${c.width}×${c.height}`);
  assert.ok(c.width! * c.height! <= 50_000_000, `${name}: a ${c.width}×${c.height} image was accepted`);
  return 'chunk';
}

// ---- bombs: tiny files whose headers claim enormous images

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

function pngBomb(w: number, h: number, withData: boolean): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // A few rows of zeros compress to almost nothing: the classic bomb shape.
  const idat = withData ? zlib.deflateSync(Buffer.alloc((w + 1) * 64)) : Buffer.alloc(0);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(withData ? [pngChunk('IDAT', idat)] : []),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function jpegBomb(w: number, h: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}

function gifBomb(w: number, h: number): Buffer {
  const b = Buffer.from('GIF89a\0\0\0\0\0\0\0', 'latin1');
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  return Buffer.concat([b, Buffer.from([0x2c, 0, 0, 0, 0, w & 0xff, w >> 8, h & 0xff, h >> 8, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b])]);
}

function bmpBomb(w: number, h: number): Buffer {
  const b = Buffer.alloc(54);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  return b;
}

describe('image fuzz', () => {
  it('truncated and bit-flipped fixture images give a chunk or a skip with a reason', async () => {
    const seen = { chunk: 0, skip: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: IMAGES.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }),
        async (i, cut, flips) => {
          const img = IMAGES[i];
          const bytes = Buffer.from(img.bytes.subarray(0, Math.floor(cut * (img.bytes.length + 1))));
          for (const [at, bit] of flips) if (bytes.length > 0) bytes[Math.floor(at * bytes.length)] ^= 1 << bit;
          const name = `cut/${path.basename(img.rel)}`;
          seen[assertChunkOrSkip(await chunkImage(name, bytes), name)]++;
        },
      ),
      fuzzParams(161, 250),
    );
    assert.ok(seen.skip > 0 && seen.chunk > 0, `only ${JSON.stringify(seen)}: the cases should include both`);
  });

  it('empty files, text named as images and images under the wrong extension are handled', async () => {
    const text = Buffer.from('this is not an image\n');
    const bodies = [Buffer.alloc(0), Buffer.alloc(1), text, Buffer.from('<svg'), Buffer.from('BM'), Buffer.from([0x89, 0x50, 0x4e, 0x47]), ...IMAGES.map((i) => i.bytes)];
    for (const [k, bytes] of bodies.entries()) {
      for (const ext of EXTS) {
        const name = `m/${k}${ext}`;
        const verdict = assertChunkOrSkip(await chunkImage(name, bytes), name);
        if (k < 6) assert.equal(verdict, 'skip', `${name}: ${bytes.length} bytes of non-image were accepted`);
      }
    }
  });

  it('decompression bombs are skipped as too-large (or unreadable) without decoding, memory bounded', async () => {
    const rssBefore = process.memoryUsage().rss;
    const bombs: Array<[string, Buffer]> = [
      ['bomb.png', pngBomb(50_000, 50_000, true)],
      ['bomb-nodata.png', pngBomb(50_000, 50_000, false)],
      ['wide.png', pngBomb(2_000_000, 30, true)],
      ['bomb.jpg', jpegBomb(65_000, 65_000)],
      ['bomb.gif', gifBomb(65_535, 65_535)],
      ['bomb.bmp', bmpBomb(50_000, 50_000)],
      ['negative.bmp', bmpBomb(-5, 0x7fffffff)],
      ['bomb.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="50000" height="50000"><rect width="100%" height="100%"/></svg>')],
      ['viewbox.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e9 1e9"><rect width="1" height="1"/></svg>')],
    ];
    for (const [name, bytes] of bombs) {
      const r = await chunkImage(name, bytes);
      assert.equal(assertChunkOrSkip(r, name), 'skip', `${name} was accepted: ${JSON.stringify(r.chunks[0]?.signature)}`);
    }
    const big = (await chunkImage('big.png', pngBomb(50_000, 50_000, true))).skipped;
    assert.equal(big?.reason, 'too-large', big?.message);
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    assert.ok(growthMb < 400, `RSS grew ${growthMb.toFixed(0)} MB decoding bombs`);
  });
});
