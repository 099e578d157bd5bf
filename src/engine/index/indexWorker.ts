// Worker thread that builds one vector index and writes it to a file, so a long HNSW build does
// not hold the main thread's event loop. Started by indexBuilder.ts; bundled as dist/indexWorker.js.

import { parentPort, workerData } from 'node:worker_threads';
import { createIndex } from './factory';
import type { IndexSpec } from './types';

export interface IndexJob {
  spec: IndexSpec;
  dim: number;
  /** Row-major, row = label. Transferred, not copied. */
  vectors: Float32Array;
  file: string;
}

async function build(job: IndexJob): Promise<void> {
  const index = createIndex(job.spec, job.dim);
  if (index.needsTraining) index.train(job.vectors);
  const n = job.vectors.length / job.dim;
  const labels = new Uint32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i;
  index.add(labels, job.vectors);
  await index.save(job.file);
}

build(workerData as IndexJob).then(
  () => parentPort?.postMessage({ ok: true }),
  (err: Error) => parentPort?.postMessage({ ok: false, message: err.message }),
);
