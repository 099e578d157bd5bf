// A small BMP decoder. libvips (sharp, and so transformers.js' RawImage) cannot read BMP, so the
// CLIP path decodes it here into RGB pixels. Windows BITMAPINFOHEADER (and its V4/V5 extensions),
// uncompressed: 1/4/8-bit paletted, 16-bit, 24-bit and 32-bit, bottom-up or top-down rows.
// Every read is bounds-checked against the header's claims before any pixel is touched; anything
// else (RLE, embedded JPEG/PNG, OS/2 headers) is refused with a reason.

/** Larger images are refused before allocating (50 MP of RGB is 150 MB). */
export const BMP_MAX_PIXELS = 50_000_000;

const FILE_HEADER = 14;
const INFO_HEADER = 40;
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG', 11: 'CMYK', 12: 'CMYK RLE8', 13: 'CMYK RLE4' };

/** Why a BMP was refused: 'too-large' for a size over the limit, 'unreadable' for the rest. */
export class BmpError extends Error {
  constructor(
    readonly reason: 'unreadable' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'BmpError';
  }
}

export interface BmpHeader {
  width: number;
  height: number;
  /** Rows stored first-row-first (negative height in the file). */
  topDown: boolean;
  bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  /** Where the pixel rows start, and the bytes per row including its padding to 4 bytes. */
  dataOffset: number;
  rowBytes: number;
  /** Paletted images: where the BGRx entries start and how many there are. */
  palette?: { offset: number; count: number };
  /** 16- and 32-bit images: the red, green and blue bit masks of a pixel. */
  masks?: [number, number, number];
}

/** RGB pixels, 3 bytes each, row by row from the top. */
export interface DecodedBmp {
  width: number;
  height: number;
  data: Uint8Array;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // 'BM'
}

/** Parses and checks the headers; throws BmpError if the file cannot be decoded by decodeBmp. */
export function readBmpHeader(bytes: Uint8Array, maxPixels = BMP_MAX_PIXELS): BmpHeader {
  if (!isBmp(bytes) || bytes.length < FILE_HEADER + 4) throw unreadable('not a BMP file (no BM signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12 || headerSize === 16 || headerSize === 64) {
    throw unreadable(`OS/2 BMP headers (size ${headerSize}) are not supported, only the Windows BITMAPINFOHEADER`);
  }
  if (headerSize < INFO_HEADER) throw unreadable(`BMP header size ${headerSize} is unknown`);
  if (bytes.length < FILE_HEADER + headerSize) throw unreadable(`BMP header is truncated (${bytes.length} bytes, header needs ${FILE_HEADER + headerSize})`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw unreadable(`BMP has an invalid size ${width}×${rawHeight}`);
  if (width * height > maxPixels) throw new BmpError('too-large', `image over ${maxPixels / 1e6} MP (${width}×${height})`);

  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !bitfields) {
    const name = COMPRESSION_NAMES[compression] ?? `type ${compression}`;
    throw unreadable(`BMP compression ${name} is not supported, only uncompressed BMPs`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bits)) throw unreadable(`BMP with ${bits} bits per pixel is not supported (1, 4, 8, 16, 24 or 32)`);
  if (bitfields && bits !== 16 && bits !== 32) throw unreadable(`BMP bit masks with ${bits} bits per pixel are not supported (16 or 32 only)`);
  const bitsPerPixel = bits as BmpHeader['bitsPerPixel'];
  const header: BmpHeader = { width, height, topDown: rawHeight < 0, bitsPerPixel, dataOffset, rowBytes: Math.ceil((width * bits) / 32) * 4 };

  // After the header: three (or four) DWORD masks when a plain info header says BITFIELDS, else the palette.
  let tableStart = FILE_HEADER + headerSize;
  if (bitfields) {
    // V2+ headers hold the masks themselves, at the same place.
    const maskAt = FILE_HEADER + INFO_HEADER;
    if (headerSize === INFO_HEADER) tableStart += compression === BI_ALPHABITFIELDS ? 16 : 12;
    if (bytes.length < maskAt + 12) throw unreadable('BMP bit masks are truncated');
    header.masks = [view.getUint32(maskAt, true), view.getUint32(maskAt + 4, true), view.getUint32(maskAt + 8, true)];
    if (header.masks.some((m) => m === 0)) throw unreadable('BMP has an empty colour bit mask');
  } else if (bits === 16) {
    header.masks = [0x7c00, 0x03e0, 0x001f]; // BI_RGB 16-bit is 5-5-5
  } else if (bits === 32) {
    header.masks = [0x00ff0000, 0x0000ff00, 0x000000ff];
  }
  if (bits <= 8) {
    const max = 2 ** bits;
    const count = colorsUsed === 0 ? max : colorsUsed;
    if (count > max) throw unreadable(`BMP palette claims ${count} colours, more than ${bits} bits can index`);
    if (tableStart + count * 4 > bytes.length) throw unreadable('BMP palette is truncated');
    header.palette = { offset: tableStart, count };
    tableStart += count * 4;
  }
  if (dataOffset < tableStart) throw unreadable(`BMP pixel data offset ${dataOffset} lies inside its headers (which end at ${tableStart})`);
  const needed = dataOffset + header.rowBytes * height;
  if (needed > bytes.length) throw unreadable(`BMP pixel data is truncated (${bytes.length} bytes, ${width}×${height} at ${bits} bits needs ${needed})`);
  return header;
}

/** Decodes to RGB (alpha dropped); throws BmpError with the reason for anything it refuses. */
export function decodeBmp(bytes: Uint8Array, maxPixels = BMP_MAX_PIXELS): DecodedBmp {
  const h = readBmpHeader(bytes, maxPixels);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(h.width * h.height * 3);
  const channels = h.masks?.map(maskChannel);
  const palette = h.palette && paletteRgb(bytes, h.palette);
  for (let y = 0; y < h.height; y++) {
    const row = h.dataOffset + (h.topDown ? y : h.height - 1 - y) * h.rowBytes;
    let o = y * h.width * 3;
    for (let x = 0; x < h.width; x++, o += 3) {
      if (palette) {
        const i = paletteIndex(bytes, row, x, h.bitsPerPixel);
        // An index past the palette's end is a damaged file; black is as good as any colour.
        if (i < h.palette!.count) out.set(palette.subarray(i * 3, i * 3 + 3), o);
      } else if (h.bitsPerPixel === 24) {
        const p = row + x * 3;
        out[o] = bytes[p + 2];
        out[o + 1] = bytes[p + 1];
        out[o + 2] = bytes[p];
      } else {
        const pixel = h.bitsPerPixel === 32 ? view.getUint32(row + x * 4, true) : view.getUint16(row + x * 2, true);
        for (let c = 0; c < 3; c++) out[o + c] = channels![c](pixel);
      }
    }
  }
  return { width: h.width, height: h.height, data: out };
}

function paletteRgb(bytes: Uint8Array, palette: { offset: number; count: number }): Uint8Array {
  const rgb = new Uint8Array(palette.count * 3);
  for (let i = 0; i < palette.count; i++) {
    const p = palette.offset + i * 4; // B, G, R, reserved
    rgb[i * 3] = bytes[p + 2];
    rgb[i * 3 + 1] = bytes[p + 1];
    rgb[i * 3 + 2] = bytes[p];
  }
  return rgb;
}

function paletteIndex(bytes: Uint8Array, row: number, x: number, bits: number): number {
  if (bits === 8) return bytes[row + x];
  if (bits === 4) return (bytes[row + (x >> 1)] >> (x & 1 ? 0 : 4)) & 0x0f;
  return (bytes[row + (x >> 3)] >> (7 - (x & 7))) & 1; // 1 bit, most significant first
}

/** A channel's mask → a function from the pixel to that channel scaled to 0..255. */
function maskChannel(mask: number): (pixel: number) => number {
  const shift = Math.min(31, countTrailingZeros(mask));
  const max = mask >>> shift;
  return (pixel) => Math.round((((pixel & mask) >>> shift) * 255) / max);
}

function countTrailingZeros(n: number): number {
  return 31 - Math.clz32(n & -n);
}

function unreadable(message: string): BmpError {
  return new BmpError('unreadable', message);
}
