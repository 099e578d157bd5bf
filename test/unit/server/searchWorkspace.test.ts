// WorkspaceSearch, the one ranked search every face asks (palette, sidebar, chat tool, hover, CLI):
// over the indexed fixture workspace, a filter (typed + shortcuts) is compiled once per request
// however many channels the ranking searches, it holds in every mode and stage, and each hit says
// where its snippet and symbol show the matched terms.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SearchMode } from '../../../src/protocol/requests';
import { IndexModels } from '../../../src/server/indexer/models';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import type { WorkspaceSearch } from '../../../src/server/search/workspaceSearch';
import { TINY_MODELS, copyWorkspace, scratchDir, searchOf } from './indexerFixtures';
import { countCompiles } from './storeFixtures';

let models: IndexModels;
let index: WorkspaceIndex;
let search: WorkspaceSearch;

before(async () => {
  models = await IndexModels.load(TINY_MODELS);
  index = await WorkspaceIndex.open({ folders: [{ name: 'workspace', absPath: copyWorkspace() }], dataDir: scratchDir('wsearch-data'), models });
  await index.indexAll();
  search = searchOf(index);
});

after(async () => {
  await index?.close();
  await models?.close();
});

const MODES: SearchMode[] = ['text', 'semantic', 'hybrid'];

test('a filter is compiled once per request, in every mode, for an identifier and for prose', async () => {
  for (const mode of MODES) {
    for (const query of ['circleArea kind:function', 'area of a circle kind:function']) {
      const { result, compiled } = await countCompiles(() => search.search({ query, mode, filter: 'language == "typescript"' }));
      assert.equal(result.error, undefined, `${mode} "${query}": ${result.error?.message}`);
      assert.ok(result.hits.length > 0, `${mode} "${query}": no hits`);
      const withFilter = compiled.filter((t) => t.includes('language == "typescript"'));
      assert.equal(withFilter.length, 1, `${mode} "${query}" compiled the filter ${withFilter.length} times: ${compiled.join(' | ')}`);
      // The embedded collection is the workspace's own: no per-row workspace clause.
      assert.ok(compiled.every((t) => !/\bworkspace\b/.test(t)), compiled.join(' | '));
    }
  }
});

test('filters hold with every stage: only matching chunks, whatever the mode and query', async () => {
  const cases = [
    { query: 'circleArea', filter: 'language == "python"', ok: (h: { language: string }) => h.language === 'python' },
    { query: 'mean of values lang:py', ok: (h: { language: string }) => h.language === 'python' },
    { query: 'area path:docs/**', ok: (h: { path: string }) => h.path.startsWith('docs/') },
    { query: 'Rectangle -lang:ts', ok: (h: { language: string }) => h.language !== 'typescript' },
    { query: 'circleArea', filter: 'kind == "class"', ok: (h: { kind: string }) => h.kind === 'class' },
  ];
  for (const mode of MODES) {
    for (const c of cases) {
      const r = await search.search({ query: c.query, mode, ...(c.filter ? { filter: c.filter } : {}) });
      assert.equal(r.error, undefined, `${mode} ${c.query}: ${r.error?.message}`);
      const leaked = r.hits.filter((h) => !c.ok(h));
      assert.deepEqual(leaked.map((h) => `${h.path}:${h.startLine + 1} ${h.kind} ${h.language}`), [], `${mode} "${c.query}" ${c.filter ?? ''}`);
    }
  }
});

test('a bad filter is a user error pointing into what was typed; a filter-only query lists matches', async () => {
  const bad = await search.search({ query: 'area', mode: 'hybrid', filter: 'kind == ' });
  assert.match(bad.error?.message ?? '', /filter/);
  assert.equal(bad.error?.position, 7); // the end of "kind ==", as the server trims it
  const listed = await search.search({ query: 'lang:py', mode: 'hybrid' });
  assert.ok(listed.hits.length > 0 && listed.hits.every((h) => h.language === 'python'));
});

test('hits say where the snippet and the symbol show the matched terms', async () => {
  const r = await search.search({ query: 'circle area', mode: 'text' });
  const hit = r.hits.find((h) => h.symbol === 'circleArea');
  assert.ok(hit, r.hits.map((h) => h.symbol).join(', '));
  assert.deepEqual(hit.matchedTerms, ['circle', 'area']);
  const shown = (hit.snippetMatches ?? []).map(([s, e]) => hit.snippet.slice(s, e).toLowerCase());
  assert.ok(shown.length > 0 && shown.every((t) => t === 'circle' || t === 'area'), shown.join(', '));
  // Ranges ascend and do not overlap.
  const flat = (hit.snippetMatches ?? []).flat();
  assert.deepEqual(flat, [...flat].sort((a, b) => a - b));
  assert.deepEqual((hit.symbolMatches ?? []).map(([s, e]) => hit.symbol.slice(s, e)), ['circle', 'Area']);
  // Semantic search matches by meaning: nothing to mark.
  const semantic = await search.search({ query: 'circle area', mode: 'semantic' });
  assert.ok(semantic.hits.every((h) => h.snippetMatches === undefined));
});

test('the search is timed into the status the indexer reports', async () => {
  await search.search({ query: 'clamp', mode: 'text' });
  assert.equal(typeof index.status().queryLatencyMs, 'number');
});
