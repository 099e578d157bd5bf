import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bm25Index, mergeBm25Stats } from '../../../../src/engine/index/bm25';
import { EngineError } from '../../../../src/engine/errors';

const docs = [
  'the parser reads the file and the parser returns tokens',
  'the file is opened and the file is closed',
  'the tokenizer splits the text into tokens',
  'parseHTTPResponse decodes the http response body',
  'the cache keeps the file contents in memory',
  'a response is sent back to the client',
];

function indexOf(texts: string[], labels = texts.map((_, i) => i)): Bm25Index {
  const idx = new Bm25Index({ analyzerParams: { type: 'code' } });
  texts.forEach((t, i) => idx.add(labels[i], t));
  return idx;
}

test('the document with the rare matching term ranks first', () => {
  const idx = indexOf(docs);
  // "file" is common (3 docs), "tokenizer" is rare (1 doc).
  const hits = idx.search('file tokenizer', 3);
  assert.equal(hits.labels[0], 2);
  assert.ok(hits.distances[0] > hits.distances[1], 'scores are descending, larger is better');
  for (let i = 1; i < hits.distances.length; i++) assert.ok(hits.distances[i - 1] >= hits.distances[i]);
});

test('a code query finds the camelCase identifier by its parts', () => {
  const idx = indexOf(docs);
  const hits = idx.search('http response', 2);
  assert.equal(hits.labels[0], 3);
  assert.equal(idx.search('parse_http_response', 1).labels[0], 3);
});

test('repeated terms score higher until saturation; longer docs are normalised', () => {
  const idx = indexOf(['cache', 'cache cache cache', 'cache and many other unrelated words in here']);
  const hits = idx.search('cache', 3);
  assert.deepEqual(hits.labels, [1, 0, 2]);
});

test('no matching term → no hits; k=0 → no hits', () => {
  const idx = indexOf(docs);
  assert.deepEqual(idx.search('kubernetes', 5), { labels: [], distances: [] });
  assert.deepEqual(idx.search('file', 0), { labels: [], distances: [] });
  assert.deepEqual(new Bm25Index().search('file', 5), { labels: [], distances: [] });
});

test('merged stats of two segments give the same scores as one index over all docs', () => {
  const whole = indexOf(docs);
  const a = indexOf(docs.slice(0, 3));
  const b = indexOf(docs.slice(3));
  for (const q of ['file tokenizer', 'http response', 'the parser', 'cache memory client']) {
    const terms = whole.analyzer.analyze(q);
    const stats = mergeBm25Stats([a.stats(terms), b.stats(terms)]);
    assert.deepEqual(stats, whole.stats(terms));
    const fromSegments = [
      ...zip(a.search(q, 10, undefined, stats)).map(([l, d]) => [l, d] as const),
      ...zip(b.search(q, 10, undefined, stats)).map(([l, d]) => [l + 3, d] as const),
    ].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const direct = zip(whole.search(q, 10));
    assert.equal(fromSegments.length, direct.length, q);
    fromSegments.forEach(([l, d], i) => {
      assert.equal(l, direct[i][0], q);
      assert.ok(Math.abs(d - direct[i][1]) < 1e-9, `${q}: ${d} vs ${direct[i][1]}`);
    });
  }
  // Without collection stats, a segment's scores differ (idf from the segment alone).
  const local = b.search('response', 1).distances[0];
  const global = b.search('response', 1, undefined, mergeBm25Stats([a.stats(['response']), b.stats(['response'])])).distances[0];
  assert.notEqual(local, global);
});

test('mergeBm25Stats of full stats sums df per term', () => {
  const a = indexOf(['alpha beta', 'beta gamma']);
  const b = indexOf(['beta delta']);
  const m = mergeBm25Stats([a.stats(), b.stats()]);
  assert.equal(m.docCount, 3);
  assert.equal(m.totalLength, 6);
  assert.deepEqual(Object.fromEntries(m.df), { alpha: 1, beta: 3, gamma: 1, delta: 1 });
});

test('the label filter is applied during scoring: k results even when the best are filtered out', () => {
  const texts = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 'needle needle needle haystack' : 'needle haystack hay'));
  const idx = indexOf(texts);
  const hits = idx.search('needle', 10, (label) => label % 2 === 1);
  assert.equal(hits.labels.length, 10);
  assert.ok(hits.labels.every((l) => l % 2 === 1));
  assert.deepEqual(hits.labels, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19], 'ties broken by label');
});

test('labels may be sparse and out of order; re-adding a label is an error', () => {
  const idx = new Bm25Index();
  idx.add(100, 'zebra stripes');
  idx.add(7, 'zebra');
  assert.equal(idx.size, 2);
  assert.deepEqual(idx.search('zebra', 5).labels, [7, 100]);
  assert.throws(() => idx.add(7, 'again'), (e: unknown) => e instanceof EngineError && /label 7/.test(e.message));
  assert.throws(() => idx.add(-1, 'x'), /non-negative/);
});

test('invalid k1 / b are rejected with the Milvus parameter name', () => {
  assert.throws(() => new Bm25Index({ b: 2 }), /bm25_b/);
  assert.throws(() => new Bm25Index({ k1: -1 }), /bm25_k1/);
});

test('save/load round trip keeps params, analyzer and scores; bad files are clear errors', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-bm25-'));
  try {
    const idx = new Bm25Index({ k1: 1.5, b: 0.5, analyzerParams: { type: 'code' } });
    docs.forEach((t, i) => idx.add(i * 2, t));
    const file = path.join(dir, 'text.bm25');
    await idx.save(file);
    const back = await Bm25Index.load(file);
    assert.equal(back.k1, 1.5);
    assert.equal(back.b, 0.5);
    assert.equal(back.size, idx.size);
    assert.equal(back.vocabularySize, idx.vocabularySize);
    assert.deepEqual(back.stats(), idx.stats());
    for (const q of ['http response', 'file tokenizer', 'the']) assert.deepEqual(back.search(q, 10), idx.search(q, 10));
    // The loaded index keeps growing.
    back.add(1, 'tokenizer tokenizer');
    assert.equal(back.search('tokenizer', 1).labels[0], 1);
    assert.ok(back.memoryBytes() > 0);

    const bad = path.join(dir, 'bad.bm25');
    await writeFile(bad, 'hello world, not an index');
    await assert.rejects(Bm25Index.load(bad), (e: unknown) => e instanceof EngineError && e.message.includes(bad) && /magic/.test(e.message));
    const bytes = await readFile(file);
    await writeFile(bad, bytes.subarray(0, bytes.length - 3));
    await assert.rejects(Bm25Index.load(bad), /truncated/);
    const future = Buffer.from(bytes);
    future.writeUInt32LE(99, 'LOUPEBM25'.length);
    await writeFile(bad, future);
    await assert.rejects(Bm25Index.load(bad), /version 99/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function zip(h: { labels: number[]; distances: number[] }): Array<[number, number]> {
  return h.labels.map((l, i) => [l, h.distances[i]]);
}
