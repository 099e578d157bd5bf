// How a query is read before ranking: an identifier asks for a definition, prose for code in
// other words; reading one as the other would rank the wrong things first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeQuery, stems } from '../../../src/server/search/queryAnalysis';

test('identifiers, qualified names and one-letter names are identifier queries; prose is not', () => {
  for (const q of ['HandlerStack', 'Rails::Engine', 'absl.StrCat', 'g', 'parse_http_response']) assert.ok(analyzeQuery(q).identifier, q);
  assert.deepEqual(analyzeQuery('Rails::Engine').symbolNames, ['Engine', 'Rails::Engine']);
  const prose = analyzeQuery('how are routes registered in RouterGroup');
  assert.ok(!prose.identifier);
  assert.deepEqual(prose.embeddedSymbols, ['RouterGroup']);
  // Stop words leave the BM25 query; stems join it.
  assert.ok(!/\b(how|are|in)\b/.test(prose.bm25Text), prose.bm25Text);
  assert.ok(prose.bm25Text.split(' ').includes('register'), prose.bm25Text);
  assert.ok(prose.bm25Text.split(' ').includes('route'), prose.bm25Text);
});

test('a capitalised word before a kind noun names the type a prose query means; a dotted project name does not', () => {
  assert.deepEqual(analyzeQuery('Job interface and coroutine lifecycle management').embeddedSymbols, ['Job']);
  assert.deepEqual(analyzeQuery('how the Handler trait dispatches requests').embeddedSymbols, ['Handler']);
  // Capitalised without a kind noun after it (sentence start, a product name): no name.
  assert.deepEqual(analyzeQuery('Date handling and ISO 8601 parsing in Newtonsoft.Json').embeddedSymbols, []);
});

test('a query that asks for tests or docs says so (their down-weighting is lifted)', () => {
  assert.ok(analyzeQuery('tests for the router').asksFor.has('test'));
  assert.ok(analyzeQuery('readme install section').asksFor.has('doc'));
  assert.equal(analyzeQuery('router').asksFor.size, 0);
});

test('stems strip plural, -ing and -ed forms and leave short or non-English words alone', () => {
  assert.ok(stems('handlers').includes('handler'));
  assert.ok(stems('dependencies').includes('dependency'));
  assert.ok(stems('parsing').includes('pars') || stems('parsing').includes('parse'));
  assert.deepEqual(stems('bus'), []);
  assert.deepEqual(stems('naïve'), []);
});
