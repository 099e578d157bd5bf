// MilvusStore's failures, as the indexer sees them: a wrong token, a server that is down or
// silent, and a collection of the same name that is not Loupe's — each a typed error whose
// message names the server and what went wrong. Plus what the collection looks like in Milvus's
// own describe (BM25 function, analyzer, workspace field).

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { MilvusStore } from '../../../src/server/store/milvusStore';
import { StoreAuthError, StoreSchemaError, StoreUnavailableError } from '../../../src/server/store/storeErrors';
import { ALICE, MODELS, type RunningRest, TOKEN, aliceRows, startRest } from './storeFixtures';

let rest: RunningRest;

before(async () => {
  rest = await startRest();
});
after(async () => {
  await rest.stop();
});

test('a wrong token → StoreAuthError naming the server, for every kind of call', async () => {
  const store = new MilvusStore({ uri: rest.server.url, protocol: 'http', token: 'not-the-token', workspace: ALICE });
  for (const call of [() => store.ensureCollection(MODELS), () => store.upsert(aliceRows), () => store.count()]) {
    await assert.rejects(call(), (err: unknown) => {
      assert.ok(err instanceof StoreAuthError, String(err));
      assert.ok(err.message.includes(rest.server.url), err.message);
      assert.match(err.message, /rejected the credentials/);
      return true;
    });
  }
});

test('no server listening → StoreUnavailableError with the connection error', async () => {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const store = new MilvusStore({ uri: `http://127.0.0.1:${port}`, protocol: 'http', token: TOKEN, workspace: ALICE });
  await assert.rejects(store.ensureCollection(MODELS), (err: unknown) => {
    assert.ok(err instanceof StoreUnavailableError, String(err));
    assert.match(err.message, /cannot reach the server: ECONNREFUSED/);
    return true;
  });
});

test('gRPC with no server listening → StoreUnavailableError, and the process keeps running', async () => {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const store = new MilvusStore({ uri: `127.0.0.1:${port}`, protocol: 'grpc', token: TOKEN, workspace: ALICE, timeoutMs: 2000 });
  for (let attempt = 0; attempt < 2; attempt++) {
    // The second call makes a fresh client: an outage does not leave a broken one behind.
    await assert.rejects(store.count(), (err: unknown) => err instanceof StoreUnavailableError && /gRPC.*cannot reach the server/.test(err.message));
  }
  await store.close();
});

test('a server that never answers → StoreUnavailableError after the timeout', async () => {
  const silent = http.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as AddressInfo).port;
  const warn = console.warn;
  console.warn = () => undefined; // the SDK logs each timeout; not this test's output
  try {
    const store = new MilvusStore({ uri: `http://127.0.0.1:${port}`, protocol: 'http', token: TOKEN, workspace: ALICE, timeoutMs: 150 });
    await assert.rejects(store.count(), (err: unknown) => err instanceof StoreUnavailableError && /no answer within 150 ms/.test(err.message));
  } finally {
    console.warn = warn;
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

test('a same-named collection that is not Loupe\'s → StoreSchemaError naming the field', async () => {
  const client = new HttpClient({ endpoint: rest.server.url, token: TOKEN });
  const made = await client.createCollection({ collectionName: 'other_loupe_chunks', dimension: 4 });
  assert.equal(made.code, 0);
  const store = new MilvusStore({ uri: rest.server.url, protocol: 'http', token: TOKEN, workspace: ALICE, collectionPrefix: 'other_' });
  await assert.rejects(store.ensureCollection(MODELS), (err: unknown) => {
    assert.ok(err instanceof StoreSchemaError, String(err));
    assert.equal(err.collection, 'other_loupe_chunks');
    assert.equal(err.field, 'id');
    assert.match(err.message, /field "id": is Int64, Loupe needs VarChar/);
    return true;
  });
});

test('the collection as Milvus describes it: workspace field, analyzer on the code tokens field, BM25 function from it into sparse, chosen index', async () => {
  const store = new MilvusStore({ uri: rest.server.url, protocol: 'http', token: TOKEN, workspace: ALICE, collectionPrefix: 'team_' });
  assert.equal((await store.ensureCollection(MODELS, { denseIndex: { indexType: 'IVF_FLAT', nlist: 8 } })).collection, 'team_loupe_chunks');
  const client = new HttpClient({ endpoint: rest.server.url, token: TOKEN });
  const d = (await client.describeCollection({ collectionName: 'team_loupe_chunks' })).data as unknown as {
    fields: Array<{ name: string; type: string; params: Array<{ key: string; value: string }> }>;
    functions: unknown[];
    indexes: unknown[];
  };
  const field = (name: string) => d.fields.find((f) => f.name === name);
  assert.equal(field('workspace')?.type, 'VarChar');
  assert.equal(field('sparse')?.type, 'SparseFloatVector');
  assert.deepEqual(field('text')?.params.filter((p) => p.key !== 'max_length'), []);
  assert.deepEqual(field('text_terms')?.params.filter((p) => p.key !== 'max_length'), [
    { key: 'enable_analyzer', value: 'true' },
    { key: 'analyzer_params', value: '{"type":"standard"}' },
  ]);
  assert.deepEqual(d.functions, [{ name: 'text_bm25', type: 'BM25', inputFieldNames: ['text_terms'], outputFieldNames: ['sparse'], params: {} }]);
  assert.deepEqual(d.indexes, [{ fieldName: 'text_vector', indexName: 'text_vector_ivf_flat', metricType: 'COSINE' }]);
  const ix = rest.db.collection('team_loupe_chunks').indexes.find((i) => i.fieldName === 'text_vector');
  assert.equal(ix?.spec.indexType, 'IVF_FLAT');
  assert.equal(ix?.spec.params.nlist, 8);
});
