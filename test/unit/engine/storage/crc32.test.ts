import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32, crc32Table } from '../../../../src/engine/storage/crc32';

test('crc32 matches the standard check values', () => {
  const check = Buffer.from('123456789', 'ascii');
  assert.equal(crc32Table(check), 0xcbf43926);
  assert.equal(crc32(check), 0xcbf43926);
  assert.equal(crc32Table(new Uint8Array(0)), 0);
  assert.equal(crc32Table(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
});

test('table and native crc32 agree, and a seed continues a running checksum', () => {
  for (const n of [1, 7, 8, 9, 63, 64, 1000, 65537]) {
    const buf = randomBytes(n);
    const whole = crc32Table(buf);
    assert.equal(crc32(buf), whole, `length ${n}`);
    const cut = Math.floor(n / 3);
    assert.equal(crc32Table(buf.subarray(cut), crc32Table(buf.subarray(0, cut))), whole, `split at ${cut} of ${n}`);
    assert.equal(crc32(buf.subarray(cut), crc32(buf.subarray(0, cut))), whole);
  }
});

test('an empty chunk leaves a running checksum unchanged, whatever buffer it views', () => {
  const seed = crc32(Buffer.from('segment header'));
  // An empty typed array's view over an empty ArrayBuffer: Node 20's zlib.crc32 returns 0 here.
  const empty = new Uint8Array(new Float32Array(0).buffer, 0, 0);
  assert.equal(crc32(empty, seed), seed);
  assert.equal(crc32(new Uint8Array(0), seed), seed);
});
