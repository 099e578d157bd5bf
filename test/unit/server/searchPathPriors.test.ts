// Which files a search trusts less before reading them: a test, an example, vendored, generated
// or minified code says every name the implementation does; a query that asks for them lifts it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathPrior } from '../../../src/server/search/pathPriors';
import { analyzeQuery } from '../../../src/server/search/queryAnalysis';

const prose = analyzeQuery('parse the request body');

test('implementation files keep their score; tests, examples, vendored, generated and minified code lose some', () => {
  assert.equal(pathPrior('src/router/request.ts', 'typescript', prose), 1);
  for (const p of ['src/router/request.test.ts', 'tests/test_request.py', 'pkg/request_test.go', 'src/test/java/RequestTest.java', 'examples/basic/app.js', 'vendor/lib/parser.php', 'third_party/zlib/inflate.c', 'api/request.pb.go', 'dist/app.min.js']) {
    assert.ok(pathPrior(p, 'typescript', prose) < 1, p);
  }
});

test('a query that asks for tests or examples does not down-weight them', () => {
  assert.equal(pathPrior('tests/test_request.py', 'python', analyzeQuery('tests for request parsing')), 1);
  assert.equal(pathPrior('examples/basic/app.js', 'javascript', analyzeQuery('example app')), 1);
});

test('docs rank below code, further below for an identifier query, unless the query asks for docs', () => {
  const forName = pathPrior('README.md', 'markdown', analyzeQuery('HandlerStack'));
  const forProse = pathPrior('README.md', 'markdown', prose);
  assert.ok(forName < forProse && forProse < 1);
  assert.equal(pathPrior('README.md', 'markdown', analyzeQuery('readme install steps')), 1);
});
