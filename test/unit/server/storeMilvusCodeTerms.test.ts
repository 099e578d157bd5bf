// Text search through the Milvus backend finds code by its split identifiers, as the embedded
// backend does: MilvusStore sends the code analyzer's tokens (codeTerms.ts) to a Milvus server —
// here `loupe serve`'s REST server with Milvus's default `standard` analyzer — for rows and queries.
// A collection made before the tokens field existed still opens and searches its raw text.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { denseIndexes, storeSchema } from '../../../src/server/store/chunkCollection';
import { TERMS_FIELD, codeTerms } from '../../../src/server/store/codeTerms';
import { restCreateBody } from '../../../src/server/store/milvusSchema';
import { MilvusStore } from '../../../src/server/store/milvusStore';
import { ALICE, MODELS, type RunningRest, TOKEN, backends, chunk, startRest } from './storeFixtures';

const rows = [
  chunk('t1', 'src/geometry.ts', 'typescript', 'export function triangleArea(base: number, height: number) { return (base * height) / 2; }', [1, 0, 0, 0]),
  chunk('t2', 'src/circle.ts', 'typescript', 'export function circlePerimeter(radius: number) { return 2 * Math.PI * radius; }', [0, 1, 0, 0]),
  chunk('t3', 'src/parse.py', 'python', 'def parse_http_response(raw): return json.loads(raw)', [0, 0, 1, 0]),
];

let rest: RunningRest;

before(async () => {
  rest = await startRest();
});

after(async () => {
  await rest.stop();
});

test('codeTerms splits identifiers and keeps them whole', () => {
  const terms = codeTerms('triangleArea parse_http_response').split(' ');
  for (const t of ['trianglearea', 'triangle', 'area', 'parse_http_response', 'parse', 'http', 'response']) assert.ok(terms.includes(t), `${t} in ${terms}`);
});

test('both backends find triangleArea for "area of a triangle" and parse_http_response for "http response"', async () => {
  for (const backend of backends) {
    const running = await backend.start();
    try {
      await running.alice.ensureCollection(MODELS);
      await running.alice.upsert(rows);
      await running.alice.flush();
      const tri = await running.alice.textSearch({ text: 'area of a triangle', limit: 3 });
      assert.equal(tri[0]?.row.path, 'src/geometry.ts', `${backend.name}: ${JSON.stringify(tri.map((h) => h.row.path))}`);
      const http = await running.alice.textSearch({ text: 'http response', limit: 3 });
      assert.equal(http[0]?.row.path, 'src/parse.py', `${backend.name}: ${JSON.stringify(http.map((h) => h.row.path))}`);
      const hybrid = await running.alice.hybridSearch({ dense: [], text: 'circle perimeter', limit: 3 });
      assert.equal(hybrid[0]?.row.path, 'src/circle.ts', backend.name);
    } finally {
      await running.stop();
    }
  }
});

test('the Milvus server holds the tokens in their own field; the text comes back as written', async () => {
  const store = new MilvusStore({ uri: rest.server.url, protocol: 'http', token: TOKEN, workspace: ALICE });
  try {
    await store.ensureCollection(MODELS);
    await store.upsert(rows.slice(0, 1));
    const client = new HttpClient({ endpoint: rest.server.url, token: TOKEN });
    const d = await client.describeCollection({ collectionName: 'loupe_chunks' });
    const fn = (d.data as unknown as { functions: Array<{ inputFieldNames: string[] }> }).functions[0];
    assert.deepEqual(fn.inputFieldNames, [TERMS_FIELD]);
    const stored = await client.query({ collectionName: 'loupe_chunks', filter: '', limit: 5, outputFields: ['text', TERMS_FIELD] });
    const row = stored.data[0] as Record<string, string>;
    assert.equal(row.text, rows[0].text);
    assert.match(row[TERMS_FIELD], /\btriangle area\b|\btriangle\b.*\barea\b/);
    const [hit] = await store.query({ limit: 1, outputFields: ['text'] });
    assert.equal(hit.text, rows[0].text);
  } finally {
    await store.dropCollection();
    await store.close();
  }
});

test('a collection made before the tokens field still opens and searches its raw text', async () => {
  const client = new HttpClient({ endpoint: rest.server.url, token: TOKEN });
  const body = restCreateBody({ name: 'loupe_chunks', schema: storeSchema(MODELS), dense: denseIndexes(MODELS), analyzerParams: { type: 'standard' } });
  const made = await client.createCollection(body as unknown as Parameters<HttpClient['createCollection']>[0]);
  assert.equal(made.code, 0, JSON.stringify(made));
  const store = new MilvusStore({ uri: rest.server.url, protocol: 'http', token: TOKEN, workspace: ALICE });
  try {
    assert.deepEqual(await store.ensureCollection(MODELS), { created: false, collection: 'loupe_chunks' });
    await store.upsert(rows);
    const hits = await store.textSearch({ text: 'circlePerimeter', limit: 3 });
    assert.equal(hits[0]?.row.path, 'src/circle.ts');
  } finally {
    await store.dropCollection();
    await store.close();
  }
});
