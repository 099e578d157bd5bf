// The legacy error_code a gRPC answer carries beside its code, as Milvus's merr sets it: a bad
// parameter (1100) is IllegalArgument; the refusals Milvus raises as plain errors (65535) are
// UnexpectedError — clients, the SDK's own tests among them, compare these names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { GrpcServer } from '../../../../src/engine/grpc/server';
import { TOKEN, startTestServer } from '../rest/harness';

test('gRPC error_code: IllegalArgument for bad parameters, UnexpectedError where Milvus raises a plain error', async () => {
  const running = await startTestServer({ grpc: true });
  const client = new MilvusClient({ address: (running.grpc as GrpcServer).address, token: TOKEN });
  try {
    const created = await client.createCollection({
      collection_name: 'tenants',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tenant', data_type: DataType.VarChar, max_length: 16, is_partition_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    });
    assert.equal(created.error_code, 'Success', created.reason);
    await client.insert({ collection_name: 'tenants', data: [{ id: 1, tenant: 'a', v: [1, 0] }] });

    const badField = await client.addCollectionField({ collection_name: 'tenants', field: { name: 'n', data_type: DataType.Int64 } });
    assert.equal(badField.error_code, 'IllegalArgument', 'a new field without nullable is a bad parameter');
    assert.equal(badField.code, 1100);

    const query = await client.query({ collection_name: 'tenants', partition_names: ['_default'], filter: 'id > 0' });
    assert.equal(query.status.error_code, 'IllegalArgument');
    const search = await client.search({ collection_name: 'tenants', partition_names: ['_default'], data: [1, 0] });
    assert.equal(search.status.error_code, 'UnexpectedError');
    assert.match(search.status.reason, /name no partitions, filter on the key instead/);
    const partition = await client.createPartition({ collection_name: 'tenants', partition_name: 'p' });
    assert.equal(partition.error_code, 'UnexpectedError');
    assert.match(partition.reason, /partitions cannot be created by hand/);

    const missing = await client.describeCollection({ collection_name: 'nothing' });
    assert.equal(missing.status.error_code, 'CollectionNotExists');
  } finally {
    await client.closeConnection();
    await running.stop();
  }
});
