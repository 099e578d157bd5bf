// One interface for every vector index, after faiss's Index: train, add, search, remove.
// Labels are segment-local row offsets (0 .. n-1); the segment maps them to primary keys.
//
// Distances follow Milvus's convention, so results look the same whatever the index:
//   L2     → squared Euclidean distance, smaller is better
//   IP     → inner product, larger is better
//   COSINE → cosine similarity, larger is better
//   HAMMING, JACCARD → binary vectors (stored as 0/1 floats): distances, smaller is better

export type MetricType = 'L2' | 'IP' | 'COSINE' | 'HAMMING' | 'JACCARD';

export type IndexType = 'FLAT' | 'HNSW' | 'IVF_FLAT' | 'IVF_PQ';

/** Build parameters, named as in Milvus (and the papers). */
export interface BuildParams {
  /** HNSW: max links per node (default 16). */
  M?: number;
  /** HNSW: candidate list size while building (default 200). */
  efConstruction?: number;
  /** IVF: number of coarse clusters (default min(1024, 4*sqrt(n))). */
  nlist?: number;
  /** IVF_PQ: number of sub-quantizers; must divide dim. */
  m?: number;
  /** IVF_PQ: bits per sub-quantizer code (default 8). */
  nbits?: number;
  /** Seed for k-means and any other randomness, so builds are reproducible. */
  seed?: number;
}

/** Search parameters, kept apart from build parameters (as faiss's SearchParameters). */
export interface SearchParams {
  /** HNSW: candidate list size at query time (default max(k, 64)). */
  ef?: number;
  /** IVF: clusters probed (default 8). */
  nprobe?: number;
  /** IVF_PQ: re-rank this many × k candidates with exact distances (0 = off). */
  refineK?: number;
}

export interface IndexSpec {
  indexType: IndexType;
  metricType: MetricType;
  params: BuildParams;
}

export interface SearchHits {
  /** Labels, best first. */
  labels: number[];
  /** Milvus-convention distances, same order. */
  distances: number[];
}

/**
 * `allow(label)` says whether a row may be returned (the filter bitset and deletes folded in).
 * Indexes must apply it during the search — not after — so filtered searches keep their recall.
 */
export type LabelFilter = (label: number) => boolean;

export interface VectorIndex {
  readonly type: IndexType;
  readonly metric: MetricType;
  readonly dim: number;
  /** Number of vectors added. */
  readonly size: number;
  /** True for indexes (IVF) that need `train` before `add`. */
  readonly needsTraining: boolean;
  readonly isTrained: boolean;
  /** `vectors` holds n = vectors.length / dim rows, row-major. */
  train(vectors: Float32Array): void;
  /** Adds n vectors with labels `labels[i]` (labels are dense segment offsets). */
  add(labels: Uint32Array, vectors: Float32Array): void;
  /** Searches one query vector for the best k. */
  search(query: Float32Array, k: number, params?: SearchParams, allow?: LabelFilter): SearchHits;
  /** Approximate bytes of memory held (for statistics and /metrics). */
  memoryBytes(): number;
  /**
   * Writes the index to `file` (HNSW: hnswlib's own writeIndex; IVF/FLAT: a versioned binary
   * file). `index/factory.ts` has the matching `loadIndex(file, spec, dim)`. The storage layer adds
   * checksums and atomic renames around this.
   */
  save(file: string): Promise<void>;
  /**
   * Optional (IVF_PQ): the segment's raw vectors, row = label, for `SearchParams.refineK`.
   * Referenced, not copied, and not counted in memoryBytes.
   */
  setRawVectors?(vectors: Float32Array): void;
}
