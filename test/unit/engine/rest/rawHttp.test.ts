// The front door's defences, driven with raw HTTP: auth, bad JSON, oversized and slow bodies,
// unknown paths, wrong types — each answered with a Milvus-style code and message, and the
// server still answering the next request.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Database } from '../../../../src/engine/database';
import type { RestServer } from '../../../../src/engine/rest/server';
import { TOKEN, type TestServer, post, startTestServer } from './harness';

let running: TestServer;
let server: RestServer;
let db: Database;

before(async () => {
  running = await startTestServer({ maxBodyBytes: 64 * 1024, requestTimeoutMs: 400 });
  ({ server, db } = running);
  await db.createCollection('docs', {
    fields: [
      { name: 'id', dataType: 'Int64', isPrimary: true },
      { name: 'vector', dataType: 'FloatVector', dim: 2 },
      { name: 'title', dataType: 'VarChar', maxLength: 64 },
    ],
  });
});

after(async () => {
  await running.stop();
});

async function stillAnswers(): Promise<void> {
  const r = await post(server, '/v2/vectordb/collections/list', {});
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { code: 0, data: ['docs'] });
}

test('binds to 127.0.0.1 and reports its url', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(server.port > 0);
});

test('a missing or wrong token gets the Milvus auth error (1800, HTTP 401)', async () => {
  for (const token of [null, 'wrong-token', '', TOKEN + 'x']) {
    const r = await post(server, '/v2/vectordb/collections/list', {}, token);
    assert.equal(r.status, 401, String(token));
    assert.equal(r.json.code, 1800);
    assert.match(r.json.message ?? '', /authenticated/);
  }
  const basic = await fetch(`${server.url}/v2/vectordb/collections/list`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`root:${TOKEN}`).toString('base64')}` },
    body: '{}',
  });
  assert.equal(basic.status, 401);
  await stillAnswers();
});

test('malformed JSON and an empty body are 1801 with the parser message', async () => {
  const bad = await post(server, '/v2/vectordb/collections/describe', '{"collectionName": "docs",');
  assert.equal(bad.status, 200);
  assert.equal(bad.json.code, 1801);
  assert.match(bad.json.message ?? '', /json/i);
  const empty = await post(server, '/v2/vectordb/collections/describe', '');
  assert.equal(empty.json.code, 1801);
  assert.match(empty.json.message ?? '', /empty/);
  const notObject = await post(server, '/v2/vectordb/collections/describe', '[1, 2]');
  assert.equal(notObject.json.code, 1801);
  assert.match(notObject.json.message ?? '', /JSON object/);
  await stillAnswers();
});

test('a body over the limit is refused with 413 (declared or chunked) and the connection is not hung', async () => {
  const big = JSON.stringify({ collectionName: 'docs', data: [{ id: 1, title: 'x'.repeat(100 * 1024) }] });
  const declared = await post(server, '/v2/vectordb/entities/insert', big);
  assert.equal(declared.status, 413);
  assert.equal(declared.json.code, 413);
  assert.match(declared.json.message ?? '', /too large.*limit is 65536 bytes/);

  // No Content-Length: the server counts bytes as they stream in.
  const chunks = [Buffer.from('{"collectionName":"docs","data":"'), Buffer.alloc(200 * 1024, 'a'), Buffer.from('"}')];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  const res = await fetch(`${server.url}/v2/vectordb/entities/insert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}` },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as { code: number }).code, 413);
  await stillAnswers();
});

test('a sender that stalls mid-body is cut off by the request timeout', async () => {
  const closed = await new Promise<string>((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1', () => {
      sock.write(
        `POST /v2/vectordb/collections/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"dbN',
      );
    });
    let reply = '';
    sock.on('data', (d) => (reply += d.toString()));
    sock.on('close', () => resolve(reply));
    sock.on('error', reject);
  });
  // Node answers 408 (or simply closes) — either way the connection does not hang.
  assert.ok(closed === '' || /^HTTP\/1\.1 408/.test(closed), closed);
  await stillAnswers();
});

test('an unknown path or a GET on a POST endpoint is a 404 that says what exists', async () => {
  const r = await post(server, '/v2/vectordb/collections/explode', {});
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 404);
  assert.match(r.json.message ?? '', /no such endpoint: POST \/v2\/vectordb\/collections\/explode/);
  const get = await fetch(`${server.url}/v2/vectordb/collections/list`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(get.status, 404);
  assert.match(((await get.json()) as { message: string }).message, /use POST/);
  await stillAnswers();
});

test('missing fields are 1802 and wrong types 1801, each naming the field', async () => {
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['/v2/vectordb/collections/describe', {}, 1802, /collectionName/],
    ['/v2/vectordb/collections/describe', { collectionName: 5 }, 1801, /collectionName must be a string, got number 5/],
    ['/v2/vectordb/entities/search', { collectionName: 'docs', data: [[1, 0]], limit: 'ten' }, 1801, /limit must be a number/],
    ['/v2/vectordb/entities/search', { collectionName: 'docs', data: [['a', 'b']] }, 1801, /data\[0\]/],
    ['/v2/vectordb/entities/search', { collectionName: 'docs' }, 1802, /data/],
    ['/v2/vectordb/entities/insert', { collectionName: 'docs', data: [1] }, 1801, /data\[0\] must be an object/],
    ['/v2/vectordb/entities/get', { collectionName: 'docs', id: [1, { x: 1 }] }, 1806, /id\[1\]/],
    ['/v2/vectordb/entities/hybrid_search', { collectionName: 'docs', search: [{ data: [[1, 0]] }], rerank: { strategy: 'magic' } }, 1801, /rerank\.strategy/],
    ['/v2/vectordb/collections/create', { collectionName: 'x', schema: { fields: [{ fieldName: 'v', dataType: 'Text' }] } }, 1801, /schema\.fields\[0\]\.dataType: data type Text is not supported/],
    ['/v2/vectordb/collections/create', { collectionName: 'x', dimension: 4, metricType: 'SUBSTRUCTURE' }, 1801, /metricType/],
  ];
  for (const [path, body, code, message] of cases) {
    const r = await post(server, path, body);
    assert.equal(r.status, 200, path);
    assert.equal(r.json.code, code, `${path} ${JSON.stringify(body)}: ${r.json.message}`);
    assert.match(r.json.message ?? '', message);
  }
  await stillAnswers();
});

test('engine errors keep their code and message: unknown collection, bad filter, bad row, other database', async () => {
  const missingColl = await post(server, '/v2/vectordb/entities/query', { collectionName: 'nope', filter: 'id > 0' });
  assert.equal(missingColl.json.code, 100);
  assert.match(missingColl.json.message ?? '', /"nope"/);
  const badFilter = await post(server, '/v2/vectordb/entities/query', { collectionName: 'docs', filter: 'id >>> 3' });
  assert.equal(badFilter.json.code, 1100);
  const badRow = await post(server, '/v2/vectordb/entities/insert', { collectionName: 'docs', data: [{ id: 1, vector: [1, 2, 3], title: 't' }] });
  assert.equal(badRow.json.code, 1804);
  assert.match(badRow.json.message ?? '', /insert data.*vector/);
  const otherDb = await post(server, '/v2/vectordb/collections/list', { dbName: 'analytics' });
  assert.equal(otherDb.json.code, 800);
  await stillAnswers();
});

test('GET /metrics needs the token and reports requests, latency, rows and memory', async () => {
  const denied = await fetch(`${server.url}/metrics`);
  assert.equal(denied.status, 401);
  await post(server, '/v2/vectordb/entities/insert', { collectionName: 'docs', data: [{ id: 7, vector: [1, 0], title: 'seven' }] });
  const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^loupe_rest_requests_total\{endpoint="\/v2\/vectordb\/entities\/insert",code="0"\} \d+$/m);
  assert.match(text, /^loupe_rest_requests_total\{endpoint="unknown",code="404"\} \d+$/m);
  assert.match(text, /^loupe_rest_request_duration_seconds_bucket\{endpoint="\/v2\/vectordb\/entities\/insert",le="\+Inf"\} \d+$/m);
  assert.match(text, /^loupe_rest_request_duration_seconds_count\{endpoint="\/v2\/vectordb\/entities\/insert"\} \d+$/m);
  assert.match(text, /^loupe_collection_rows\{collection="docs"\} [1-9]\d*$/m);
  assert.match(text, /^loupe_index_memory_bytes\{collection="docs"\} \d+$/m);
  assert.match(text, /^process_resident_memory_bytes [1-9]\d*$/m);
  assert.match(text, /# TYPE loupe_rest_request_duration_seconds histogram/);
});
