// The field types the SDK's own test collection uses, through the official MilvusClient (gRPC)
// and HttpClient (REST): Timestamptz, Geometry, full-range Int64 (ids included), BinaryVector,
// Float16Vector, BFloat16Vector and Int8Vector; bad input is refused naming the row and field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Long from 'long';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import type { GrpcServer } from '../../../../src/engine/grpc/server';
import { TOKEN, startTestServer } from '../rest/harness';

const BIG = '9223372036854775000';

test('MilvusClient: every new type round-trips; binary and half-precision searches; bad rows refused', async () => {
  const running = await startTestServer({ grpc: true });
  const client = new MilvusClient({ address: (running.grpc as GrpcServer).address, token: TOKEN });
  try {
    const created = await client.createCollection({
      collection_name: 'kinds',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'at', data_type: DataType.Timestamptz, default_value: '1984-04-14T15:00:00+08:00' },
        { name: 'place', data_type: DataType.Geometry },
        { name: 'bits', data_type: DataType.BinaryVector, dim: 16 },
        { name: 'half', data_type: DataType.Float16Vector, dim: 4 },
        { name: 'brain', data_type: DataType.BFloat16Vector, dim: 4 },
        { name: 'small', data_type: DataType.Int8Vector, dim: 4 },
      ],
    });
    assert.equal(created.error_code, 'Success', created.reason);
    const described = await client.describeCollection({ collection_name: 'kinds' });
    const at = described.schema.fields.find((f) => f.name === 'at');
    assert.equal(at?.data_type, 'Timestamptz');
    assert.equal(new Date(at?.default_value as unknown as string).getTime(), new Date('1984-04-14T15:00:00+08:00').getTime());

    const rows = [
      { id: Long.fromString(BIG), at: '2025-01-02T08:00:00+08:00', place: 'POINT (1.5 2.5)', bits: [0xf0, 0x00], half: [0.5, 1, 2, 3], brain: [0.5, 1, 2, 3], small: [1, 2, 3, 4] },
      { id: 2, place: 'POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))', bits: [0x0f, 0xff], half: [1, 1, 1, 1], brain: [1, 1, 1, 1], small: [-128, 0, 127, 1] },
    ];
    const ins = await client.insert({ collection_name: 'kinds', data: rows });
    assert.equal(ins.status.error_code, 'Success', ins.status.reason);
    assert.deepEqual((ins.IDs as unknown as { int_id: { data: unknown[] } }).int_id.data.map(String), [BIG, '2'], 'an id beyond 2^53 comes back to the digit');

    for (const [field, metric] of [['bits', 'HAMMING'], ['half', 'L2'], ['brain', 'IP'], ['small', 'L2']]) {
      const ix = await client.createIndex({ collection_name: 'kinds', field_name: field, index_type: field === 'bits' ? 'BIN_FLAT' : 'FLAT', metric_type: metric });
      assert.equal(ix.error_code, 'Success', ix.reason);
    }
    const rtree = await client.createIndex({ collection_name: 'kinds', field_name: 'place', index_type: 'RTREE' });
    assert.equal(rtree.error_code, 'Success', rtree.reason);
    await client.loadCollection({ collection_name: 'kinds' });

    const q = await client.query({ collection_name: 'kinds', filter: `id in [${BIG}, 2]`, output_fields: ['*'] });
    assert.equal(q.status.error_code, 'Success', q.status.reason);
    const byId = new Map(q.data.map((r) => [String(r.id), r]));
    const first = byId.get(BIG) as Record<string, unknown>;
    assert.equal(new Date(first.at as string).toISOString(), '2025-01-02T00:00:00.000Z');
    assert.equal(first.place, 'POINT (1.5 2.5)');
    assert.deepEqual(first.bits, [0xf0, 0x00]);
    assert.deepEqual(Array.from(first.half as number[]), [0.5, 1, 2, 3]);
    assert.deepEqual(Array.from(first.brain as number[]), [0.5, 1, 2, 3]);
    assert.deepEqual(Array.from(first.small as number[]), [1, 2, 3, 4]);
    const second = byId.get('2') as Record<string, unknown>;
    assert.equal(new Date(second.at as string).toISOString(), '1984-04-14T07:00:00.000Z', 'the default fills an omitted Timestamptz');

    const later = await client.query({ collection_name: 'kinds', filter: 'at >= "2025-01-01T00:00:00Z"', output_fields: ['id'] });
    assert.deepEqual(later.data.map((r) => String(r.id)), [BIG]);

    const hamming = await client.search({ collection_name: 'kinds', anns_field: 'bits', data: [[0xf0, 0x01]], limit: 2 });
    assert.equal(hamming.status.error_code, 'Success', hamming.status.reason);
    assert.deepEqual(hamming.results.map((h) => [String(h.id), h.score]), [[BIG, 1], ['2', 15]]);
    const half = await client.search({ collection_name: 'kinds', anns_field: 'half', data: [[1, 1, 1, 1]], limit: 1 });
    assert.equal(String(half.results[0].id), '2');
    const small = await client.search({ collection_name: 'kinds', anns_field: 'small', data: [[1, 2, 3, 4]], limit: 1 });
    assert.equal(String(small.results[0].id), BIG);

    const badTime = await client.insert({ collection_name: 'kinds', data: [{ ...rows[1], id: 3 }, { ...rows[1], id: 4, at: 'soon' }] });
    assert.notEqual(badTime.status.error_code, 'Success');
    assert.match(badTime.status.reason, /row 1, field "at": "soon" is not an ISO-8601 time/);
    const badShape = await client.insert({ collection_name: 'kinds', data: [{ ...rows[1], id: 5, place: 'POINT (1 2' }] });
    assert.match(badShape.status.reason, /row 0, field "place": "POINT \(1 2" is not WKT: expected "\)"/);
    assert.equal((await client.count({ collection_name: 'kinds' })).data, 2, 'no row of a refused batch is stored');
  } finally {
    await client.closeConnection();
    await running.stop();
  }
});

test('HttpClient: Timestamptz, Geometry and a binary vector over REST', async () => {
  const running = await startTestServer();
  const client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  try {
    const created = await client.createCollection({
      collectionName: 'kinds',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'at', dataType: 'Timestamptz' },
          { fieldName: 'place', dataType: 'Geometry' },
          { fieldName: 'bits', dataType: 'BinaryVector', elementTypeParams: { dim: 8 } },
        ],
      },
      indexParams: [{ fieldName: 'bits', indexName: 'bits', metricType: 'HAMMING', params: { index_type: 'BIN_IVF_FLAT', nlist: 1 } }],
    } as unknown as Parameters<HttpClient['createCollection']>[0]);
    assert.equal(created.code, 0, JSON.stringify(created));
    const ins = await client.insert({
      collectionName: 'kinds',
      data: [
        { id: 1, at: '2025-01-02T00:00:00Z', place: 'LINESTRING (0 0, 1 1)', bits: [0b10101010] },
        { id: 2, at: '2025-03-04T05:06:07.5+01:00', place: 'POINT (3 4)', bits: [0b01010101] },
      ],
    });
    assert.equal(ins.code, 0, JSON.stringify(ins));
    const q = await client.query({ collectionName: 'kinds', filter: 'at < "2025-02-01T00:00:00Z"', outputFields: ['at', 'place', 'bits'] });
    assert.deepEqual(q.data, [{ id: 1, at: '2025-01-02T00:00:00.000000Z', place: 'LINESTRING (0 0, 1 1)', bits: [0b10101010] }]);
    const s = await client.search({ collectionName: 'kinds', data: [[0b10101011]], annsField: 'bits', limit: 2, outputFields: [] });
    assert.equal(s.code, 0, JSON.stringify(s));
    assert.deepEqual((s.data as Array<Record<string, unknown>>).map((h) => [h.id, h.distance]), [[1, 1], [2, 7]]);
    const bad = await client.insert({ collectionName: 'kinds', data: [{ id: 3, at: '2025-13-01T00:00:00Z', place: 'POINT (0 0)', bits: [1] }] });
    assert.notEqual(bad.code, 0);
    assert.match(String(bad.message), /row 0, field "at": .* is not a valid date and time/);
  } finally {
    await running.stop();
  }
});
