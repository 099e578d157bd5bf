// BMP images through CLIP: the fixture BMP embeds like the same pixels as a PNG, and a workspace
// with a good, a truncated and an unsupported BMP indexes the first and skips the others, saying why.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { ClipEmbedder } from '../../../src/server/embed/clipEmbedder';
import { decodeBmp } from '../../../src/server/embed/bmp';
import { IndexModels } from '../../../src/server/indexer/models';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { TINY_CLIP, maxAbsDiff } from './embedFixtures';
import { TINY_MODELS, scratchDir, searchOf } from './indexerFixtures';
import { fixtureWorkspace } from './workspaceFixture';

const tinyBmp = path.join(fixtureWorkspace(), 'assets', 'tiny.bmp');
let clip: ClipEmbedder;

before(async () => {
  clip = await ClipEmbedder.load(TINY_CLIP);
});

after(async () => {
  await clip?.dispose();
});

test('the fixture BMP embeds from its path and its bytes, as the same pixels in a PNG do', async () => {
  const bytes = fs.readFileSync(tinyBmp);
  const { data, width, height } = decodeBmp(bytes);
  const png = await sharp(Buffer.from(data), { raw: { width, height, channels: 3 } }).png().toBuffer();
  const [fromPath, fromBytes, fromPng] = await clip.embedImages([{ path: tinyBmp }, { bytes }, { bytes: png }]);
  assert.equal(fromPath.length, clip.dim);
  assert.deepEqual(Array.from(fromPath), Array.from(fromBytes));
  assert.ok(maxAbsDiff(fromPath, fromPng) < 1e-4, `BMP and PNG of the same pixels differ by ${maxAbsDiff(fromPath, fromPng)}`);
});

test('an unsupported BMP given to the embedder fails naming the image and the reason', async () => {
  const rle = Buffer.from(fs.readFileSync(tinyBmp));
  rle.writeUInt32LE(1, 30); // BI_RLE8
  await assert.rejects(clip.embedImages([{ path: tinyBmp }, { bytes: rle }]), /image 1 could not be decoded: BMP compression RLE8 is not supported/);
});

test('indexing: the good BMP is searchable as an image; truncated and RLE BMPs are skipped with reasons', async () => {
  const ws = path.join(scratchDir('bmp-ws'), 'pictures');
  fs.mkdirSync(ws, { recursive: true });
  const good = fs.readFileSync(tinyBmp);
  fs.writeFileSync(path.join(ws, 'tiny.bmp'), good);
  fs.writeFileSync(path.join(ws, 'cut.bmp'), good.subarray(0, good.length - 20));
  const rle = Buffer.from(good);
  rle.writeUInt32LE(1, 30);
  fs.writeFileSync(path.join(ws, 'rle.bmp'), rle);

  const models = await IndexModels.load(TINY_MODELS);
  const index = await WorkspaceIndex.open({ folders: [{ name: 'pictures', absPath: ws }], dataDir: scratchDir('bmp-data'), models });
  try {
    const report = await index.indexAll();
    assert.equal(report.failed, 0, 'no BMP reached the embedder only to fail there');
    const status = index.status();
    assert.equal(status.images, 1);
    assert.equal(status.skipped.unreadable, 2);
    const details = index.skipDetails.join('\n');
    assert.match(details, /cut\.bmp: .*pixel data is truncated/);
    assert.match(details, /rle\.bmp: .*RLE8 is not supported/);
    // Search by the picture itself (a BMP query is decoded the same way): it finds its own row.
    const hits = await searchOf(index).searchImage({ imagePath: path.join(ws, 'tiny.bmp'), limit: 5 });
    assert.equal(hits.error, undefined);
    assert.deepEqual(hits.hits.map((h) => h.path), ['tiny.bmp']);
    assert.ok(hits.hits[0].score > 0.999, `score ${hits.hits[0].score}`);
  } finally {
    await index.close();
    await models.close();
  }
});
