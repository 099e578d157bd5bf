// The IVF coarse quantizer (faiss keeps it a separate object too): nlist k-means centroids, the
// list a vector belongs to, and the nprobe lists nearest a query. Always L2, as k-means is.

import { l2sq, TopK } from './distance';
import type { IndexFileReader, IndexFileWriter } from './indexFile';
import { assignNearest, kmeans, rowNorms } from './kmeans';

export class CoarseQuantizer {
  centroids: Float32Array;
  private norms: Float32Array;

  constructor(
    readonly dim: number,
    centroids: Float32Array = new Float32Array(0),
  ) {
    this.centroids = centroids;
    this.norms = rowNorms(centroids, dim);
  }

  get nlist(): number {
    return this.centroids.length / this.dim;
  }

  /** Trains `nlist` centroids; fewer vectors than nlist gives one list per vector. */
  static train(vectors: Float32Array, dim: number, nlist: number, seed: number): CoarseQuantizer {
    const n = vectors.length / dim;
    const k = Math.min(nlist, n);
    if (k === 0) return new CoarseQuantizer(dim);
    return new CoarseQuantizer(dim, kmeans(vectors, dim, k, { seed }).centroids);
  }

  /** The list of each row. */
  assign(vectors: Float32Array): Int32Array {
    return assignNearest(vectors, this.dim, this.centroids, this.norms);
  }

  /** The `nprobe` lists nearest to the query, nearest first. */
  probe(query: Float32Array, nprobe: number): number[] {
    const top = new TopK(Math.min(nprobe, this.nlist));
    for (let c = 0; c < this.nlist; c++) top.push(l2sq(query, 0, this.centroids, c * this.dim, this.dim), c);
    return top.sorted().labels;
  }

  write(w: IndexFileWriter): void {
    w.array(this.centroids);
  }

  static read(r: IndexFileReader, dim: number): CoarseQuantizer {
    const centroids = r.f32('coarse centroids');
    if (centroids.length % dim !== 0) throw r.corrupt(`coarse centroids length ${centroids.length} is not a multiple of dim ${dim}`);
    return new CoarseQuantizer(dim, centroids);
  }
}
