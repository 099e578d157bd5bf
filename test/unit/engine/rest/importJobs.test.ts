// Import jobs through the Milvus SDK's HttpClient: JSON row files from the data directory's
// import folder, progress to Completed, and failures that say why and store nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import { TOKEN, type TestServer, startTestServer } from './harness';

let running: TestServer;
let client: HttpClient;

before(async () => {
  running = await startTestServer();
  client = new HttpClient({ endpoint: running.server.url, token: TOKEN });
  await client.createCollection({ collectionName: 'imp', dimension: 2 });
  const dir = path.join(running.dir, 'import', 'batch1');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'rows.json'), JSON.stringify({ rows: Array.from({ length: 2500 }, (_, i) => ({ id: i, vector: [1, i] })) }));
  await writeFile(path.join(dir, 'plain.json'), JSON.stringify([{ id: 5000, vector: [0, 1] }]));
  await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ rows: [{ id: 6000, vector: [1, 1] }, { id: 6001, vector: 'oops' }] }));
});

after(async () => {
  await running.stop();
});

async function finished(jobId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const p = await client.getImportJobProgress({ jobId });
    assert.equal(p.code, 0, JSON.stringify(p));
    const data = p.data as unknown as Record<string, unknown>;
    if (data.state === 'Completed' || data.state === 'Failed') return data;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${jobId} did not finish`);
}

const count = async (): Promise<unknown> => (await client.query({ collectionName: 'imp', filter: '', outputFields: ['count(*)'] })).data;

test('a JSON import runs to Completed and its rows are searchable', async () => {
  const create = await client.createImportJobs({ collectionName: 'imp', files: [['/batch1/rows.json'], ['batch1/plain.json']] });
  assert.equal(create.code, 0, JSON.stringify(create));
  const done = await finished(create.data.jobId);
  assert.equal(done.state, 'Completed', JSON.stringify(done));
  assert.equal(done.progress, 100);
  assert.equal(done.importedRows, 2501);
  assert.deepEqual(await count(), [{ 'count(*)': 2501 }]);
  const list = await client.listImportJobs({ collectionName: 'imp' });
  assert.ok(list.data.records.some((r) => r.jobId === create.data.jobId && r.state === 'Completed'));
});

test('a bad row fails the whole job, naming the file and rows; nothing is stored', async () => {
  const create = await client.createImportJobs({ collectionName: 'imp', files: [['batch1/bad.json']] });
  const done = await finished(create.data.jobId);
  assert.equal(done.state, 'Failed');
  assert.match(done.reason as string, /batch1\/bad\.json: rows 0–1: .*vector/);
  assert.deepEqual(await count(), [{ 'count(*)': 2501 }]);
});

test('a missing file or a path out of the import folder fails with the reason', async () => {
  const missing = await finished((await client.createImportJobs({ collectionName: 'imp', files: [['nope.json']] })).data.jobId);
  assert.equal(missing.state, 'Failed');
  assert.match(missing.reason as string, /file "nope\.json" not found in the import folder/);
  const escape = await finished((await client.createImportJobs({ collectionName: 'imp', files: [['../catalog.json']] })).data.jobId);
  assert.equal(escape.state, 'Failed');
  assert.match(escape.reason as string, /outside the import folder/);
  const notJson = await client.createImportJobs({ collectionName: 'imp', files: [['data.parquet']] });
  assert.equal(notJson.code, 1100);
  assert.deepEqual(await count(), [{ 'count(*)': 2501 }]);
});
