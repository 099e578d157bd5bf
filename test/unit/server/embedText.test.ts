import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EmbedError } from '../../../src/server/embed/errors';
import { TextEmbedder } from '../../../src/server/embed/textEmbedder';
import { TINY_TEXT, maxAbsDiff, norm } from './embedFixtures';

describe('TextEmbedder on the tiny generated model', () => {
  let embedder: TextEmbedder;
  before(async () => {
    embedder = await TextEmbedder.load(TINY_TEXT);
  });

  it('reports the model width and id', () => {
    assert.equal(embedder.dim, 32);
    assert.equal(embedder.modelId, 'tiny-text');
  });

  it('returns one unit-length vector per text, in order', async () => {
    const texts = ['search the vector index', 'import image files', 'return null', ''];
    const vectors = await embedder.embed(texts);
    assert.equal(vectors.length, texts.length);
    for (const v of vectors) {
      assert.equal(v.length, 32);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5, `norm ${norm(v)}`);
    }
  });

  it('gives different texts different vectors and the same text the same vector', async () => {
    const [a, b, a2] = await embedder.embed(['open the file', 'class User extends Model', 'open the file']);
    assert.ok(maxAbsDiff(a, b) > 1e-3);
    assert.deepEqual(Array.from(a), Array.from(a2));
  });

  it('embeds a batch exactly as it embeds the texts one by one (padding does not leak)', async () => {
    const texts = ['a', 'function load(path) { return read(path) }', 'the sky is blue', 'x y z 1 2 3'];
    const batch = await embedder.embed(texts);
    for (let i = 0; i < texts.length; i++) {
      const [single] = await embedder.embed([texts[i]]);
      assert.ok(maxAbsDiff(batch[i], single) < 1e-5, `text ${i} differs by ${maxAbsDiff(batch[i], single)}`);
    }
  });

  it('splits large inputs into model calls and keeps their order', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `line ${i} of the file ${i % 7}`);
    const all = await embedder.embed(texts);
    const [t69] = await embedder.embed([texts[69]]);
    assert.equal(all.length, 70);
    assert.ok(maxAbsDiff(all[69], t69) < 1e-5);
  });

  it('truncates to maxLength word pieces, so only the start of a long text counts', async () => {
    const short = await TextEmbedder.load({ ...TINY_TEXT, maxLength: 6 });
    const head = 'open the file and read';
    const [a, b] = await short.embed([head, `${head} then search the index for every word`]);
    assert.ok(maxAbsDiff(a, b) < 1e-6);
    const [c, d] = await embedder.embed([head, `${head} then search the index for every word`]);
    assert.ok(maxAbsDiff(c, d) > 1e-3);
  });

  it('rejects a non-string text by position', async () => {
    await assert.rejects(embedder.embed(['ok', 42 as unknown as string]), (err: unknown) => {
      assert.ok(err instanceof EmbedError);
      assert.equal(err.code, 'bad-input');
      assert.match(err.message, /text 1 is number/);
      return true;
    });
  });
});
