import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWalOp, encodeWalOp, type WalOp } from '../../../../src/engine/storage/walRecord';
import { EngineError } from '../../../../src/engine/errors';

function vectors(n: number, dim: number, seed = 1): Float32Array {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * seed) * 0.5;
  return v;
}

test('insert, upsert and delete round-trip through the binary form', () => {
  const ops: WalOp[] = [
    {
      type: 'insert',
      rows: [
        { id: 1, title: 'naïve café ☕', tags: ['a', 'b'], score: 0.25, ok: true, $meta: { lang: 'ts' } },
        { id: 2, title: '', tags: [], score: null, ok: false, $meta: {} },
      ],
      vectors: { embedding: vectors(2, 3), image: vectors(2, 5, 7) },
    },
    { type: 'upsert', rows: [{ id: 'k1', sparse: { 3: 0.5, 17: 1.25 } }], vectors: {} },
    { type: 'delete', pks: [1, 2, 'x'] },
    { type: 'insert', rows: [], vectors: {} },
  ];
  for (const op of ops) assert.deepEqual(decodeWalOp(encodeWalOp(op)), op);
});

test('10k rows × 384 dims: vectors are raw float32, not JSON numbers', () => {
  const n = 10_000;
  const dim = 384;
  const rows = Array.from({ length: n }, (_, i) => ({ id: i, path: `src/f${i}.ts` }));
  const op: WalOp = { type: 'insert', rows, vectors: { embedding: vectors(n, dim) } };
  const buf = encodeWalOp(op);
  const jsonBytes = Buffer.byteLength(JSON.stringify(rows));
  assert.ok(buf.length < n * dim * 4 + jsonBytes + 100, `record is ${buf.length} bytes`);
  const back = decodeWalOp(buf);
  assert.equal(back.type, 'insert');
  assert.deepEqual(back.type === 'insert' && back.vectors.embedding, op.vectors.embedding);
});

test('malformed records and inputs give EngineError', () => {
  const good = encodeWalOp({ type: 'insert', rows: [{ id: 1 }], vectors: { v: new Float32Array(4) } });
  assert.throws(() => decodeWalOp(good.subarray(0, good.length - 2)), (e: unknown) => e instanceof EngineError && /truncated/.test(e.message));
  const badType = Buffer.from(good);
  badType[0] = 9;
  assert.throws(() => decodeWalOp(badType), /unknown operation type 9/);
  assert.throws(
    () => encodeWalOp({ type: 'insert', rows: [{ id: 1 }, { id: 2 }], vectors: { v: new Float32Array(3) } }),
    /field "v" has 3 floats, not a multiple of 2 rows/,
  );
});
