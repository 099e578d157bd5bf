// Builds an index over all rows of a dataset, labels 0..n-1, as a sealed segment would.

import { createIndex } from '../../src/engine/index/factory';
import type { IndexSpec, VectorIndex } from '../../src/engine/index/types';

export function buildIndex(spec: IndexSpec, dim: number, vectors: Float32Array): VectorIndex {
  const index = createIndex(spec, dim);
  if (index.needsTraining) index.train(vectors);
  index.add(Uint32Array.from({ length: vectors.length / dim }, (_, i) => i), vectors);
  index.setRawVectors?.(vectors);
  return index;
}
