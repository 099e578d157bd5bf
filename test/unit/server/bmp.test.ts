// The BMP decoder: the fixture and hand-built files of each supported depth decode to the right
// RGB pixels; damaged and unsupported files are refused with a reason that says what is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { BmpError, decodeBmp, readBmpHeader } from '../../../src/server/embed/bmp';
import { fixtureWorkspace } from './workspaceFixture';

type Rgb = [number, number, number];

/** A 3×2 picture: red, green, blue on top; white, black, grey below. */
const PICTURE: Rgb[][] = [
  [[255, 0, 0], [0, 255, 0], [0, 0, 255]],
  [[255, 255, 255], [0, 0, 0], [128, 128, 128]],
];

interface BmpOptions {
  bits: 1 | 4 | 8 | 16 | 24 | 32;
  topDown?: boolean;
  compression?: number;
  /** Palette (BGRx) for 1/4/8 bits; pixel values are indexes into it. */
  palette?: Rgb[];
  /** Encodes one pixel: an index for paletted images, else the packed value. */
  pixel: (rgb: Rgb) => number;
  masks?: [number, number, number];
}

/** Builds a BMP (BITMAPINFOHEADER) of PICTURE, padding rows to 4 bytes. */
function buildBmp(o: BmpOptions): Buffer {
  const [w, h] = [PICTURE[0].length, PICTURE.length];
  const rowBytes = Math.ceil((w * o.bits) / 32) * 4;
  const palette = o.palette ?? [];
  const extra = (o.masks ? 12 : 0) + palette.length * 4;
  const dataOffset = 14 + 40 + extra;
  const b = Buffer.alloc(dataOffset + rowBytes * h);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(dataOffset, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(o.topDown ? -h : h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(o.bits, 28);
  b.writeUInt32LE(o.compression ?? (o.masks ? 3 : 0), 30);
  b.writeUInt32LE(palette.length, 46);
  let at = 54;
  for (const m of o.masks ?? []) (b.writeUInt32LE(m, at), (at += 4));
  for (const [r, g, bl] of palette) (b.set([bl, g, r, 0], at), (at += 4));
  for (let y = 0; y < h; y++) {
    const row = dataOffset + (o.topDown ? y : h - 1 - y) * rowBytes;
    for (let x = 0; x < w; x++) {
      const v = o.pixel(PICTURE[y][x]);
      if (o.bits === 32) b.writeUInt32LE(v >>> 0, row + x * 4);
      else if (o.bits === 24) b.set([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff], row + x * 3);
      else if (o.bits === 16) b.writeUInt16LE(v, row + x * 2);
      else if (o.bits === 8) b[row + x] = v;
      else if (o.bits === 4) b[row + (x >> 1)] |= v << (x & 1 ? 0 : 4);
      else b[row + (x >> 3)] |= v << (7 - (x & 7));
    }
  }
  return b;
}

const rgb24 = ([r, g, b]: Rgb) => (r << 16) | (g << 8) | b;
const PALETTE: Rgb[] = PICTURE.flat();
const indexOf = (c: Rgb) => PALETTE.findIndex((p) => p.join() === c.join());

function pixels(data: Uint8Array, width: number): Rgb[][] {
  const rows: Rgb[][] = [];
  for (let i = 0; i < data.length; i += 3) {
    if ((i / 3) % width === 0) rows.push([]);
    rows[rows.length - 1].push([data[i], data[i + 1], data[i + 2]]);
  }
  return rows;
}

function refusal(bytes: Buffer): BmpError {
  try {
    decodeBmp(bytes);
  } catch (err) {
    assert.ok(err instanceof BmpError, String(err));
    return err;
  }
  assert.fail('the BMP was decoded, not refused');
}

test('the fixture BMP (24-bit, bottom-up, padded rows) decodes to its 5×3 green pixels', () => {
  const bytes = fs.readFileSync(path.join(fixtureWorkspace(), 'assets', 'tiny.bmp'));
  const { width, height, data } = decodeBmp(bytes);
  assert.deepEqual([width, height, data.length], [5, 3, 45]);
  assert.deepEqual(pixels(data, width).flat(), Array(15).fill([0, 200, 0]));
});

test('every supported depth, bottom-up and top-down, gives the same RGB picture', () => {
  const cases: Array<[string, BmpOptions]> = [
    ['24-bit', { bits: 24, pixel: rgb24 }],
    ['32-bit BI_RGB', { bits: 32, pixel: (c) => rgb24(c) | 0x7f000000 }],
    ['32-bit bit masks (RGBA order)', { bits: 32, masks: [0xff000000, 0x00ff0000, 0x0000ff00], pixel: (c) => rgb24(c) * 256 }],
    ['16-bit 5-6-5 masks', { bits: 16, masks: [0xf800, 0x07e0, 0x001f], pixel: ([r, g, b]) => ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3) }],
    ['8-bit paletted', { bits: 8, palette: PALETTE, pixel: indexOf }],
    ['4-bit paletted', { bits: 4, palette: PALETTE, pixel: indexOf }],
  ];
  for (const [name, options] of cases) {
    for (const topDown of [false, true]) {
      const { width, height, data } = decodeBmp(buildBmp({ ...options, topDown }));
      assert.deepEqual([width, height], [3, 2], name);
      const got = pixels(data, width);
      // 16-bit keeps 5 or 6 bits per channel: compare to within the lost precision.
      const tolerance = options.bits === 16 ? 8 : 0;
      got.flat().forEach((c, i) => {
        const want = PICTURE.flat()[i];
        assert.ok(c.every((v, k) => Math.abs(v - want[k]) <= tolerance), `${name}${topDown ? ' top-down' : ''}: pixel ${i} is ${c}, want ${want}`);
      });
    }
  }
});

test('1-bit paletted images read their bits most significant first', () => {
  const bw: Rgb[] = [[0, 0, 0], [255, 255, 255]];
  const bytes = buildBmp({ bits: 1, palette: bw, pixel: ([r]) => (r > 200 ? 1 : 0) });
  const got = pixels(decodeBmp(bytes).data, 3);
  assert.deepEqual(got, [
    [[255, 255, 255], [0, 0, 0], [0, 0, 0]],
    [[255, 255, 255], [0, 0, 0], [0, 0, 0]],
  ]);
});

test('truncated and unsupported BMPs are refused with a reason naming the problem', () => {
  const good = buildBmp({ bits: 24, pixel: rgb24 });
  const cases: Array<[string, Buffer, RegExp]> = [
    ['cut pixel data', good.subarray(0, good.length - 1), /pixel data is truncated/],
    ['cut header', good.subarray(0, 30), /header is truncated/],
    ['not a BMP', Buffer.from('PNG, honestly'), /not a BMP/],
    ['RLE8', buildBmp({ bits: 8, palette: PALETTE, pixel: indexOf }), /RLE8 is not supported/],
    ['2 bits per pixel', buildBmp({ bits: 24, pixel: rgb24 }), /2 bits per pixel is not supported/],
    ['OS/2 header', buildBmp({ bits: 24, pixel: rgb24 }), /OS\/2 BMP headers/],
    ['zero width', buildBmp({ bits: 24, pixel: rgb24 }), /invalid size 0×2/],
    ['palette too big', buildBmp({ bits: 8, palette: PALETTE, pixel: indexOf }), /palette claims 300 colours/],
    ['data inside header', buildBmp({ bits: 24, pixel: rgb24 }), /offset 20 lies inside its headers/],
  ];
  cases[3][1].writeUInt32LE(1, 30);
  cases[4][1].writeUInt16LE(2, 28);
  cases[5][1].writeUInt32LE(12, 14);
  cases[6][1].writeInt32LE(0, 18);
  cases[7][1].writeUInt32LE(300, 46);
  cases[8][1].writeUInt32LE(20, 10);
  for (const [name, bytes, message] of cases) {
    const err = refusal(bytes);
    assert.equal(err.reason, 'unreadable', name);
    assert.match(err.message, message, name);
  }
});

test('a header claiming more than the pixel limit is refused as too large before decoding', () => {
  const bomb = buildBmp({ bits: 24, pixel: rgb24 });
  bomb.writeInt32LE(60_000, 18);
  bomb.writeInt32LE(-0x80000000, 22); // the most negative height: abs() overflows int32
  const err = refusal(bomb);
  assert.equal(err.reason, 'too-large');
  assert.match(err.message, /over 50 MP/);
  assert.equal(readBmpHeader(buildBmp({ bits: 24, pixel: rgb24 }), 6).width, 3, 'a limit of exactly 6 pixels admits 3×2');
});

test('cut or bit-flipped BMPs of every depth decode or are refused with a BmpError, never anything else', () => {
  const bodies = [
    fs.readFileSync(path.join(fixtureWorkspace(), 'assets', 'tiny.bmp')),
    buildBmp({ bits: 32, masks: [0xff000000, 0x00ff0000, 0x0000ff00], pixel: (c) => rgb24(c) * 256 }),
    buildBmp({ bits: 16, pixel: ([r, g, b]) => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3) }),
    buildBmp({ bits: 4, palette: PALETTE, pixel: indexOf, topDown: true }),
    buildBmp({ bits: 1, palette: [[0, 0, 0], [255, 255, 255]], pixel: ([r]) => (r > 200 ? 1 : 0) }),
  ];
  fc.assert(
    fc.property(fc.nat({ max: bodies.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 7 })), { maxLength: 4 }), (k, cut, flips) => {
      const bytes = Buffer.from(bodies[k].subarray(0, Math.ceil(cut * bodies[k].length)));
      for (const [at, bit] of flips) if (bytes.length) bytes[at % Math.min(bytes.length, 70)] ^= 1 << bit; // mostly header bytes
      try {
        const { width, height, data } = decodeBmp(bytes, 100_000);
        assert.equal(data.length, width * height * 3);
      } catch (err) {
        assert.ok(err instanceof BmpError, `body ${k}: ${String(err)}`);
      }
    }),
    { numRuns: 2000, seed: 7 },
  );
});
