// Fuzzing the REST front door: valid Milvus REST v2 bodies for every endpoint, mutated (fields
// dropped, replaced by hostile JSON, bodies that are not objects), plus raw-byte abuse (invalid
// UTF-8, deep nesting, oversize and slow bodies). Every answer must be Milvus-shaped —
// `{code: 0, data}` or `{code != 0, message}` — never an "unexpected error" (code 65535, an
// exception we did not anticipate); the server must keep answering valid requests, and memory
// must stay bounded.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import { post, startTestServer, TOKEN, type TestServer } from '../engine/rest/harness';
import { fuzzParams } from './fuzzConfig';

const C = 'c';
const VALID: Record<string, () => Record<string, unknown>> = {
  '/v2/vectordb/collections/create': () => ({ collectionName: 'made', dimension: 2 }),
  '/v2/vectordb/collections/describe': () => ({ collectionName: C }),
  '/v2/vectordb/collections/list': () => ({}),
  '/v2/vectordb/collections/has': () => ({ collectionName: C }),
  '/v2/vectordb/collections/drop': () => ({ collectionName: 'made' }),
  '/v2/vectordb/collections/get_stats': () => ({ collectionName: C }),
  '/v2/vectordb/collections/load': () => ({ collectionName: C }),
  '/v2/vectordb/collections/get_load_state': () => ({ collectionName: C }),
  '/v2/vectordb/collections/flush': () => ({ collectionName: C }),
  '/v2/vectordb/collections/compact': () => ({ collectionName: C }),
  '/v2/vectordb/entities/insert': () => ({ collectionName: C, data: [{ id: 1000, vector: [0.1, 0.2], color: 'red' }] }),
  '/v2/vectordb/entities/upsert': () => ({ collectionName: C, data: [{ id: 1, vector: [0.3, 0.2] }] }),
  '/v2/vectordb/entities/delete': () => ({ collectionName: C, filter: 'id in [1000]' }),
  '/v2/vectordb/entities/get': () => ({ collectionName: C, id: [1, 2], outputFields: ['*'] }),
  '/v2/vectordb/entities/query': () => ({ collectionName: C, filter: 'id > {n}', exprParams: { n: 0 }, limit: 3, outputFields: ['id'] }),
  '/v2/vectordb/entities/search': () => ({ collectionName: C, data: [[0.1, 0.2]], annsField: 'vector', limit: 3, filter: 'id >= 0', searchParams: { params: { ef: 16 } } }),
  '/v2/vectordb/entities/hybrid_search': () => ({
    collectionName: C, search: [{ data: [[0.1, 0.2]], annsField: 'vector', limit: 2 }], rerank: { strategy: 'rrf', params: { k: 10 } }, limit: 2,
  }),
  '/v2/vectordb/indexes/describe': () => ({ collectionName: C, indexName: 'vector' }),
  '/v2/vectordb/indexes/list': () => ({ collectionName: C }),
  '/v2/vectordb/indexes/drop': () => ({ collectionName: C, indexName: 'vector' }),
  '/v2/vectordb/indexes/create': () => ({ collectionName: C, indexParams: [{ fieldName: 'vector', indexName: 'vector', indexType: 'FLAT', metricType: 'COSINE' }] }),
  // Last, so the in-order run of valid bodies reads before it releases.
  '/v2/vectordb/collections/release': () => ({ collectionName: C }),
};
const ENDPOINTS = Object.keys(VALID);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const nested = (depth: number, leaf: Json, asObject: boolean): Json => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
};
const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, '', -1, 0, 1.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, 'id > ', '\u0000', '😀'.repeat(50), [], {}, [[]], [null], ['x'], { __proto__: 1 } as unknown as Json),
  fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => i % 7) as Json),
  fc.integer({ min: 1, max: 3000 }).map((n) => [Array.from({ length: n }, () => 0.5)] as Json),
  fc.tuple(fc.integer({ min: 10, max: 1500 }), fc.boolean()).map(([d, o]) => nested(d, 1, o)),
);

/** A key path into a body (an index into each level's keys, taken modulo their count). */
type Mutation =
  | { k: 'replace'; at: number[]; value: Json }
  | { k: 'remove'; at: number[] }
  | { k: 'add'; key: string; value: Json }
  | { k: 'whole'; value: Json };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('replace' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), value: hostile }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('remove' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('add' as const), key: fc.constantFrom('dbName', 'partitionName', 'outputFields', 'consistencyLevel', 'limit', 'offset', 'COLLECTIONNAME', 'params'), value: hostile }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('whole' as const), value: hostile }) },
);

function mutate(body: Record<string, unknown>, m: Mutation): Json {
  if (m.k === 'whole') return m.value;
  if (m.k === 'add') return { ...(body as Record<string, Json>), [m.key]: m.value };
  // Walk down the path while the value is a container; change the last step reached.
  let parent: Record<string, Json> | Json[] = body as Record<string, Json>;
  for (let i = 0; i < m.at.length; i++) {
    const keys = Object.keys(parent);
    if (keys.length === 0) break;
    const key = keys[m.at[i] % keys.length];
    const child: Json = (parent as Record<string, Json>)[key];
    const last = i === m.at.length - 1 || child === null || typeof child !== 'object';
    if (last) {
      if (m.k === 'replace') (parent as Record<string, Json>)[key] = m.value;
      else if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    }
    parent = child as Record<string, Json> | Json[];
  }
  return body as Record<string, Json>;
}

function assertMilvusShaped(reply: { status: number; json: { code: number; message?: string } }, what: string): void {
  assert.ok(reply.status === 200 || (reply.status >= 400 && reply.status < 500), `${what}: HTTP ${reply.status}`);
  assert.equal(typeof reply.json.code, 'number', `${what}: no numeric code`);
  if (reply.json.code !== 0) {
    assert.equal(typeof reply.json.message, 'string', `${what}: an error without a message`);
    assert.ok((reply.json.message ?? '').length > 0, `${what}: an empty message`);
    assert.notEqual(reply.json.code, 65535, `${what}: unexpected error: ${reply.json.message}`);
  } else assert.ok(reply.status === 200, `${what}: code 0 with HTTP ${reply.status}`);
}

/** Raw HTTP over a socket, for bodies fetch will not send (bad bytes, lies about length, stalls). */
function rawRequest(port: number, head: string, chunks: Buffer[], gapMs = 0): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', () => undefined); // a reset after the answer is fine
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (!m) return reject(new Error(`no HTTP answer: ${JSON.stringify(got.slice(0, 200))}`));
      resolve({ status: Number(m[1]), body: got.slice(got.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(head);
    let i = 0;
    const next = (): void => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i++]);
      setTimeout(next, gapMs);
    };
    next();
  });
}

const MAX_BODY = 64 * 1024;
const TIMEOUT_MS = 400;

describe('REST fuzz', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxBodyBytes: MAX_BODY, requestTimeoutMs: TIMEOUT_MS });
    const made = await post(t.server, '/v2/vectordb/collections/create', { collectionName: C, dimension: 2, enableDynamicField: true });
    assert.equal(made.json.code, 0, made.json.message);
    const rows = Array.from({ length: 20 }, (_, i) => ({ id: i, vector: [Math.cos(i), Math.sin(i)] }));
    assert.equal((await post(t.server, '/v2/vectordb/entities/insert', { collectionName: C, data: rows })).json.code, 0);
  });
  after(async () => t.stop());

  async function stillServing(what: string): Promise<void> {
    const r = await post(t.server, '/v2/vectordb/collections/has', { collectionName: C });
    assert.equal(r.json.code, 0, `${what}: the server stopped answering: ${r.json.message}`);
    if (!(r.json.data as { has: boolean }).has) {
      // A mutated request may drop it or its index; put it back so later cases reach deep code.
      await post(t.server, '/v2/vectordb/collections/create', { collectionName: C, dimension: 2, enableDynamicField: true });
    }
    await post(t.server, '/v2/vectordb/indexes/create', VALID['/v2/vectordb/indexes/create']());
    await post(t.server, '/v2/vectordb/collections/load', { collectionName: C });
  }

  it('every endpoint answers the unmutated valid body with code 0', async () => {
    for (const endpoint of ENDPOINTS) {
      const r = await post(t.server, endpoint, VALID[endpoint]());
      assert.equal(r.json.code, 0, `${endpoint}: ${r.json.message}`);
    }
  });

  it('mutated bodies on every endpoint get Milvus-shaped answers and memory stays bounded', async () => {
    const rssBefore = process.memoryUsage().rss;
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (endpoint, ms) => {
        let body = VALID[endpoint]() as Json;
        for (const m of ms) body = body !== null && typeof body === 'object' && !Array.isArray(body) ? mutate(body, m) : body;
        const text = JSON.stringify(body);
        const reply = await post(t.server, endpoint, text);
        requests++;
        assertMilvusShaped(reply, `${endpoint} ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
        if (requests % 20 === 0) await stillServing(endpoint);
      }),
      fuzzParams(1302, 800),
    );
    await stillServing('after the run');
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    assert.ok(growthMb < 300, `RSS grew ${growthMb.toFixed(0)} MB over ${requests} requests`);
  });

  it('random bytes, invalid UTF-8 and truncated JSON get code 1801, not a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.nat().map((n) => { const s = JSON.stringify(VALID[ENDPOINTS[n % ENDPOINTS.length]]()); return Buffer.from(s.slice(0, n % s.length)); }),
          fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
          fc.constant(Buffer.from('{"collectionName":"\xc3\x28"}', 'latin1')),
        ),
        async (endpoint, bytes) => {
          const head = `POST ${endpoint} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
          const r = await rawRequest(t.server.port, head, [bytes]);
          const json = JSON.parse(r.body) as { code: number; message?: string };
          assertMilvusShaped({ status: r.status, json }, `${endpoint} ${bytes.toString('hex').slice(0, 80)}`);
        },
      ),
      fuzzParams(99, 150),
    );
    await stillServing('after raw bytes');
  });

  it('deep nesting inside a row, a filter param and a search vector is refused cleanly', async () => {
    // Each under the body limit, so the nesting reaches the route rather than the size check.
    for (const depth of [1_000, 10_000, 30_000]) {
      for (const asObject of [false, true]) {
        // Written as text: JSON.stringify itself recurses and would overflow on the deepest.
        const deep = `${(asObject ? '{"a":' : '[').repeat(depth)}1${(asObject ? '}' : ']').repeat(depth)}`;
        const bodies: Array<[string, string]> = [
          ['/v2/vectordb/entities/insert', `{"collectionName":"c","data":[{"id":${5000 + depth},"vector":[0,1],"deep":${deep}}]}`],
          ['/v2/vectordb/entities/upsert', `{"collectionName":"c","data":[{"id":1,"vector":[0,1],"deep":${deep}}]}`],
          ['/v2/vectordb/entities/query', `{"collectionName":"c","filter":"id in {n}","exprParams":{"n":${deep}},"limit":1}`],
          ['/v2/vectordb/entities/search', `{"collectionName":"c","data":[${deep}],"limit":1}`],
          ['/v2/vectordb/entities/get', `{"collectionName":"c","id":${deep}}`],
          ['/v2/vectordb/collections/create', `{"collectionName":"deep","schema":${deep}}`],
        ];
        for (const [endpoint, text] of bodies) {
          if (text.length > MAX_BODY) continue;
          assertMilvusShaped(await post(t.server, endpoint, text), `${endpoint} nested ${depth} ${asObject ? 'objects' : 'arrays'}`);
        }
      }
    }
    await stillServing('after deep nesting');
  });

  it('regression: a 10,000-deep array as an id is refused with code 1806, not a stack overflow', async () => {
    // Found by the deep-nesting case: the error message used JSON.stringify on the bad id.
    const text = `{"collectionName":"c","id":${'['.repeat(10_000)}1${']'.repeat(10_000)}}`;
    for (const endpoint of ['/v2/vectordb/entities/get', '/v2/vectordb/entities/delete']) {
      const r = await post(t.server, endpoint, text);
      assert.equal(r.json.code, 1806, `${endpoint}: ${r.json.message}`);
      assert.ok((r.json.message ?? '').length < 200, 'the message must not echo the whole value');
    }
  });

  it('an oversize body gets 413 with a Milvus body, declared or streamed', async () => {
    const big = Buffer.alloc(MAX_BODY + 1, 0x20);
    const declared = await rawRequest(t.server.port,
      `POST /v2/vectordb/entities/insert HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${big.length}\r\n\r\n`, [big]);
    assert.equal(declared.status, 413);
    assert.equal((JSON.parse(declared.body) as { code: number }).code, 413);
    // Chunked: no length up front, so the limit must be enforced while reading.
    const chunked = await rawRequest(t.server.port,
      `POST /v2/vectordb/entities/insert HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      [Buffer.from(`${big.length.toString(16)}\r\n`), big, Buffer.from('\r\n0\r\n\r\n')]);
    const chunkedBody = chunked.body.replace(/^[0-9a-f]+\r\n/, '');
    assert.equal(chunked.status, 413);
    assert.match(chunkedBody, /"code":413/);
    await stillServing('after oversize bodies');
  });

  it('a slow sender is cut off after the request timeout and the server keeps serving', async () => {
    const started = Date.now();
    const body = Buffer.from(JSON.stringify(VALID['/v2/vectordb/collections/has']()));
    // Ten bytes promised more than sent, then silence: the server must give up on its own.
    const r = await rawRequest(t.server.port,
      `POST /v2/vectordb/collections/has HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${body.length + 10}\r\n\r\n`,
      [body.subarray(0, 5), body.subarray(5)], 50).catch(() => ({ status: 0, body: '' }));
    assert.ok(r.status === 0 || r.status === 408 || (r.status >= 400 && r.status < 500), `HTTP ${r.status}`);
    assert.ok(Date.now() - started < 10_000, 'the connection was held open long after the timeout');
    await stillServing('after a slow sender');
  });
});
