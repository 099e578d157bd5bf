// How the ranking weighs its signals, on a store that answers with fixed hits: in hybrid, a chunk
// that matches every word of the query keeps its lead over one the model likes slightly more, and
// the model still decides among chunks BM25 cannot tell apart; for a symbol, the least nested
// definition comes first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Row } from '../../../src/engine/schema/types';
import { F } from '../../../src/server/indexer/chunkSchema';
import { rankChunks, type RankingStore } from '../../../src/server/search/rankChunks';
import type { StoreHit } from '../../../src/server/store/vectorStore';

const row = (path: string): Row => ({ [F.path]: path, [F.folder]: 'ws', [F.language]: 'typescript', [F.kind]: 'function', [F.symbol]: '', [F.startLine]: 0, [F.endLine]: 9, [F.text]: `${path}\n…` });
const hit = (path: string, score: number): StoreHit => ({ id: path, score, row: row(path) });

function store(lexical: StoreHit[], dense: StoreHit[]): RankingStore {
  return { textSearch: () => Promise.resolve(lexical), search: () => Promise.resolve(dense), query: () => Promise.resolve([]) };
}

const ask = (s: RankingStore) =>
  rankChunks(s, { text: 'retry failed uploads with backoff', mode: 'hybrid', limit: 5, outputFields: [], dense: { vector: [1, 0], annsField: F.textVector } });

test('hybrid: the chunk matching every query word stays first although the model ranks it third', async () => {
  // BM25: retry.ts matches all the words (10), upload.ts one common word (1). The model barely
  // prefers upload.ts. Rank fusion would put upload.ts first; score fusion keeps BM25's clear lead.
  const lexical = [hit('src/retry.ts', 10), hit('src/upload.ts', 1)];
  const dense = [hit('src/upload.ts', 0.5), hit('src/queue.ts', 0.49), hit('src/retry.ts', 0.48), hit('src/other.ts', 0.2)];
  const page = await ask(store(lexical, dense));
  assert.equal(page[0]?.id, 'src/retry.ts', page.map((h) => h.id).join(', '));
});

test('hybrid: between chunks BM25 scores alike, the one the model prefers comes first', async () => {
  const lexical = [hit('src/a.ts', 5), hit('src/b.ts', 4.9)];
  const dense = [hit('src/b.ts', 0.7), hit('src/c.ts', 0.4), hit('src/a.ts', 0.2)];
  const page = await ask(store(lexical, dense));
  assert.equal(page[0]?.id, 'src/b.ts', page.map((h) => h.id).join(', '));
});

test('a symbol query puts the least nested definition first (Ecto.Schema before Ecto.Repo.Schema)', async () => {
  const def = (path: string, module: string, score: number): StoreHit => ({ id: path, score, row: { ...row(path), [F.language]: 'elixir', [F.kind]: 'block', [F.text]: `${path}\ndefmodule ${module} do\n  @moduledoc "Schema"\nend` } });
  const lexical = [def('lib/ecto/repo/schema.ex', 'Ecto.Repo.Schema', 5), def('lib/ecto/schema.ex', 'Ecto.Schema', 4.8)];
  const page = await rankChunks(store(lexical, []), { text: 'Schema', mode: 'text', limit: 5, outputFields: [] });
  assert.equal(page[0]?.id, 'lib/ecto/schema.ex', page.map((h) => h.id).join(', '));
});
