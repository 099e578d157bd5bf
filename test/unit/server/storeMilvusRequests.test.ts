// The gRPC side of MilvusStore, without a Milvus: the request objects MilvusClient is given
// (create with BM25 function, partition key and indexes; search, hybrid, query, delete), checked
// field by field and through the SDK's own schema helpers; and how gRPC failures are typed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node/dist/milvus/const/milvus';
import { assignTypeParams, convertToDataType } from '@zilliz/milvus2-sdk-node/dist/milvus/utils/Schema';
import { denseIndexes, storeSchema } from '../../../src/server/store/chunkCollection';
import {
  grpcDeleteRequest,
  grpcFailure,
  grpcHybridRequest,
  grpcQueryRequest,
  grpcSearchRequest,
} from '../../../src/server/store/milvusGrpc';
import { type MilvusCollectionPlan, grpcCreateRequest, restCreateBody, storedFieldsFromGrpc } from '../../../src/server/store/milvusSchema';
import { transportFor } from '../../../src/server/store/milvusStore';
import { schemaDifference } from '../../../src/server/store/schemaCheck';
import { StoreAuthError, StoreRequestError, StoreUnavailableError } from '../../../src/server/store/storeErrors';
import { WorkspaceScope } from '../../../src/server/store/workspaceScope';
import { ALICE } from './storeFixtures';

const models = { text: { modelId: 'Xenova/all-MiniLM-L6-v2', dim: 384 }, image: { modelId: 'Xenova/clip-vit-base-patch32', dim: 512 } };

function plan(dense = denseIndexes(models)): MilvusCollectionPlan {
  return { name: 'loupe_chunks', schema: storeSchema(models), dense, analyzerParams: { type: 'standard' } };
}

type GrpcField = Record<string, unknown> & { name: string; data_type: string };

test('create: every field has a Milvus data type; text has the analyzer; sparse is the BM25 output; workspace is the partition key', () => {
  const req = grpcCreateRequest(plan(), 'team');
  assert.equal(req.collection_name, 'loupe_chunks');
  assert.equal(req.db_name, 'team');
  assert.equal(req.enable_dynamic_field, false);
  const fields = req.fields as GrpcField[];
  const by = (n: string) => fields.find((f) => f.name === n) as GrpcField;
  for (const f of fields) assert.ok(convertToDataType(f.data_type as keyof typeof DataType) > 0, `${f.name}: ${f.data_type}`);
  assert.deepEqual(by('id'), { name: 'id', description: 'hash of folder, path, start line, content hash', data_type: 'VarChar', is_primary_key: true, autoID: false, max_length: 128 });
  assert.equal(by('workspace').is_partition_key, true);
  assert.equal(fields.filter((f) => f.is_partition_key).length, 1);
  assert.equal(convertToDataType('SparseFloatVector'), DataType.SparseFloatVector);
  assert.equal(by('sparse').is_function_output, true);
  // The SDK turns flat params into type_params exactly as Milvus wants them (`as never`: our
  // request is a plain object; the SDK's FieldType is a wide union we do not restate here).
  assert.deepEqual(assignTypeParams({ ...by('text') } as never).type_params, { max_length: '65535', enable_analyzer: 'true', analyzer_params: '{"type":"standard"}' });
  assert.deepEqual(assignTypeParams({ ...by('text_vector') } as never).type_params, { dim: '384' });
  assert.equal(by('image_vector').dim, 512);
  assert.deepEqual(req.functions, [{ name: 'text_bm25', type: 'BM25', input_field_names: ['text'], output_field_names: ['sparse'], params: {} }]);
  assert.deepEqual(req.index_params, [
    { field_name: 'text_vector', index_name: 'text_vector_hnsw', index_type: 'HNSW', metric_type: 'COSINE', params: { M: 16, efConstruction: 200 } },
    { field_name: 'image_vector', index_name: 'image_vector_hnsw', index_type: 'HNSW', metric_type: 'COSINE', params: { M: 16, efConstruction: 200 } },
    { field_name: 'sparse', index_name: 'sparse_bm25', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: { inverted_index_algo: 'DAAT_MAXSCORE' } },
  ]);
});

test('create: IVF_FLAT is the user\'s other choice, with nlist; REST gets the same choice', () => {
  const dense = denseIndexes({ text: models.text }, { indexType: 'IVF_FLAT', nlist: 256 });
  assert.deepEqual((grpcCreateRequest(plan(dense)).index_params as unknown[])[0], {
    field_name: 'text_vector', index_name: 'text_vector_ivf_flat', index_type: 'IVF_FLAT', metric_type: 'COSINE', params: { nlist: 256 },
  });
  const rest = restCreateBody(plan(dense)) as { indexParams: unknown[]; schema: { fields: Array<Record<string, unknown>> } };
  assert.deepEqual(rest.indexParams[0], { fieldName: 'text_vector', indexName: 'text_vector_ivf_flat', metricType: 'COSINE', indexType: 'IVF_FLAT', params: { index_type: 'IVF_FLAT', nlist: 256 } });
  assert.deepEqual(rest.indexParams[1], { fieldName: 'sparse', indexName: 'sparse_bm25', indexType: 'SPARSE_INVERTED_INDEX', metricType: 'BM25', params: { inverted_index_algo: 'DAAT_MAXSCORE' } });
  assert.equal(rest.schema.fields.find((f) => f.fieldName === 'workspace')?.isPartitionKey, true);
});

test('search, hybrid, query and delete requests carry the workspace filter and its value', () => {
  const scope = new WorkspaceScope(ALICE);
  const f = scope.filter({ filter: 'language == {lang}', filterParams: { lang: 'python' } });
  assert.equal(f.filter, 'workspace == {loupe_workspace} and (language == {lang})');
  assert.deepEqual(f.filterParams, { lang: 'python', loupe_workspace: ALICE });

  const search = grpcSearchRequest('loupe_chunks', { data: [0.1, 0.2], annsField: 'text_vector', params: { ef: 64 }, ...f }, 10, ['path']);
  assert.deepEqual(search, {
    collection_name: 'loupe_chunks', data: [0.1, 0.2], anns_field: 'text_vector', filter: f.filter, exprValues: f.filterParams,
    limit: 10, output_fields: ['path'], consistency_level: 'Strong', params: { ef: 64 },
  });
  const hybrid = grpcHybridRequest('loupe_chunks', [{ data: [0.1, 0.2], annsField: 'text_vector', ...f }, { data: 'http response', annsField: 'sparse', ...f }], 60, 5, ['path']);
  assert.deepEqual(hybrid.rerank, { strategy: 'rrf', params: { k: 60 } });
  assert.deepEqual((hybrid.data as unknown[])[1], { data: 'http response', anns_field: 'sparse', expr: f.filter, exprValues: f.filterParams, params: {} });
  assert.equal(grpcQueryRequest('loupe_chunks', f, ['count(*)'], 0).limit, undefined, 'count(*) takes no limit');
  const del = grpcDeleteRequest('loupe_chunks', scope.filter({ ids: ['c1'] }));
  assert.equal(del.filter, 'workspace == {loupe_workspace} and id in {loupe_ids}');
  assert.deepEqual((del.exprValues as Record<string, unknown>).loupe_ids, [`${scope.tag}:c1`]);
});

test('a described gRPC schema is checked field by field, naming the first difference', () => {
  // As describeCollection returns them: dim among type_params, not flattened.
  const described = (grpcCreateRequest(plan()).fields as GrpcField[]).map(({ dim, ...f }) => ({ ...f, type_params: dim ? [{ key: 'dim', value: String(dim) }] : [] }));
  assert.equal(schemaDifference(storeSchema(models), storedFieldsFromGrpc(described)), undefined);
  const other = storedFieldsFromGrpc(described.map((f) => (f.name === 'image_vector' ? { ...f, type_params: [{ key: 'dim', value: '768' }] } : f)));
  assert.deepEqual(schemaDifference(storeSchema(models), other), { field: 'image_vector', message: 'has dimension 768, the model gives 512' });
});

test('gRPC failures become typed store errors', () => {
  const where = 'milvus db.example:19530 (db default, gRPC)';
  assert.ok(grpcFailure({ code: 14, details: 'No connection established' }, where, 'search') instanceof StoreUnavailableError);
  assert.ok(grpcFailure({ code: 4, details: 'Deadline exceeded' }, where, 'search') instanceof StoreUnavailableError);
  const auth = grpcFailure({ code: 16, details: 'invalid token' }, where, 'upsert');
  assert.ok(auth instanceof StoreAuthError);
  assert.equal(auth.message, `${where}: upsert: the server rejected the credentials (invalid token)`);
  assert.ok(grpcFailure({ code: 3, details: 'bad expr' }, where, 'query') instanceof StoreRequestError);
});

test('the protocol follows the uri: http(s) → REST HttpClient, host:port → gRPC MilvusClient', () => {
  assert.match(transportFor({ uri: 'http://localhost:19530', workspace: ALICE }).where, /REST/);
  assert.match(transportFor({ uri: 'localhost:19530', workspace: ALICE }).where, /gRPC/);
  assert.match(transportFor({ uri: 'https://in03.zillizcloud.com', protocol: 'grpc', workspace: ALICE }).where, /gRPC/);
});
