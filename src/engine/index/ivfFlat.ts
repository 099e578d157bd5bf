// IVF_FLAT (faiss IndexIVFFlat): k-means coarse lists holding the raw vectors; a search scans
// the nprobe nearest lists exactly. Disallowed labels are skipped inside the scan.

import { invalid } from '../errors';
import { checkQuery, keyFunction, normalizeRows, prepareVectors, TopK } from './distance';
import { checkAdd } from './flat';
import { CoarseQuantizer } from './coarseQuantizer';
import type { IndexFileReader } from './indexFile';
import { IndexFileWriter } from './indexFile';
import { InvertedLists } from './invertedLists';
import type { LabelFilter, MetricType, SearchHits, SearchParams, VectorIndex } from './types';

export const DEFAULT_NPROBE = 8;

/** Milvus's guidance: about 4·√n lists, capped. */
export function defaultNlist(n: number): number {
  return Math.max(1, Math.min(1024, Math.round(4 * Math.sqrt(n))));
}

export function untrained(type: string): Error {
  return invalid(`${type}: the index must be trained before vectors are added or searched (call train first)`);
}

export class IvfFlatIndex implements VectorIndex {
  readonly type = 'IVF_FLAT' as const;
  readonly needsTraining = true;
  private quantizer: CoarseQuantizer | undefined;
  private lists: InvertedLists<Float32Array> | undefined;

  constructor(
    readonly metric: MetricType,
    readonly dim: number,
    private readonly params: { nlist?: number; seed?: number } = {},
  ) {}

  get isTrained(): boolean {
    return this.quantizer !== undefined;
  }

  get size(): number {
    return this.lists?.total ?? 0;
  }

  /** Lists actually built (the requested nlist, or fewer when trained on fewer vectors). */
  get nlist(): number {
    return this.quantizer?.nlist ?? 0;
  }

  train(vectors: Float32Array): void {
    const n = vectors.length / this.dim;
    const v = prepareVectors(this.metric, vectors, this.dim);
    this.quantizer = CoarseQuantizer.train(v, this.dim, this.params.nlist ?? defaultNlist(n), this.params.seed ?? 42);
    this.lists = new InvertedLists(this.quantizer.nlist, this.dim, (k) => new Float32Array(k));
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    checkAdd('IVF_FLAT', this.dim, labels, vectors);
    if (!this.quantizer || !this.lists) throw untrained('IVF_FLAT');
    if (labels.length === 0) return;
    if (this.quantizer.nlist === 0) throw invalid('IVF_FLAT.add: the index was trained on 0 vectors; train it on data first');
    const v = prepareVectors(this.metric, vectors, this.dim);
    this.lists.append(this.quantizer.assign(v), labels, v);
  }

  search(query: Float32Array, k: number, params: SearchParams = {}, allow?: LabelFilter): SearchHits {
    checkQuery(query, this.dim, 'IVF_FLAT.search', k);
    const { quantizer, lists } = this;
    if (!quantizer || !lists) throw untrained('IVF_FLAT');
    const q = this.metric === 'COSINE' ? normalizeRows(Float32Array.from(query), this.dim) : query;
    const key = keyFunction(this.metric);
    const top = new TopK(Math.min(k, this.size));
    const dim = this.dim;
    for (const l of quantizer.probe(q, params.nprobe ?? DEFAULT_NPROBE)) {
      const labels = lists.labels[l];
      const codes = lists.codes[l];
      const size = lists.sizes[l];
      for (let i = 0; i < size; i++) {
        if (allow && !allow(labels[i])) continue;
        top.push(key(q, 0, codes, i * dim, dim), labels[i]);
      }
    }
    return top.toHits(this.metric);
  }

  memoryBytes(): number {
    return (this.quantizer?.centroids.byteLength ?? 0) + (this.lists?.memoryBytes() ?? 0);
  }

  async save(file: string): Promise<void> {
    if (!this.quantizer || !this.lists) throw untrained('IVF_FLAT');
    const w = new IndexFileWriter({ indexType: 'IVF_FLAT', metric: this.metric, dim: this.dim });
    this.quantizer.write(w);
    this.lists.write(w);
    await w.writeTo(file);
  }

  static read(r: IndexFileReader): IvfFlatIndex {
    const { metric, dim } = r.header;
    const index = new IvfFlatIndex(metric, dim);
    index.quantizer = CoarseQuantizer.read(r, dim);
    index.lists = InvertedLists.read(r, dim, (k) => new Float32Array(k), (w, e) => r.f32(w, e), index.quantizer.nlist);
    r.end();
    return index;
  }
}
