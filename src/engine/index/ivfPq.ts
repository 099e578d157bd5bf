// IVF_PQ (faiss IndexIVFPQ): coarse lists holding PQ codes of the residuals r = x − c.
// One ADC table of −⟨q_j, ·⟩ per query serves every probed list:
//   IP:  ⟨q, c + r⟩ = ⟨q, c⟩ + ⟨q, r⟩
//   L2:  ‖q − c − r‖² = ‖q − c‖² + (‖r‖² + 2⟨c, r⟩) − 2⟨q, r⟩
// where the middle term is one float per vector, computed at add time (as faiss's precomputed
// tables, but per vector: 4 bytes each instead of nlist × m × ksub floats). A table per list
// measured 2.4× slower on 100k × 384 (bench/RESULTS.md). Search can re-rank refineK × k
// candidates with exact distances from the segment's raw vectors (faiss IndexRefine), which the
// index references but does not own.

import { invalid } from '../errors';
import { checkQuery, dot, keyFunction, l2sq, normalizeRows, prepareVectors, TopK } from './distance';
import { checkAdd } from './flat';
import { CoarseQuantizer } from './coarseQuantizer';
import type { IndexFileReader } from './indexFile';
import { IndexFileWriter } from './indexFile';
import { InvertedLists } from './invertedLists';
import { DEFAULT_NPROBE, defaultNlist, untrained } from './ivfFlat';
import { adcKey, type PqCodes, ProductQuantizer } from './pq';
import { SeededRandom } from './rng';
import type { LabelFilter, MetricType, SearchHits, SearchParams, VectorIndex } from './types';

export interface IvfPqParams {
  nlist?: number;
  m: number;
  nbits: number;
  seed?: number;
}

export class IvfPqIndex implements VectorIndex {
  readonly type = 'IVF_PQ' as const;
  readonly needsTraining = true;
  private quantizer: CoarseQuantizer | undefined;
  private pq: ProductQuantizer;
  private lists: InvertedLists<PqCodes> | undefined;
  private raw: Float32Array | undefined;
  /** L2 only, per list, parallel to its codes: ‖r̃‖² + 2⟨c, r̃⟩ of each decoded residual r̃. */
  private terms: Float32Array[] = [];

  constructor(
    readonly metric: MetricType,
    readonly dim: number,
    private readonly params: IvfPqParams,
  ) {
    this.pq = new ProductQuantizer(dim, params.m, params.nbits);
  }

  get isTrained(): boolean {
    return this.quantizer !== undefined && this.pq.trained;
  }

  get size(): number {
    return this.lists?.total ?? 0;
  }

  get nlist(): number {
    return this.quantizer?.nlist ?? 0;
  }

  /** Residuals x − centroid(list) for each row. */
  private residuals(vectors: Float32Array, lists: Int32Array): Float32Array {
    const { dim } = this;
    const centroids = this.quantizer!.centroids; // callers check training first
    const out = new Float32Array(vectors.length);
    for (let i = 0; i < lists.length; i++) {
      const o = i * dim;
      const c = lists[i] * dim;
      for (let d = 0; d < dim; d++) out[o + d] = vectors[o + d] - centroids[c + d];
    }
    return out;
  }

  train(vectors: Float32Array): void {
    const n = vectors.length / this.dim;
    const seed = this.params.seed ?? 42;
    const v = prepareVectors(this.metric, vectors, this.dim);
    this.quantizer = CoarseQuantizer.train(v, this.dim, this.params.nlist ?? defaultNlist(n), seed);
    this.lists = new InvertedLists<PqCodes>(this.quantizer.nlist, this.pq.m, (k) => this.pq.makeCodes(k / this.pq.m));
    if (n === 0) return;
    // PQ trains on residuals of a sample, as faiss does (at most 64 × ksub rows are used anyway).
    const rows = new SeededRandom(seed + 1).sample(n, Math.min(n, 64 * this.pq.ksub));
    const sample = new Float32Array(rows.length * this.dim);
    rows.forEach((row, i) => sample.set(v.subarray(row * this.dim, (row + 1) * this.dim), i * this.dim));
    this.pq.train(this.residuals(sample, this.quantizer.assign(sample)), seed + 1);
  }

  /**
   * The segment's raw vectors, row = label, used to refine (re-rank) candidates. Referenced,
   * not copied, and not counted by memoryBytes (the segment owns them).
   */
  setRawVectors(vectors: Float32Array): void {
    if (vectors.length % this.dim !== 0) {
      throw invalid(`IVF_PQ.setRawVectors: ${vectors.length} floats is not a whole number of dim-${this.dim} rows`);
    }
    this.raw = vectors;
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    checkAdd('IVF_PQ', this.dim, labels, vectors);
    if (!this.quantizer || !this.lists || !this.pq.trained) {
      if (labels.length === 0) return;
      throw untrained('IVF_PQ');
    }
    if (labels.length === 0) return;
    const v = prepareVectors(this.metric, vectors, this.dim);
    const lists = this.quantizer.assign(v);
    this.lists.append(lists, labels, this.pq.encode(this.residuals(v, lists)));
    this.updateTerms();
  }

  /** Recomputes the L2 terms of lists whose size changed (all of them after a load). */
  private updateTerms(): void {
    if (this.metric !== 'L2' || !this.lists || !this.quantizer) return;
    const { dim, pq } = this;
    for (let l = 0; l < this.lists.nlist; l++) {
      const size = this.lists.sizes[l];
      if (this.terms[l]?.length === size) continue;
      const rec = pq.decode(this.lists.codes[l].subarray(0, size * pq.m));
      const t = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        t[i] = dot(rec, i * dim, rec, i * dim, dim) + 2 * dot(this.quantizer.centroids, l * dim, rec, i * dim, dim);
      }
      this.terms[l] = t;
    }
  }

  search(query: Float32Array, k: number, params: SearchParams = {}, allow?: LabelFilter): SearchHits {
    checkQuery(query, this.dim, 'IVF_PQ.search', k);
    const { quantizer, lists, pq } = this;
    if (!quantizer || !lists) throw untrained('IVF_PQ');
    const refineK = params.refineK ?? 0;
    if (refineK > 0 && !this.raw) {
      throw invalid('IVF_PQ.search: refineK needs the raw vectors (setRawVectors) and none were given');
    }
    const q = this.metric === 'COSINE' ? normalizeRows(Float32Array.from(query), this.dim) : query;
    const want = Math.min(this.size, refineK > 0 ? Math.max(k, Math.ceil(refineK * k)) : k);
    const top = new TopK(want);
    const { m, ksub } = pq;
    const isL2 = this.metric === 'L2';
    // One table of −⟨q_j, centroid⟩ per query serves every list (see the header comment).
    const table = pq.distanceTable(q, 'IP');
    const factor = isL2 ? 2 : 1;
    for (const l of quantizer.probe(q, params.nprobe ?? DEFAULT_NPROBE)) {
      const base = isL2
        ? l2sq(q, 0, quantizer.centroids, l * this.dim, this.dim)
        : -dot(q, 0, quantizer.centroids, l * this.dim, this.dim);
      const labels = lists.labels[l];
      const codes = lists.codes[l];
      const terms = this.terms[l];
      const size = lists.sizes[l];
      for (let i = 0; i < size; i++) {
        if (allow && !allow(labels[i])) continue;
        const adc = factor * adcKey(table, codes, i, m, ksub);
        top.push(isL2 ? base + terms[i] + adc : base + adc, labels[i]);
      }
    }
    if (refineK > 0) return this.refine(q, top, Math.min(k, this.size));
    return top.toHits(this.metric);
  }

  /** Re-ranks the ADC candidates with exact distances to the raw vectors. */
  private refine(q: Float32Array, candidates: TopK, k: number): SearchHits {
    const raw = this.raw!; // checked by search
    const dim = this.dim;
    const key = keyFunction(this.metric === 'COSINE' ? 'IP' : this.metric);
    const top = new TopK(k);
    for (let i = 0; i < candidates.size; i++) {
      const label = candidates.labels[i];
      if ((label + 1) * dim > raw.length) {
        throw invalid(`IVF_PQ.search: label ${label} has no raw vector (${raw.length / dim} rows were given)`);
      }
      let kk = key(q, 0, raw, label * dim, dim);
      if (this.metric === 'COSINE') {
        const norm = Math.sqrt(dot(raw, label * dim, raw, label * dim, dim));
        kk = norm > 0 ? kk / norm : 0;
      }
      top.push(kk, label);
    }
    return top.toHits(this.metric);
  }

  memoryBytes(): number {
    const terms = this.terms.reduce((b, t) => b + (t?.byteLength ?? 0), 0);
    return (this.quantizer?.centroids.byteLength ?? 0) + this.pq.memoryBytes() + (this.lists?.memoryBytes() ?? 0) + terms;
  }

  async save(file: string): Promise<void> {
    if (!this.quantizer || !this.lists) throw untrained('IVF_PQ');
    const w = new IndexFileWriter({ indexType: 'IVF_PQ', metric: this.metric, dim: this.dim });
    this.quantizer.write(w);
    this.pq.write(w);
    this.lists.write(w);
    await w.writeTo(file);
  }

  static read(r: IndexFileReader): IvfPqIndex {
    const { metric, dim } = r.header;
    const quantizer = CoarseQuantizer.read(r, dim);
    const pq = ProductQuantizer.read(r, dim);
    const index = new IvfPqIndex(metric, dim, { m: pq.m, nbits: pq.nbits });
    index.quantizer = quantizer;
    index.pq = pq;
    const readCodes = (what: string, e: number): PqCodes => (pq.nbits <= 8 ? r.u8s(what, e) : r.u16s(what, e));
    index.lists = InvertedLists.read<PqCodes>(r, pq.m, (k) => pq.makeCodes(k / pq.m), readCodes, quantizer.nlist);
    r.end();
    index.updateTerms(); // derived from the codes, so not stored
    return index;
  }
}
