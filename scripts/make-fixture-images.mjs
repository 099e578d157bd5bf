// Regenerates the small binary fixtures in test/fixtures/workspace/assets: images made with sharp
// (a BMP written by hand, since sharp cannot encode BMP) and a non-image binary file.
// Run from the repo root: node scripts/make-fixture-images.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const dir = join(process.cwd(), 'test/fixtures/workspace/assets');
mkdirSync(dir, { recursive: true });

await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
  .png()
  .toFile(join(dir, 'red-square.png'));

const circle = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">' +
    '<rect width="48" height="48" fill="#fff"/><circle cx="24" cy="24" r="20" fill="#0033ff"/></svg>',
);
await sharp(circle).png().toFile(join(dir, 'blue-circle.png'));

// A horizontal gradient, so the JPEG is not a flat colour.
const width = 80;
const height = 60;
const pixels = Buffer.alloc(width * height * 3);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    const at = (y * width + x) * 3;
    pixels[at] = Math.round((x / (width - 1)) * 255);
    pixels[at + 1] = 128;
    pixels[at + 2] = Math.round((y / (height - 1)) * 255);
  }
}
await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toFile(join(dir, 'photo.jpg'));

writeFileSync(join(dir, 'tiny.bmp'), bmp(5, 3, [0, 200, 0]));

// Not an image: bytes with NULs, which the scanner must skip as binary.
const blob = Buffer.alloc(256);
for (let i = 0; i < blob.length; i++) blob[i] = (i * 37) % 256;
writeFileSync(join(dir, 'blob.dat'), blob);

/** A 24-bit uncompressed BMP (BITMAPINFOHEADER) filled with one colour (r, g, b). */
function bmp(w, h, [r, g, b]) {
  const rowBytes = Math.ceil((w * 3) / 4) * 4;
  const out = Buffer.alloc(54 + rowBytes * h);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(w, 18);
  out.writeInt32LE(h, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * h, 34);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = 54 + y * rowBytes + x * 3;
      out[at] = b;
      out[at + 1] = g;
      out[at + 2] = r;
    }
  }
  return out;
}
