import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbedPool } from '../../../src/server/embed/embedPool';
import { EmbedError, type EmbedErrorCode } from '../../../src/server/embed/errors';
import { TextEmbedder } from '../../../src/server/embed/textEmbedder';
import { POISON } from './embedCrashWorker';
import { IMAGES, MODELS, TINY_CLIP, TINY_TEXT, maxAbsDiff } from './embedFixtures';

const source = { modelPath: MODELS, allowDownload: false };
const text = { modelId: TINY_TEXT.modelId, dtype: TINY_TEXT.dtype };
const clip = { modelId: TINY_CLIP.modelId, dtype: TINY_CLIP.dtype };

function code(expected: EmbedErrorCode, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof EmbedError, `expected an EmbedError, got ${String(err)}`);
    assert.equal(err.code, expected, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

/** Lets queued messages and promise callbacks run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(() => (done = true), () => (done = true));
  return { promise, settled: () => done };
}

describe('EmbedPool (worker thread)', () => {
  let pool: EmbedPool;
  let direct: TextEmbedder;
  before(async () => {
    pool = await EmbedPool.start({ text, clip, source, threads: 1, batchSize: 4, maxQueue: 8 });
    direct = await TextEmbedder.load(TINY_TEXT);
  });
  after(() => pool.close());

  it('reports the loaded models widths', () => {
    assert.equal(pool.textDim, 32);
    assert.equal(pool.clipDim, 16);
  });

  it('returns what the model returns, in order, over many batches and concurrent callers', async () => {
    const requests = Array.from({ length: 25 }, (_, r) =>
      Array.from({ length: 1 + (r % 6) }, (_, i) => `request ${r} line ${i} return the file ${r * i}`),
    );
    const results = await Promise.all(requests.map((texts) => pool.embed(texts)));
    for (let r = 0; r < requests.length; r++) {
      const expected = await direct.embed(requests[r]);
      assert.equal(results[r].length, requests[r].length);
      results[r].forEach((v, i) => assert.ok(maxAbsDiff(v, expected[i]) < 1e-5, `request ${r} text ${i}`));
    }
  });

  it('applies back-pressure: submit() waits while the queue is full, and the bound holds', async () => {
    pool.pause();
    const submits = Array.from({ length: 5 }, (_, i) => tracked(pool.submit('text', [`a ${i}`, `b ${i}`, `c ${i}`])));
    await settle();
    assert.deepEqual(submits.map((s) => s.settled()), [true, true, false, false, false]);
    assert.equal(pool.queued, 6);
    assert.equal(pool.inWorker, 0, 'nothing is sent while paused');
    pool.resume();
    const accepted = await Promise.all(submits.map((s) => s.promise));
    const vectors = await Promise.all(accepted.map((a) => a.vectors));
    assert.deepEqual(vectors.map((v) => v.length), [3, 3, 3, 3, 3]);
    assert.equal(pool.queued, 0);
  });

  it('pause() holds work back and resume() lets it through', async () => {
    pool.pause();
    const pending = tracked(pool.embed(['paused work']));
    await settle(20);
    assert.equal(pending.settled(), false);
    pool.resume();
    const [v] = await pending.promise;
    assert.equal(v.length, 32);
  });

  // The timeout turns an urgent request stuck behind the pause into a failure, not a hung run.
  it('an urgent request (a search query) jumps queued work, and neither pause nor a full queue holds it', { timeout: 60_000 }, async () => {
    pool.pause();
    const background = Array.from({ length: 4 }, (_, i) => tracked(pool.submit('text', [`x ${i}`, `y ${i}`, `z ${i}`])));
    await settle();
    assert.deepEqual(background.map((b) => b.settled()), [true, true, false, false], 'the queue is full');
    const [query] = await pool.embed(['where is the parser'], { urgent: true });
    const [expected] = await direct.embed(['where is the parser']);
    assert.ok(maxAbsDiff(query, expected) < 1e-5, 'the urgent vector is the model\'s');
    assert.equal(pool.queued, 6, 'the paused background work is still queued, untouched');
    pool.resume();
    const vectors = await Promise.all((await Promise.all(background.map((b) => b.promise))).map((a) => a.vectors));
    assert.deepEqual(vectors.map((v) => v.length), [3, 3, 3, 3]);
  });

  it('cancels queued work by signal or all at once; the rest still completes', async () => {
    pool.pause();
    const controller = new AbortController();
    const cancelled = pool.embed(['cancel me', 'me too'], { signal: controller.signal });
    const kept = pool.embed(['keep me']);
    await settle();
    controller.abort();
    await assert.rejects(cancelled, code('cancelled', /2 input/));
    assert.equal(pool.queued, 1);
    const dropped = pool.embed(['dropped']);
    await settle();
    assert.equal(pool.cancelQueued(), 2);
    await assert.rejects(kept, code('cancelled'));
    await assert.rejects(dropped, code('cancelled'));
    pool.resume();
    assert.equal((await pool.embed(['after cancel'])).length, 1);
  });

  it('embeds CLIP texts and images, from paths and from bytes', async () => {
    const blue = path.join(IMAGES, 'tiny-blue.png');
    const [fromPath, fromBytes] = await pool.embedImages([{ path: blue }, { bytes: fs.readFileSync(blue) }]);
    assert.equal(fromPath.length, 16);
    assert.deepEqual(Array.from(fromPath), Array.from(fromBytes));
    const [t] = await pool.embedClipTexts(['a blue picture']);
    assert.equal(t.length, 16);
  });

  it('a bad image fails only its own request, not others batched with it', async () => {
    const red = path.join(IMAGES, 'tiny-red.png');
    const missing = path.join(IMAGES, 'missing.png');
    const good = pool.embedImages([{ path: red }]);
    const bad = pool.embedImages([{ path: missing }]);
    assert.equal((await good).length, 1);
    await assert.rejects(bad, code('bad-input', /missing\.png/));
  });

  it('rejects wrong input types at the call, by position', async () => {
    await assert.rejects(pool.embed(['ok', null as unknown as string]), code('bad-input', /text 1/));
  });
});

describe('EmbedPool worker crashes and load failures', () => {
  const crashWorker = path.join(__dirname, 'embedCrashWorker.js');

  it('a crash rejects the work the worker held with a clear error, then the pool recovers', async () => {
    const pool = await EmbedPool.start({ text, source, threads: 1, workerScript: crashWorker });
    try {
      const [before] = await pool.embed(['open the file']);
      await assert.rejects(pool.embed([POISON, 'innocent']), code('worker-crashed', /crashed \(exit code 70\).*restarted/));
      const [after] = await pool.embed(['open the file']);
      assert.deepEqual(Array.from(after), Array.from(before));
    } finally {
      await pool.close();
    }
  });

  it('gives up after too many crashes in a row and says so', async () => {
    const pool = await EmbedPool.start({ text, source, threads: 1, workerScript: crashWorker, maxRestarts: 1 });
    try {
      await assert.rejects(pool.embed([POISON]), code('worker-crashed'));
      await assert.rejects(pool.embed([POISON]), code('worker-crashed'));
      await settle();
      await assert.rejects(pool.embed(['anything']), code('worker-crashed', /2 times in a row/));
    } finally {
      await pool.close();
    }
  });

  it('a model that cannot be loaded fails start() with the worker\'s actionable error', async () => {
    await assert.rejects(
      EmbedPool.start({ text: { modelId: 'no-such-model' }, source, threads: 1 }),
      code('model-not-found', /no-such-model not found in .*downloads are disabled; set loupe.modelPath/),
    );
  });

  it('close() rejects pending work', async () => {
    const pool = await EmbedPool.start({ text, source, threads: 1 });
    pool.pause();
    const pending = assert.rejects(pool.embed(['never']), code('closed'));
    await settle();
    await pool.close();
    await pending;
    await assert.rejects(pool.embed(['later']), code('closed'));
  });
});
