// Loupe's shipped code model (models/code-v1): the TypeScript tokenizer and embedder against the
// ids and vectors the Python trainer computed (test/fixtures/models/loupe-code-cases.json), and
// the model's basic promises: fixed width, unit length, same text → same vector.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { EmbedError } from '../../../src/server/embed/errors';
import { StaticEmbedder, builtinModelDir } from '../../../src/server/embed/staticEmbedder';
import { maxAbsDiff, norm, repoRoot } from './embedFixtures';

interface Case {
  text: string;
  ids: number[];
  vector: number[];
}

const CASES = (
  JSON.parse(fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'models', 'loupe-code-cases.json'), 'utf8')) as { cases: Case[] }
).cases;

describe('the built-in code model', () => {
  let model: StaticEmbedder;
  before(() => {
    model = StaticEmbedder.load();
  });

  it('is found beside the code, is small, and says its width', () => {
    const dir = builtinModelDir();
    const bytes = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    assert.ok(bytes < 20 * 2 ** 20, `model files are ${bytes} bytes`);
    assert.equal(model.modelId, 'loupe/code-v1');
    assert.equal(model.dim, 256);
  });

  it('tokenizes identifiers of every chunker language exactly as the Python trainer did', () => {
    assert.ok(CASES.length >= 12);
    for (const c of CASES) assert.deepEqual(model.tokenize(c.text), c.ids, JSON.stringify(c.text));
  });

  it('splits camelCase, snake_case and digits, and drops long numbers', () => {
    const a = model.tokenize('getUserName');
    const b = model.tokenize('get_user_name');
    // the split parts are the same; camelCase may add the whole identifier in front
    assert.deepEqual(a.slice(a.length - b.length), b);
    assert.deepEqual(model.tokenize('read 1234567 bytes'), model.tokenize('read bytes'));
    assert.deepEqual(model.tokenize(''), []);
  });

  it('gives the vectors the Python trainer computed from the same int8 table', async () => {
    const vectors = await model.embed(CASES.map((c) => c.text));
    CASES.forEach((c, i) => {
      assert.equal(vectors[i].length, model.dim);
      assert.ok(maxAbsDiff(vectors[i], Float32Array.from(c.vector)) < 1e-4, `case ${i}: ${JSON.stringify(c.text)}`);
    });
  });

  it('returns unit-length vectors, the same for the same text across loads and batches', async () => {
    const texts = ['open a file and read its lines', 'class LruCache<K, V> { get(key: K) {} }', 'open a file and read its lines'];
    const [a, b, a2] = await model.embed(texts);
    for (const v of [a, b]) assert.ok(Math.abs(norm(v) - 1) < 1e-5, `norm ${norm(v)}`);
    assert.deepEqual(Array.from(a), Array.from(a2));
    assert.ok(maxAbsDiff(a, b) > 1e-3);
    const [again] = await StaticEmbedder.load().embed([texts[0]]);
    assert.deepEqual(Array.from(again), Array.from(a));
  });

  it('rejects a non-string text by position', async () => {
    await assert.rejects(model.embed(['ok', 3 as unknown as string]), (err: unknown) => err instanceof EmbedError && /text 1 is number/.test(err.message));
  });

  it('reports a damaged model folder by file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-static-'));
    fs.cpSync(builtinModelDir(), dir, { recursive: true });
    const table = path.join(dir, 'embeddings.i8');
    fs.truncateSync(table, 1000);
    assert.throws(
      () => StaticEmbedder.load(dir),
      (err: unknown) => err instanceof EmbedError && err.code === 'model-invalid' && /embeddings\.i8 has 1000 bytes/.test(err.message),
    );
    fs.rmSync(path.join(dir, 'vocab.txt'));
    assert.throws(() => StaticEmbedder.load(dir), (err: unknown) => err instanceof EmbedError && /cannot read .*vocab\.txt/.test(err.message));
    fs.writeFileSync(path.join(dir, 'model.json'), '{"format": "onnx"');
    assert.throws(() => StaticEmbedder.load(dir), (err: unknown) => err instanceof EmbedError && /model\.json is not valid JSON/.test(err.message));
  });
});
