// The ranking stack behind every chunk search (palette, sidebar, hover, chat tool, CLI):
//
//   1. candidates: BM25 over the chunk text (prose without stop words, plus stems) and/or the
//      dense vector, a few times the page deep; for an identifier query also the chunks the
//      store names it in (symbol field, file named after it, and for names too short for the
//      BM25 analyzer, lines that assign it);
//   2. fusion per mode: text = BM25 score; semantic = cosine; hybrid = a weighted sum of both,
//      each scaled to [0, 1] over its candidates, leaning on BM25 for identifiers and for prose;
//   3. boosts: a chunk that defines the queried name, files whose name or folder matches the
//      query's words, files with several matching chunks;
//   4. priors: tests, examples, vendored, generated, minified code and docs down-weighted;
//   5. selection: each further chunk of a file already on the page counts half as much, so one
//      file does not fill the page.
// Every stage runs under the caller's filter: channels are searched with it, nothing is added
// from outside it.

import type { Row } from '../../engine/schema/types';
import { F } from '../indexer/chunkSchema';
import type { PreparedFilter, StoreHit, VectorStore } from '../store/vectorStore';
import { definesName, definitionNesting } from './definitions';
import { pathPrior, pathWords } from './pathPriors';
import { analyzeQuery, type QueryAnalysis } from './queryAnalysis';
import { splitIdentifier } from '../../engine/text/analyzer';

export type RankMode = 'text' | 'semantic' | 'hybrid';

export interface RankRequest {
  text: string;
  mode: RankMode;
  limit: number;
  /** The request's filter, prepared once for every channel (VectorStore.prepareFilter). */
  filter?: PreparedFilter;
  outputFields: string[];
  /** The query's embedding, for semantic and hybrid. */
  dense?: { vector: Float32Array | number[]; annsField: string };
}

/** Candidates per channel: deep enough for a boost to lift the answer from below BM25's first page. */
const CANDIDATES = 200;
/** Rows the name lookup may bring (a file named after the symbol has many chunks). */
const NAMED_ROWS = 300;
/** Weight of the dense side in hybrid: less for an identifier, where exact words decide. */
const DENSE_WEIGHT = { identifier: 0.3, prose: 0.4 };
/** Boosts in units of the best fused score. */
const DEFINITION_BOOST = 3;
const EMBEDDED_DEFINITION_BOOST = 1.5;
/** A definition in a file named after it (Client in Client.php) is the one people mean. */
const NAMED_FILE_FACTOR = 1.5;
/** Each qualifier on a definition (Ecto.Repo.Schema vs Ecto.Schema for `Schema`) weakens its boost by this share. */
const NESTING_DISCOUNT = 0.1;
const PATH_BOOST = 2.5;
const FILE_COHERENCE_BOOST = 0.5;
/** Each further chunk of a file already selected is worth this much of the one before. */
const SATURATION = 0.5;

interface Candidate {
  hit: StoreHit;
  score: number;
}

/** What ranking asks of a store: its three searches, nothing that writes. */
export type RankingStore = Pick<VectorStore, 'textSearch' | 'search' | 'query'>;

export async function rankChunks(store: RankingStore, req: RankRequest): Promise<StoreHit[]> {
  const q = analyzeQuery(req.text);
  const depth = Math.max(CANDIDATES, req.limit * 3);
  const base = req.filter ? { prepared: req.filter } : {};
  const withFields = { outputFields: req.outputFields, ...base };
  const [lexical, dense, named] = await Promise.all([
    req.mode === 'semantic' ? [] : store.textSearch({ text: q.bm25Text, limit: depth, ...withFields }),
    req.dense ? store.search({ vector: req.dense.vector, annsField: req.dense.annsField, limit: depth, ...withFields }) : [],
    q.identifier && req.mode !== 'semantic' ? namedRows(store, q, req) : [],
  ]);
  const pool = fuse(lexical, dense, req.mode, q);
  if (req.mode !== 'semantic') boost(pool, named, q);
  for (const c of pool.values()) c.score *= pathPrior(String(c.hit.row[F.path]), String(c.hit.row[F.language] ?? ''), q);
  return select([...pool.values()], req.limit);
}

/**
 * Fused scores, scaled so the best candidate has 1 (boosts are in those units). Hybrid blends
 * the two channels' scores, each scaled to [0, 1] over its own candidates (BM25 / its best;
 * cosine from the dense list's last to its first), rather than their ranks: RRF flattens BM25's
 * steep head (rank 10 keeps ~85% of rank 1's share), so the boosts, sized for a BM25 page,
 * swamped it and dense added nothing on top of text.
 */
function fuse(lexical: StoreHit[], dense: StoreHit[], mode: RankMode, q: QueryAnalysis): Map<string, Candidate> {
  const pool = new Map<string, Candidate>();
  const add = (hit: StoreHit, score: number) => {
    const c = pool.get(hit.id);
    if (c) c.score += score;
    else pool.set(hit.id, { hit, score });
  };
  if (mode === 'hybrid' && dense.length) {
    const w = q.identifier ? DENSE_WEIGHT.identifier : DENSE_WEIGHT.prose;
    const lexMax = Math.max(0, ...lexical.map((h) => h.score));
    const cosMax = Math.max(...dense.map((h) => h.score));
    const cosMin = Math.min(...dense.map((h) => h.score));
    const cosSpan = cosMax - cosMin || 1;
    for (const h of dense) add(h, (w * (h.score - cosMin)) / cosSpan);
    if (lexMax > 0) for (const h of lexical) add(h, ((1 - w) * h.score) / lexMax);
  } else {
    for (const h of mode === 'semantic' ? dense : lexical) add(h, h.score);
  }
  const max = Math.max(0, ...[...pool.values()].map((c) => c.score));
  if (max > 0) for (const c of pool.values()) c.score /= max;
  return pool;
}

function boost(pool: Map<string, Candidate>, named: StoreHit[], q: QueryAnalysis): void {
  // Files with several matching chunks: their best chunk gains in proportion to the file's total.
  const fileSum = new Map<string, number>();
  const best = new Map<string, Candidate>();
  for (const c of pool.values()) {
    const file = fileKey(c.hit.row);
    fileSum.set(file, (fileSum.get(file) ?? 0) + c.score);
    const b = best.get(file);
    if (!b || c.score > b.score) best.set(file, c);
  }
  const maxSum = Math.max(0, ...fileSum.values());
  if (maxSum > 0) for (const [file, c] of best) c.score += (FILE_COHERENCE_BOOST * (fileSum.get(file) ?? 0)) / maxSum;

  const names = q.identifier ? q.symbolNames : q.embeddedSymbols;
  const unit = q.identifier ? DEFINITION_BOOST : EMBEDDED_DEFINITION_BOOST;
  if (names.length) {
    // Definitions the name lookup found outside the candidates join with the boost alone.
    for (const hit of named) if (!pool.has(hit.id) && definesName(hit.row, names)) pool.set(hit.id, { hit, score: 0 });
    for (const c of pool.values()) {
      const nesting = definitionNesting(c.hit.row, names);
      if (nesting === undefined) continue;
      const stem = pathWords(String(c.hit.row[F.path])).stem.toLowerCase();
      const named = names.some((n) => stemMatches(stem, n.toLowerCase())) ? NAMED_FILE_FACTOR : 1;
      c.score += (unit * named) / (1 + NESTING_DISCOUNT * nesting);
    }
  }
  if (q.keywords.length) {
    // Files whose name or folder spells the query's words. (The same boost on a chunk's symbol
    // for prose queries measured no better on the dev split, so symbols count via definitions.)
    fieldBoost(pool, q.keywords, (row) => String(row[F.path]), pathParts, PATH_BOOST);
  }
}

/**
 * Adds `weight × share of keywords the field spells` to each candidate. A keyword most
 * candidates' fields spell (the project's own name in every path) says little and weighs less,
 * as IDF would have it (over the candidates, which is what the page is chosen from).
 */
function fieldBoost(pool: Map<string, Candidate>, keywords: readonly string[], field: (row: Row) => string, parts: (value: string) => string[], weight: number): void {
  const matched = new Map<string, boolean[]>();
  for (const c of pool.values()) {
    const v = field(c.hit.row);
    if (!matched.has(v)) matched.set(v, spelled(parts(v), keywords));
  }
  const n = matched.size;
  const weights = keywords.map((_, k) => {
    let df = 0;
    for (const m of matched.values()) if (m[k]) df++;
    return Math.log(1 + n / Math.max(1, df));
  });
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return;
  for (const c of pool.values()) {
    const m = matched.get(field(c.hit.row)) as boolean[];
    const share = m.reduce((sum, hit, k) => sum + (hit ? weights[k] : 0), 0) / total;
    if (share >= 0.1) c.score += weight * share;
  }
}

const partsCache = new Map<string, string[]>();

/** The file name and its folder, whole and split into words (remembered, as paths recur across searches). */
function pathParts(relPath: string): string[] {
  let parts = partsCache.get(relPath);
  if (!parts) {
    const { stem, parent } = pathWords(relPath);
    parts = [...new Set([stem, parent, ...splitIdentifier(stem), ...splitIdentifier(parent)].map((s) => s.toLowerCase()).filter(Boolean))];
    if (partsCache.size >= 20_000) partsCache.clear();
    partsCache.set(relPath, parts);
  }
  return parts;
}

/** Which keywords the parts spell: equal, or one a prefix of the other from 3 letters on. */
function spelled(parts: readonly string[], keywords: readonly string[]): boolean[] {
  return keywords.map((k) =>
    parts.some((p) => {
      const [short, long] = k.length <= p.length ? [k, p] : [p, k];
      return p === k || (short.length >= 3 && long.startsWith(short));
    }),
  );
}

/** "http_client" or "clients" matches the name "client" / "HttpClient". */
function stemMatches(stem: string, name: string): boolean {
  const flat = stem.replace(/[_-]/g, '');
  const n = name.replace(/[_-]/g, '');
  return flat === n || flat.replace(/s$/, '') === n;
}

/** Chunks the store can name for an identifier: its symbol, a file named after it, short names by assignment. */
function namedRows(store: RankingStore, q: QueryAnalysis, req: RankRequest): Promise<StoreHit[]> {
  const lit = (s: string) => JSON.stringify(s);
  const name = q.symbolNames[0];
  const parts = [
    ...q.symbolNames.map((n) => `${F.symbol} == ${lit(n)}`),
    `${F.symbol} like ${lit(`%.${name}`)}`,
    `${F.path} like ${lit(`%/${name}.%`)}`,
    `${F.path} like ${lit(`${name}.%`)}`,
  ];
  // Names the BM25 analyzer drops (one letter: Flask's `g`) are found where a line assigns them.
  if ([...name].length < 2) parts.push(...[' =', ':', ' :='].map((op) => `${F.text} like ${lit(`%\n${name}${op}%`)}`));
  const filter = parts.join(' or ');
  return store
    .query({ filter, ...(req.filter ? { prepared: req.filter } : {}), outputFields: [F.id, ...req.outputFields], limit: NAMED_ROWS })
    .then((rows) => rows.map((row) => ({ id: String(row[F.id]), score: 0, row })));
}

const fileKey = (row: Row) => `${String(row[F.folder])}\0${String(row[F.path])}`;

/** The page: best first, each further chunk of a file on it decayed (greedy, as scores only fall). */
function select(candidates: Candidate[], limit: number): StoreHit[] {
  const sorted = candidates.sort((a, b) => b.score - a.score);
  const perFile = new Map<string, number>();
  const chosen: Candidate[] = [];
  for (const c of sorted) {
    if (chosen.length >= limit && c.score <= chosen[chosen.length - 1].score) break;
    const file = fileKey(c.hit.row);
    const seen = perFile.get(file) ?? 0;
    perFile.set(file, seen + 1);
    chosen.push({ hit: c.hit, score: c.score * SATURATION ** seen });
    chosen.sort((a, b) => b.score - a.score);
    if (chosen.length > limit) chosen.pop();
  }
  return chosen.map((c) => ({ ...c.hit, score: c.score }));
}
