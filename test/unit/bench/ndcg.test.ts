// The benchmark's metric on hand-made cases (semble's protocol): a wrong formula would make every
// figure in bench/RESULTS.md wrong, and those figures are not re-derivable by eye.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ndcgAtK, pathMatches, queryNdcg } from '../../../bench/quality/ndcg';

test('NDCG@10: one of two targets at rank 1 and the other at rank 3', () => {
  const ideal = 1 + 1 / Math.log2(3);
  assert.ok(Math.abs(ndcgAtK([1, 3], 2, 10) - (1 + 1 / Math.log2(4)) / ideal) < 1e-12);
  assert.equal(ndcgAtK([], 2, 10), 0);
  assert.equal(ndcgAtK([11], 1, 10), 0);
});

test('a target counts at the first chunk of its file, and only where a line span overlaps', () => {
  const hits = [
    { path: 'src/flask/app.py', startLine: 1, endLine: 40 },
    { path: 'src/flask/ctx.py', startLine: 10, endLine: 30 },
    { path: 'src/flask/app.py', startLine: 100, endLine: 140 },
  ];
  // app.py without a span is found at rank 1; with a span at 120–125 only the third chunk covers it.
  assert.equal(queryNdcg(hits, [{ path: 'src/flask/app.py' }]), 1);
  assert.ok(Math.abs(queryNdcg(hits, [{ path: 'src/flask/app.py', startLine: 120, endLine: 125 }]) - 1 / Math.log2(4)) < 1e-12);
  // A second chunk of an already-found file adds nothing.
  assert.ok(Math.abs(queryNdcg(hits, [{ path: 'flask/app.py' }, { path: 'other.py' }]) - 1 / (1 + 1 / Math.log2(3))) < 1e-12);
});

test('paths match when equal or when one ends with "/" + the other', () => {
  assert.ok(pathMatches('src/flask/app.py', 'flask/app.py'));
  assert.ok(pathMatches('app.py', 'src/flask/app.py'));
  assert.ok(!pathMatches('src/flask/myapp.py', 'app.py'));
});
