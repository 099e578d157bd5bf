import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ClipEmbedder } from '../../../src/server/embed/clipEmbedder';
import { EmbedError } from '../../../src/server/embed/errors';
import { IMAGES, TINY_CLIP, maxAbsDiff, norm } from './embedFixtures';

describe('ClipEmbedder on the tiny generated CLIP pair', () => {
  let clip: ClipEmbedder;
  const red = path.join(IMAGES, 'tiny-red.png');
  const blue = path.join(IMAGES, 'tiny-blue.png');
  const stripes = path.join(IMAGES, 'tiny-stripes.png');
  before(async () => {
    clip = await ClipEmbedder.load(TINY_CLIP);
  });

  it('text tower returns projection-width unit vectors that differ per text', async () => {
    assert.equal(clip.dim, 16);
    const [a, b] = await clip.embedTexts(['a red picture', 'a blue sky']);
    for (const v of [a, b]) {
      assert.equal(v.length, 16);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    }
    assert.ok(maxAbsDiff(a, b) > 1e-3);
    const [alone] = await clip.embedTexts(['a blue sky']);
    assert.ok(maxAbsDiff(b, alone) < 1e-5, 'batched and single text embeddings agree');
  });

  it('image tower returns unit vectors of the same width, different per picture', async () => {
    const vectors = await clip.embedImages([{ path: red }, { path: blue }, { path: stripes }]);
    assert.equal(vectors.length, 3);
    for (const v of vectors) {
      assert.equal(v.length, 16);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    }
    assert.ok(maxAbsDiff(vectors[0], vectors[1]) > 1e-3);
    assert.ok(maxAbsDiff(vectors[1], vectors[2]) > 1e-3);
  });

  it('embeds an image from its path and from its bytes identically', async () => {
    const [fromPath, fromBytes] = await clip.embedImages([{ path: blue }, { bytes: fs.readFileSync(blue) }]);
    assert.deepEqual(Array.from(fromPath), Array.from(fromBytes));
  });

  it('names the image that cannot be decoded', async () => {
    const missing = path.join(IMAGES, 'no-such-picture.png');
    await assert.rejects(clip.embedImages([{ path: red }, { path: missing }]), (err: unknown) => {
      assert.ok(err instanceof EmbedError);
      assert.equal(err.code, 'bad-input');
      assert.ok(err.message.includes('image 1') && err.message.includes(missing), err.message);
      return true;
    });
    await assert.rejects(clip.embedImages([{ bytes: Buffer.from('not an image') }]), /image 0 could not be decoded/);
  });
});
