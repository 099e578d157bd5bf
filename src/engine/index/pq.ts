// Product quantization (Jégou et al. 2011; faiss ProductQuantizer): the vector is cut into m
// sub-vectors of dsub = dim/m, each replaced by the id of its nearest of ksub = 2^nbits
// sub-centroids. Search uses asymmetric distance computation (ADC): a per-query table of
// m × ksub partial distances, then one table lookup per sub-quantizer per code.

import { invalid } from '../errors';
import { dot, l2sq } from './distance';
import type { IndexFileReader, IndexFileWriter } from './indexFile';
import { assignNearest, kmeans, rowNorms } from './kmeans';
import type { MetricType } from './types';

export type PqCodes = Uint8Array | Uint16Array;

export class ProductQuantizer {
  readonly dsub: number;
  readonly ksub: number;
  /** m × ksub × dsub, sub-quantizer j's centroids at [j*ksub*dsub ..). */
  centroids: Float32Array;
  trained = false;

  constructor(
    readonly dim: number,
    readonly m: number,
    readonly nbits: number,
  ) {
    if (!Number.isInteger(m) || m < 1 || dim % m !== 0) {
      throw invalid(`PQ: m=${m} must be a positive integer that divides dim=${dim}`);
    }
    if (!Number.isInteger(nbits) || nbits < 1 || nbits > 16) {
      throw invalid(`PQ: nbits=${nbits} must be an integer from 1 to 16`);
    }
    this.dsub = dim / m;
    this.ksub = 1 << nbits;
    this.centroids = new Float32Array(m * this.ksub * this.dsub);
  }

  /** Allocates room for n codes (bytes for nbits ≤ 8, 16-bit words above). */
  makeCodes(n: number): PqCodes {
    return this.nbits <= 8 ? new Uint8Array(n * this.m) : new Uint16Array(n * this.m);
  }

  /** Sub-vectors j of every row, packed n × dsub. */
  private subvectors(vectors: Float32Array, j: number): Float32Array {
    const n = vectors.length / this.dim;
    const { dsub, dim } = this;
    const out = new Float32Array(n * dsub);
    for (let i = 0; i < n; i++) out.set(vectors.subarray(i * dim + j * dsub, i * dim + j * dsub + dsub), i * dsub);
    return out;
  }

  /** Trains each sub-quantizer with k-means on (a sample of) the vectors. */
  train(vectors: Float32Array, seed = 42): void {
    const n = vectors.length / this.dim;
    if (n === 0) throw invalid('PQ.train: needs at least one training vector');
    // With fewer vectors than ksub, train what the data supports and repeat the last centroid
    // for the rest (they are never nearer than the original, so codes stay valid).
    const k = Math.min(this.ksub, n);
    const stride = this.ksub * this.dsub;
    for (let j = 0; j < this.m; j++) {
      const res = kmeans(this.subvectors(vectors, j), this.dsub, k, { seed: seed + j, maxPointsPerCentroid: 64 });
      this.centroids.set(res.centroids, j * stride);
      for (let c = k; c < this.ksub; c++) {
        this.centroids.copyWithin(j * stride + c * this.dsub, j * stride + (k - 1) * this.dsub, j * stride + k * this.dsub);
      }
    }
    this.trained = true;
  }

  /** Codes for n rows: m codes per row. */
  encode(vectors: Float32Array): PqCodes {
    const n = vectors.length / this.dim;
    const codes = this.makeCodes(n);
    const { m, dsub, ksub } = this;
    for (let j = 0; j < m; j++) {
      const cj = this.centroids.subarray(j * ksub * dsub, (j + 1) * ksub * dsub);
      const a = assignNearest(this.subvectors(vectors, j), dsub, cj, rowNorms(cj, dsub));
      for (let i = 0; i < n; i++) codes[i * m + j] = a[i];
    }
    return codes;
  }

  /** Reconstructs rows from codes. */
  decode(codes: PqCodes): Float32Array {
    const { m, dsub, ksub } = this;
    const n = codes.length / m;
    const out = new Float32Array(n * this.dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const src = (j * ksub + codes[i * m + j]) * dsub;
        out.set(this.centroids.subarray(src, src + dsub), i * this.dim + j * dsub);
      }
    }
    return out;
  }

  /**
   * The ADC table for a query: entry j*ksub + c is sub-quantizer j's partial key for centroid c —
   * squared L2 for L2, negated inner product for IP/COSINE (smaller is better in both).
   */
  distanceTable(query: Float32Array, metric: MetricType, out = new Float32Array(this.m * this.ksub)): Float32Array {
    const { m, dsub, ksub, centroids } = this;
    for (let j = 0; j < m; j++) {
      const qOff = j * dsub;
      for (let c = 0; c < ksub; c++) {
        const cOff = (j * ksub + c) * dsub;
        out[j * ksub + c] =
          metric === 'L2' ? l2sq(query, qOff, centroids, cOff, dsub) : -dot(query, qOff, centroids, cOff, dsub);
      }
    }
    return out;
  }

  memoryBytes(): number {
    return this.centroids.byteLength;
  }

  write(w: IndexFileWriter): void {
    w.u32(this.m).u32(this.nbits).array(this.centroids);
  }

  static read(r: IndexFileReader, dim: number): ProductQuantizer {
    const m = r.u32('PQ m');
    const nbits = r.u32('PQ nbits');
    if (m < 1 || dim % m !== 0 || nbits < 1 || nbits > 16) throw r.corrupt(`invalid PQ parameters m=${m} nbits=${nbits} for dim ${dim}`);
    const pq = new ProductQuantizer(dim, m, nbits);
    pq.centroids = r.f32('PQ centroids', m * pq.ksub * pq.dsub);
    pq.trained = true;
    return pq;
  }
}

/** The ADC key of code row `i` (m codes at codes[i*m ..]) from a distance table. */
export function adcKey(table: Float32Array, codes: PqCodes, i: number, m: number, ksub: number): number {
  let s = 0;
  const off = i * m;
  for (let j = 0; j < m; j++) s += table[j * ksub + codes[off + j]];
  return s;
}
