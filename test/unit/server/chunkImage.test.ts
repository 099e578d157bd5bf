// Images: one chunk with width and height; bombs and truncated files are skipped with a reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import sharp = require('sharp');
import { chunkFile, chunkFileWithReport } from '../../../src/server/chunk/index';
import { fixtureWorkspace } from './workspaceFixture';

function asset(name: string): Buffer {
  return fs.readFileSync(path.join(fixtureWorkspace(), 'assets', name));
}

function imageFile(relPath: string, bytes: Buffer) {
  return { absPath: `/ws/${relPath}`, relPath, folder: 'shapes', bytes };
}

test('each fixture image is one chunk with its width and height', async () => {
  const expected: Array<[string, number, number]> = [
    ['red-square.png', 64, 64],
    ['blue-circle.png', 48, 48],
    ['photo.jpg', 80, 60],
    ['logo.svg', 48, 32],
    ['tiny.bmp', 5, 3],
  ];
  for (const [name, width, height] of expected) {
    const rel = `assets/${name}`;
    const chunks = await chunkFile(imageFile(rel, asset(name)));
    assert.equal(chunks.length, 1, name);
    const [c] = chunks;
    assert.deepEqual(
      [c.kind, c.language, c.path, c.folder, c.symbol, c.width, c.height, c.startLine, c.endLine],
      ['image', 'image', rel, 'shapes', name, width, height, 1, 1],
    );
    assert.match(c.contentHash, /^[0-9a-f]{16}$/);
  }
});

test('two images with the same name and size but different pixels hash differently', async () => {
  const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).png().toBuffer();
  const green = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).png().toBuffer();
  const [a] = await chunkFile(imageFile('x.png', red));
  const [b] = await chunkFile(imageFile('x.png', green));
  assert.notEqual(a.contentHash, b.contentHash);
});

test('a truncated image is skipped as unreadable, naming the file', async () => {
  for (const name of ['red-square.png', 'photo.jpg', 'tiny.bmp']) {
    const bytes = asset(name);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const result = await chunkFileWithReport(imageFile(`assets/${name}`, cut));
    assert.deepEqual(result.chunks, [], name);
    assert.equal(result.skipped?.reason, 'unreadable', name);
    assert.match(result.skipped?.message ?? '', new RegExp(`^assets/${name.replace('.', '\\.')}: `));
  }
});

test('a decompression bomb (over 50 MP) is skipped as too large without decoding it', async () => {
  // A real PNG whose header claims 10000 × 10000 (100 MP): sharp must refuse before decoding.
  const bomb = Buffer.from(asset('red-square.png'));
  bomb.writeUInt32BE(10_000, 16); // IHDR width
  bomb.writeUInt32BE(10_000, 20); // IHDR height
  bomb.writeUInt32BE(zlib.crc32(bomb.subarray(12, 29)), 29); // IHDR type + data, then its CRC
  const result = await chunkFileWithReport(imageFile('bomb.png', bomb));
  assert.deepEqual(result.chunks, []);
  assert.equal(result.skipped?.reason, 'too-large');
  assert.match(result.skipped?.message ?? '', /50 MP/);
});

test('a file named .png that is not an image is skipped, not thrown', async () => {
  const result = await chunkFileWithReport(imageFile('fake.png', Buffer.from('just text')));
  assert.deepEqual(result.chunks, []);
  assert.equal(result.skipped?.reason, 'unreadable');
});
