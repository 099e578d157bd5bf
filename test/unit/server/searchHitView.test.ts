// Where a hit shows the matched terms (hitView.matchRanges): the server's code tokens, so a face
// only wraps ranges and never tokenizes again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchRanges } from '../../../src/server/search/hitView';

const shown = (terms: string[], text: string) => matchRanges(terms, text).map(([s, e]) => text.slice(s, e));

test('an identifier that is a term is marked whole; otherwise its parts that are', () => {
  assert.deepEqual(shown(['circlearea', 'circle', 'area'], 'return circleArea(r) + circle_radius'), ['circleArea', 'circle']);
  assert.deepEqual(shown(['http', 'response'], 'parseHTTPResponse(body)'), ['HTTP', 'Response']);
  assert.deepEqual(shown(['area'], 'Areas of the area'), ['area']);
});

test('terms are whole tokens, not substrings: "get" is not marked inside "target"', () => {
  assert.deepEqual(shown(['get'], 'target = get(x)'), ['get']);
  assert.deepEqual(matchRanges([], 'anything'), []);
});

test('ranges are UTF-16 offsets into the text as sent, ascending and apart', () => {
  const text = '<script>alert(1)</script> — naïve café alert';
  const ranges = matchRanges(['script', 'alert', 'café'], text);
  assert.deepEqual(ranges.map(([s, e]) => text.slice(s, e)), ['script', 'alert', 'script', 'café', 'alert']);
  const flat = ranges.flat();
  assert.deepEqual(flat, [...flat].sort((a, b) => a - b));
});
