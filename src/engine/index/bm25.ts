// A per-segment inverted index scored with Okapi BM25, as Milvus 2.5 does for full-text search
// (a BM25 function turns a VarChar field into a sparse vector; SPARSE_INVERTED_INDEX, metric BM25).
//
// Scores must be comparable across segments, so IDF and the average document length come from
// COLLECTION-level statistics: each segment reports `stats(terms)`, the collection sums them with
// `mergeBm25Stats`, and passes the result back into every segment's `search`. Without it, a rare
// term in a small segment would outscore the same match in a big one.
//
//   idf(t)   = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
//   score(d) = Σ_t qtf(t) · idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 - b + b·|d|/avgdl))
//
// Labels are dense segment offsets (as in index/types.ts). Deletes are not removed from postings:
// the caller's `allow` filter hides tombstoned rows during scoring, and compaction rebuilds.

import { promises as fs } from 'node:fs';
import type { JsonValue } from '../schema/types';
import type { LabelFilter, SearchHits } from './types';
import { type Analyzer, createAnalyzer } from '../text/analyzer';
import { EngineError, ErrorCode, invalid } from '../errors';

export interface Bm25Params {
  /** Term-frequency saturation (Milvus `bm25_k1`, default 1.2). */
  k1?: number;
  /** Length normalisation (Milvus `bm25_b`, default 0.75). */
  b?: number;
  /** Milvus `analyzer_params` of the input field: `{type: 'standard' | 'code', ...}`. */
  analyzerParams?: Record<string, JsonValue>;
}

/** Corpus statistics BM25 needs; per segment, or summed over a collection's segments. */
export interface Bm25Stats {
  /** Number of documents. */
  docCount: number;
  /** Sum of document lengths in tokens (avgdl = totalLength / docCount). */
  totalLength: number;
  /** Documents containing each term (only the terms asked for, when restricted). */
  df: Map<string, number>;
}

export const BM25_DEFAULT_K1 = 1.2;
export const BM25_DEFAULT_B = 0.75;

/** Sums per-segment statistics into collection statistics. */
export function mergeBm25Stats(parts: Iterable<Bm25Stats>): Bm25Stats {
  const merged: Bm25Stats = { docCount: 0, totalLength: 0, df: new Map() };
  for (const s of parts) {
    merged.docCount += s.docCount;
    merged.totalLength += s.totalLength;
    for (const [term, n] of s.df) merged.df.set(term, (merged.df.get(term) ?? 0) + n);
  }
  return merged;
}

/** A term's postings in growable typed arrays: 8 bytes per (label, tf), not 2 boxed numbers. */
class Postings {
  labels = new Uint32Array(4);
  tfs = new Uint32Array(4);
  length = 0;

  push(label: number, tf: number): void {
    if (this.length === this.labels.length) {
      const cap = this.length * 2;
      const labels = new Uint32Array(cap);
      labels.set(this.labels);
      const tfs = new Uint32Array(cap);
      tfs.set(this.tfs);
      this.labels = labels;
      this.tfs = tfs;
    }
    this.labels[this.length] = label;
    this.tfs[this.length] = tf;
    this.length++;
  }
}

const MAGIC = 'LOUPEBM25';
const FORMAT_VERSION = 1;

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly analyzer: Analyzer;
  private readonly analyzerParams: Record<string, JsonValue>;
  private readonly postings = new Map<string, Postings>();
  /** Token count per label; -1 marks a label never added (labels may arrive out of order). */
  private docLengths: Int32Array = new Int32Array(16).fill(-1);
  private docCount = 0;
  private totalLength = 0;
  private maxLabel = -1;

  constructor(params: Bm25Params = {}) {
    this.k1 = params.k1 ?? BM25_DEFAULT_K1;
    this.b = params.b ?? BM25_DEFAULT_B;
    if (!Number.isFinite(this.k1) || this.k1 < 0) throw invalid(`bm25_k1: expected a number >= 0, got ${params.k1}`);
    if (!Number.isFinite(this.b) || this.b < 0 || this.b > 1) throw invalid(`bm25_b: expected a number in [0, 1], got ${params.b}`);
    this.analyzerParams = params.analyzerParams ?? { type: 'standard' };
    this.analyzer = createAnalyzer(this.analyzerParams);
  }

  /** Number of documents added. */
  get size(): number {
    return this.docCount;
  }

  /** Number of distinct terms. */
  get vocabularySize(): number {
    return this.postings.size;
  }

  /** Indexes `text` under `label` (a segment offset, each added once). */
  add(label: number, text: string): void {
    this.addTokens(label, this.analyzer.analyze(text));
  }

  /** Indexes already-analyzed tokens (e.g. when rebuilding from stored term counts). */
  addTokens(label: number, tokens: readonly string[]): void {
    if (!Number.isInteger(label) || label < 0 || label > 0xffffffff) {
      throw invalid(`BM25 index: label must be a non-negative 32-bit integer, got ${label}`);
    }
    this.ensureLabelCapacity(label);
    if (this.docLengths[label] !== -1) throw invalid(`BM25 index: label ${label} was already added`);
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, n] of tf) {
      let p = this.postings.get(term);
      if (!p) this.postings.set(term, (p = new Postings()));
      p.push(label, n);
    }
    this.docLengths[label] = tokens.length;
    this.docCount++;
    this.totalLength += tokens.length;
    if (label > this.maxLabel) this.maxLabel = label;
  }

  private ensureLabelCapacity(label: number): void {
    if (label < this.docLengths.length) return;
    let cap = this.docLengths.length;
    while (cap <= label) cap *= 2;
    const grown = new Int32Array(cap).fill(-1);
    grown.set(this.docLengths);
    this.docLengths = grown;
  }

  /** This segment's statistics; restricted to `terms` when given (all a query needs). */
  stats(terms?: Iterable<string>): Bm25Stats {
    const df = new Map<string, number>();
    if (terms) {
      for (const t of terms) df.set(t, this.postings.get(t)?.length ?? 0);
    } else {
      for (const [t, p] of this.postings) df.set(t, p.length);
    }
    return { docCount: this.docCount, totalLength: this.totalLength, df };
  }

  /**
   * The best `k` documents for `queryText`, score descending (Milvus convention: larger is
   * better), ties by label. `allow` is applied while scoring; `stats` are the collection's
   * statistics (default: this segment's own).
   */
  search(queryText: string, k: number, allow?: LabelFilter, stats?: Bm25Stats): SearchHits {
    return this.searchTokens(this.analyzer.analyze(queryText), k, allow, stats);
  }

  searchTokens(queryTokens: readonly string[], k: number, allow?: LabelFilter, stats?: Bm25Stats): SearchHits {
    if (!Number.isInteger(k) || k < 0) throw invalid(`BM25 search: k must be a non-negative integer, got ${k}`);
    const qtf = new Map<string, number>();
    for (const t of queryTokens) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    const s = stats ?? this.stats(qtf.keys());
    if (k === 0 || qtf.size === 0 || this.docCount === 0 || s.docCount === 0) return { labels: [], distances: [] };

    const avgdl = s.totalLength / s.docCount || 1;
    const scores = new Float64Array(this.maxLabel + 1);
    const seen = new Uint8Array(this.maxLabel + 1);
    const touched: number[] = [];
    // allow() may be costly (a filter); ask once per label: 0 unknown, 1 allowed, 2 denied.
    const allowed = allow ? new Uint8Array(this.maxLabel + 1) : undefined;
    for (const [term, queryCount] of qtf) {
      const p = this.postings.get(term);
      if (!p) continue;
      // A collection df below the segment's would make idf wrong; trust the larger.
      const df = Math.max(s.df.get(term) ?? 0, p.length);
      const idf = Math.log(1 + (s.docCount - df + 0.5) / (df + 0.5));
      const weight = queryCount * idf * (this.k1 + 1);
      for (let i = 0; i < p.length; i++) {
        const label = p.labels[i];
        if (allow && allowed) {
          if (allowed[label] === 0) allowed[label] = allow(label) ? 1 : 2;
          if (allowed[label] === 2) continue;
        }
        const tf = p.tfs[i];
        const norm = this.k1 * (1 - this.b + (this.b * this.docLengths[label]) / avgdl);
        if (!seen[label]) {
          seen[label] = 1;
          touched.push(label);
        }
        scores[label] += (weight * tf) / (tf + norm);
      }
    }
    return topK(touched, scores, k);
  }

  /** Approximate bytes held: postings arrays, term strings and map entries, doc lengths. */
  memoryBytes(): number {
    let bytes = this.docLengths.byteLength;
    for (const [term, p] of this.postings) bytes += p.labels.byteLength + p.tfs.byteLength + 2 * term.length + 96;
    return bytes;
  }

  /**
   * Writes a versioned binary file: magic, version, k1, b, analyzer params (JSON), doc lengths,
   * then each term with its postings. Little-endian throughout.
   */
  async save(file: string): Promise<void> {
    const w = new Writer();
    w.bytes(Buffer.from(MAGIC, 'ascii'));
    w.u32(FORMAT_VERSION);
    w.f64(this.k1);
    w.f64(this.b);
    w.string(JSON.stringify(this.analyzerParams));
    w.u32(this.maxLabel + 1);
    w.bytes(Buffer.from(this.docLengths.buffer, 0, (this.maxLabel + 1) * 4));
    w.u32(this.postings.size);
    for (const [term, p] of this.postings) {
      w.string(term);
      w.u32(p.length);
      w.bytes(Buffer.from(p.labels.buffer, 0, p.length * 4));
      w.bytes(Buffer.from(p.tfs.buffer, 0, p.length * 4));
    }
    await fs.writeFile(file, w.finish());
  }

  static async load(file: string): Promise<Bm25Index> {
    const buf = await fs.readFile(file);
    const r = new Reader(buf, file);
    const magic = r.bytes(MAGIC.length).toString('ascii');
    if (magic !== MAGIC) throw r.error('not a BM25 index file (bad magic)');
    const version = r.u32();
    if (version !== FORMAT_VERSION) {
      throw r.error(`BM25 index format version ${version} is not supported (this build reads ${FORMAT_VERSION})`);
    }
    const k1 = r.f64();
    const b = r.f64();
    let analyzerParams: Record<string, JsonValue>;
    try {
      analyzerParams = JSON.parse(r.string()) as Record<string, JsonValue>;
    } catch {
      throw r.error('analyzer params are not valid JSON');
    }
    const index = new Bm25Index({ k1, b, analyzerParams });
    const labelSpan = r.u32();
    const lengths = new Int32Array(r.copy(labelSpan * 4));
    index.ensureLabelCapacity(Math.max(0, labelSpan - 1));
    index.docLengths.set(lengths);
    for (let label = 0; label < labelSpan; label++) {
      const len = lengths[label];
      if (len < 0) continue;
      index.docCount++;
      index.totalLength += len;
      index.maxLabel = label;
    }
    const terms = r.u32();
    for (let i = 0; i < terms; i++) {
      const term = r.string();
      const n = r.u32();
      const p = new Postings();
      p.labels = new Uint32Array(r.copy(n * 4));
      p.tfs = new Uint32Array(r.copy(n * 4));
      p.length = n;
      for (let j = 0; j < n; j++) {
        if (p.labels[j] >= labelSpan || lengths[p.labels[j]] < 0) throw r.error(`term "${term}" lists unknown label ${p.labels[j]}`);
      }
      index.postings.set(term, p);
    }
    if (!r.atEnd()) throw r.error('trailing bytes after the last term');
    return index;
  }
}

/** The k best of `candidates` by score (desc), ties by label (asc); a bounded min-heap. */
function topK(candidates: number[], scores: Float64Array, k: number): SearchHits {
  // worse(a, b): a ranks below b.
  const worse = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const heap: number[] = [];
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const c of candidates) {
    if (heap.length < k) {
      heap.push(c);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (worse(heap[0], c)) {
      heap[0] = c;
      siftDown(0);
    }
  }
  heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  return { labels: heap, distances: heap.map((l) => scores[l]) };
}

class Writer {
  private readonly chunks: Buffer[] = [];
  bytes(b: Buffer): void {
    this.chunks.push(Buffer.from(b)); // copy: the source typed array may grow later
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.chunks.push(b);
  }
  f64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    this.chunks.push(b);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u32(b.length);
    this.chunks.push(b);
  }
  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly file: string,
  ) {}
  error(what: string): EngineError {
    return new EngineError(ErrorCode.StorageError, `${this.file}: ${what} (at byte ${this.pos})`);
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw this.error(`truncated: wanted ${n} bytes, ${this.buf.length - this.pos} left`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** A fresh, 4-byte-aligned copy (typed arrays over a Buffer slice may be misaligned). */
  copy(n: number): ArrayBuffer {
    const out = new ArrayBuffer(n);
    new Uint8Array(out).set(this.bytes(n));
    return out;
  }
  u32(): number {
    return this.bytes(4).readUInt32LE(0);
  }
  f64(): number {
    return this.bytes(8).readDoubleLE(0);
  }
  string(): string {
    return this.bytes(this.u32()).toString('utf8');
  }
  atEnd(): boolean {
    return this.pos === this.buf.length;
  }
}
