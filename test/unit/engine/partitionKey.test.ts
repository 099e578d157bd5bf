// A partition-key field (Milvus): declared and described, partitions not made or named by hand,
// and filters on the key select its rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';

test('partition key: one Int64/VarChar field; hand-made partitions and partition-scoped reads refused', async () => {
  const db = Database.inMemory();
  const c = await db.createCollection('docs', {
    fields: [
      { name: 'id', dataType: 'Int64', isPrimary: true },
      { name: 'tenant', dataType: 'VarChar', maxLength: 16, isPartitionKey: true },
      { name: 'v', dataType: 'FloatVector', dim: 2 },
    ],
  });
  assert.equal(c.schema.numPartitions, 16, "Milvus's default num_partitions");
  await c.insert([{ id: 1, tenant: 'a', v: [0, 1] }, { id: 2, tenant: 'b', v: [1, 0] }]);
  assert.deepEqual((await c.query({ filter: 'tenant == "b"', outputFields: ['tenant'] })).map((r) => r.id), [2]);
  await assert.rejects(c.createPartition('p'), /has partition key "tenant": partitions cannot be created by hand/);
  await assert.rejects(c.query({ filter: 'id > 0', partitionNames: ['_default'] }), /name no partitions, filter on the key instead/);
  const bad = (fields: Array<Record<string, unknown>>): Promise<unknown> =>
    db.createCollection('bad', { fields: [{ name: 'id', dataType: 'Int64', isPrimary: true }, { name: 'v', dataType: 'FloatVector', dim: 2 }, ...fields] } as never);
  await assert.rejects(bad([{ name: 'k', dataType: 'Double', isPartitionKey: true }]), /the partition key must be Int64 or VarChar, not Double/);
  await assert.rejects(bad([{ name: 'a', dataType: 'Int64', isPartitionKey: true }, { name: 'b', dataType: 'Int64', isPartitionKey: true }]), /only one field can be the partition key/);
  await db.close();
});
