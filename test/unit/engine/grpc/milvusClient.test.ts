// Loupe's gRPC front door driven by the official SDK's MilvusClient, as a Milvus user would:
// collections with a BM25 function and dynamic fields, indexes, inserts, `*` queries that bring
// vectors back, filtered and hybrid searches, template filters, upserts and deletes; bad input
// answered with Milvus-style errors and nothing stored; calls without the token refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType, FunctionType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Database } from '../../../../src/engine/database';
import type { GrpcServer } from '../../../../src/engine/grpc/server';
import { TOKEN, startTestServer } from '../rest/harness';

interface Served {
  db: Database;
  server: GrpcServer;
  client: MilvusClient;
  stop(): Promise<void>;
}

/** Both doors over one temp directory, as `loupe serve` runs them; a root client on the gRPC one. */
async function serve(): Promise<Served> {
  const running = await startTestServer({ grpc: true });
  const server = running.grpc as GrpcServer;
  const client = new MilvusClient({ address: server.address, token: TOKEN });
  await client.connectPromise;
  return {
    db: running.db,
    server,
    client,
    stop: async () => {
      await client.closeConnection();
      await running.stop();
    },
  };
}

const vec = (i: number): number[] => [Math.cos(i), Math.sin(i), i % 2, 1];

async function docs(client: MilvusClient): Promise<void> {
  const created = await client.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'title', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true },
      { name: 'year', data_type: DataType.Int32, nullable: true },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
      { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
    ],
    functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['title'], output_field_names: ['sparse'], params: {} }],
    enable_dynamic_field: true,
  });
  assert.equal(created.error_code, 'Success', created.reason);
  const ix = await client.createIndex({ collection_name: 'docs', field_name: 'vec', index_name: 'vec_hnsw', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 64 } });
  assert.equal(ix.error_code, 'Success', ix.reason);
  const sparse = await client.createIndex({ collection_name: 'docs', field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' });
  assert.equal(sparse.error_code, 'Success', sparse.reason);
  assert.equal((await client.loadCollection({ collection_name: 'docs' })).error_code, 'Success');
  const titles = ['parse an http response', 'area of a circle', 'mean of values', 'sort a list quickly', 'open a file for reading'];
  const ins = await client.insert({
    collection_name: 'docs',
    data: titles.map((title, i) => ({ id: i + 1, title, year: i === 2 ? null : 2020 + i, vec: vec(i + 1), tag: i % 2 ? 'odd' : 'even' })),
  });
  assert.equal(ins.status.error_code, 'Success', ins.status.reason);
  assert.equal(Number(ins.insert_cnt), titles.length);
  assert.deepEqual((ins.IDs as unknown as { int_id: { data: string[] } }).int_id.data.map(Number), [1, 2, 3, 4, 5]);
}

test('MilvusClient over gRPC: create, describe, insert, query (* brings vectors and dynamic keys), count', async () => {
  const s = await serve();
  try {
    await docs(s.client);
    const d = await s.client.describeCollection({ collection_name: 'docs' });
    assert.equal(d.status.error_code, 'Success');
    assert.deepEqual(d.schema.fields.map((f) => [f.name, f.data_type]), [['id', 'Int64'], ['title', 'VarChar'], ['year', 'Int32'], ['sparse', 'SparseFloatVector'], ['vec', 'FloatVector']]);
    assert.equal(d.schema.enable_dynamic_field, true);
    assert.equal((await s.client.hasCollection({ collection_name: 'docs' })).value, true);
    assert.deepEqual((await s.client.showCollections()).data.map((c) => c.name), ['docs']);

    const all = await s.client.query({ collection_name: 'docs', filter: 'id in [2, 3]', output_fields: ['*'] });
    assert.equal(all.status.error_code, 'Success', all.status.reason);
    const byId = new Map(all.data.map((r) => [Number(r.id), r]));
    assert.deepEqual(byId.get(2)?.vec, vec(2).map(Math.fround), 'vectors come back for *');
    assert.equal(byId.get(2)?.title, 'area of a circle');
    assert.equal(byId.get(2)?.year, 2021);
    assert.equal(byId.get(3)?.year, null, 'a null stays null');
    assert.deepEqual(byId.get(2)?.$meta, { tag: 'odd' });

    // A dynamic key asked by name comes back inside the $meta column, as Milvus sends it.
    const tagged = await s.client.query({ collection_name: 'docs', filter: 'tag == "even" and year > 2021', output_fields: ['title', 'tag'] });
    assert.deepEqual(tagged.data.map((r) => [r.title, (r.$meta as { tag?: string }).tag]).sort(), [['open a file for reading', 'even']]);
    assert.equal((await s.client.count({ collection_name: 'docs' })).data, 5);
    const stats = await s.client.getCollectionStatistics({ collection_name: 'docs' });
    assert.equal(stats.data.row_count, '5');
  } finally {
    await s.stop();
  }
});

test('MilvusClient over gRPC: vector search with filter and output fields, BM25 text search, hybrid search', async () => {
  const s = await serve();
  try {
    await docs(s.client);
    const near = await s.client.search({ collection_name: 'docs', anns_field: 'vec', data: [vec(4)], limit: 2, output_fields: ['title', 'tag'] });
    assert.equal(near.status.error_code, 'Success', near.status.reason);
    assert.equal(Number(near.results[0].id), 4);
    assert.equal(near.results[0].title, 'sort a list quickly');
    assert.equal(near.results[0].tag, 'odd');
    assert.ok(near.results[0].score <= near.results[1].score, 'L2: nearest first');

    const filtered = await s.client.search({ collection_name: 'docs', anns_field: 'vec', data: [vec(4)], limit: 5, filter: 'tag == "even"', output_fields: ['tag'] });
    assert.ok(filtered.results.length > 0 && filtered.results.every((h) => h.tag === 'even'), JSON.stringify(filtered.results));

    const two = await s.client.search({ collection_name: 'docs', anns_field: 'vec', data: [vec(1), vec(5)], limit: 1 });
    assert.deepEqual((two.results as unknown as Array<Array<{ id: string }>>).map((hits) => Number(hits[0].id)), [1, 5], 'one list per query vector');

    // BM25 fields take query text (the SDK's types only name vectors).
    const text = await s.client.search({ collection_name: 'docs', anns_field: 'sparse', data: ['circle area'] as unknown as number[], limit: 3, output_fields: ['title'] });
    assert.equal(text.status.error_code, 'Success', text.status.reason);
    assert.equal((text.results as Array<{ title?: string }>)[0]?.title, 'area of a circle');

    const hybrid = await s.client.hybridSearch({
      collection_name: 'docs',
      data: [
        { anns_field: 'vec', data: [vec(3)] },
        { anns_field: 'sparse', data: ['mean values'] as unknown as number[] },
      ],
      limit: 3,
      output_fields: ['title'],
    });
    assert.equal(hybrid.status.error_code, 'Success', hybrid.status.reason);
    assert.equal(hybrid.results[0]?.title, 'mean of values', 'both sides agree on row 3');
  } finally {
    await s.stop();
  }
});

test('MilvusClient over gRPC: upsert replaces, delete by a template filter, flush, indexes, drop', async () => {
  const s = await serve();
  try {
    await docs(s.client);
    const up = await s.client.upsert({ collection_name: 'docs', data: [{ id: 2, title: 'area of a square', year: 2030, vec: vec(2) }] });
    assert.equal(up.status.error_code, 'Success', up.status.reason);
    const [row] = (await s.client.query({ collection_name: 'docs', filter: 'id == 2', output_fields: ['title', 'year'] })).data;
    assert.deepEqual([row.title, row.year], ['area of a square', 2030]);

    const del = await s.client.delete({ collection_name: 'docs', filter: 'year >= {y}', exprValues: { y: 2024 } });
    assert.equal(del.status.error_code, 'Success', del.status.reason);
    const left = (await s.client.query({ collection_name: 'docs', filter: 'id > 0', output_fields: ['id'] })).data.map((r) => Number(r.id)).sort();
    assert.deepEqual(left, [1, 3, 4], 'rows 2 (now 2030) and 5 (2024) deleted; row 3 (null year) kept');

    assert.equal((await s.client.flushSync({ collection_names: ['docs'] })).status.error_code, 'Success');
    const described = await s.client.describeIndex({ collection_name: 'docs', field_name: 'vec' });
    assert.equal(described.status.error_code, 'Success', described.status.reason);
    assert.equal(described.index_descriptions[0].index_name, 'vec_hnsw');
    assert.equal(described.index_descriptions[0].params.find((p) => p.key === 'index_type')?.value, 'HNSW');
    assert.equal((await s.client.dropCollection({ collection_name: 'docs' })).error_code, 'Success');
    assert.equal((await s.client.hasCollection({ collection_name: 'docs' })).value, false);
  } finally {
    await s.stop();
  }
});

test('MilvusClient over gRPC: bad input gets a Milvus-style error naming what is wrong, and nothing is stored', async () => {
  const s = await serve();
  try {
    await docs(s.client);
    // A vector of the wrong length, sent as the SDK would send any column.
    const wrongDim = await s.client.insert({ collection_name: 'docs', data: [{ id: 10, title: 'x', vec: [1, 2, 3, 4] }, { id: 11, title: 'y', vec: [1, 2, 3] }] });
    assert.notEqual(wrongDim.status.error_code, 'Success');
    assert.match(wrongDim.status.reason, /vec/);
    const dup = await s.client.insert({ collection_name: 'docs', data: [{ id: 1, title: 'again', vec: vec(9) }] });
    assert.match(dup.status.reason, /row 0: primary key 1 already exists/);
    assert.equal((await s.client.count({ collection_name: 'docs' })).data, 5, 'no row of a refused batch is stored');

    const badFilter = await s.client.query({ collection_name: 'docs', filter: 'year >>= 3', output_fields: ['id'] });
    assert.notEqual(badFilter.status.error_code, 'Success');
    assert.match(badFilter.status.reason, /position \d+/);

    const missing = await s.client.describeCollection({ collection_name: 'nope' });
    assert.equal(missing.status.error_code, 'CollectionNotExists');
    assert.match(missing.status.reason, /nope/);

    // The SDK throws the status of a refused create.
    const binary: { error_code: string | number; reason: string } = await s.client.createCollection({
      collection_name: 'bits',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'b', data_type: DataType.BinaryVector, dim: 16 },
        { name: 'tag', data_type: DataType.VarChar, max_length: 2, default_value: 'toolong' },
      ],
    }).catch((e: { error_code: string | number; reason: string }) => e);
    assert.notEqual(binary.error_code, 'Success');
    assert.match(binary.reason, /field 2 \("tag"\), default value: string of 7 bytes exceeds max_length 2/);
    assert.equal((await s.client.hasCollection({ collection_name: 'bits' })).value, false);

    const otherDb = new MilvusClient({ address: s.server.address, token: TOKEN, database: 'other' });
    try {
      const wrongDb = await otherDb.describeCollection({ collection_name: 'docs' });
      assert.match(wrongDb.status.reason, /database not found\[database=other\]/);
    } finally {
      await otherDb.closeConnection();
    }
  } finally {
    await s.stop();
  }
});

test('gRPC calls without the server token are refused UNAUTHENTICATED and change nothing', async () => {
  const s = await serve();
  try {
    for (const token of ['wrong-token', undefined]) {
      const other = new MilvusClient({ address: s.server.address, ...(token ? { token } : {}), maxRetries: 0 });
      (other as unknown as { connectPromise: Promise<unknown> }).connectPromise.catch(() => undefined);
      await assert.rejects(
        other.createCollection({ collection_name: 'sneaky', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim: 2 }] }),
        /UNAUTHENTICATED/,
      );
      await other.closeConnection();
    }
    assert.equal(s.db.hasCollection('sneaky'), false);
  } finally {
    await s.stop();
  }
});
