// Search by primary keys (Milvus's `ids` instead of query vectors): the stored vectors of the
// named rows are the queries, one result list per key in the order given; Int64 and VarChar keys
// over gRPC; a key naming no row, or a field whose vectors are not stored, is an error saying so.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Database } from '../../../../src/engine/database';
import type { GrpcServer } from '../../../../src/engine/grpc/server';
import { TOKEN, startTestServer } from '../rest/harness';

test('engine: search by ids uses the rows\' own vectors as queries, in the order given', async () => {
  const db = Database.inMemory();
  const c = await db.createCollection('docs', {
    fields: [
      { name: 'id', dataType: 'Int64', isPrimary: true },
      { name: 'v', dataType: 'FloatVector', dim: 2 },
    ],
  });
  await c.insert([{ id: 1, v: [1, 0] }, { id: 2, v: [0, 1] }, { id: 3, v: [0.9, 0.1] }]);
  const results = await c.search({ data: [], ids: [2, 1], limit: 2 });
  assert.deepEqual(results.map((hits) => hits.map((h) => h.id)), [[2, 3], [1, 3]]);
  await assert.rejects(c.search({ data: [], ids: [1, 9], limit: 2 }), /no row has id "9"/);
  await assert.rejects(c.search({ data: [], ids: [], limit: 2 }), /ids is empty/);
  await assert.rejects(c.search({ data: [[1, 0]], ids: [1], limit: 2 }), /either query vectors \(data\) or primary keys \(ids\)/);
  await c.delete({ ids: [3] });
  await assert.rejects(c.search({ data: [], ids: [3], limit: 2 }), /no row has id "3"/, 'a deleted row is no query');
});

test('engine: search by ids refuses a BM25 field, whose vectors are not stored', async () => {
  const db = Database.inMemory();
  const c = await db.createCollection('notes', {
    fields: [
      { name: 'id', dataType: 'VarChar', isPrimary: true, maxLength: 8 },
      { name: 'text', dataType: 'VarChar', maxLength: 100, enableAnalyzer: true },
      { name: 'sparse', dataType: 'SparseFloatVector', isFunctionOutput: true },
    ],
    functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'] }],
  });
  await c.insert([{ id: 'a', text: 'hello world' }]);
  await assert.rejects(c.search({ data: [], ids: ['a'], limit: 1 }), /"sparse" is a function's output/);
});

test('gRPC: search with Int64 and VarChar ids, one result list per id', async () => {
  const running = await startTestServer({ grpc: true });
  const client = new MilvusClient({ address: (running.grpc as GrpcServer).address, token: TOKEN });
  try {
    const cases: Array<[string, DataType, number[] | string[]]> = [['ints', DataType.Int64, [10, 20, 30]], ['strs', DataType.VarChar, ['a', 'b', 'c']]];
    for (const [name, pkType, ids] of cases) {
      const created = await client.createCollection({
        collection_name: name,
        fields: [
          { name: 'pk', data_type: pkType, is_primary_key: true, max_length: 8 },
          { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
        ],
      });
      assert.equal(created.error_code, 'Success', created.reason);
      const vectors = [[1, 0], [0, 1], [0.8, 0.2]];
      await client.insert({ collection_name: name, data: ids.map((pk, i) => ({ pk, vector: vectors[i] })) });
      const search = await client.search({ collection_name: name, ids: [ids[1], ids[0]] as number[] | string[], limit: 2 });
      assert.equal(search.status.error_code, 'Success', search.status.reason);
      // With nq > 1 the SDK answers a list of hit lists.
      const lists = search.results as unknown as Array<Array<{ pk: string }>>;
      assert.deepEqual(lists.map((hits) => hits.map((h) => String(h.pk))), [[String(ids[1]), String(ids[2])], [String(ids[0]), String(ids[2])]]);
      const missing = await client.search({ collection_name: name, ids: (pkType === DataType.Int64 ? [10, 99] : ['a', 'zz']) as number[] | string[], limit: 2 });
      assert.match(missing.status.reason, /no row has pk "(99|zz)"/);
    }
  } finally {
    await client.closeConnection();
    await running.stop();
  }
});
