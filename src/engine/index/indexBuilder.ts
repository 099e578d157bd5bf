// Builds a sealed segment's vector index. Small segments are built inline (a worker costs more
// to start than the build); large ones in a worker thread that saves the index to a file, which
// the main thread then loads. Until then the segment is searched exactly, so nothing waits.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineError, ErrorCode } from '../errors';
import { crashPoint } from '../storage/crashPoint';
import { createIndex, loadIndex } from './factory';
import type { IndexJob } from './indexWorker';
import type { IndexSpec, VectorIndex } from './types';

/** Segments with fewer rows than this are indexed on the main thread. */
export const DEFAULT_WORKER_BUILD_ROWS = 2_048;

/** The worker script has the same name beside this module (tsc: out/src/engine/index/) and beside a bundle (dist/). */
function workerScript(): string {
  return path.join(__dirname, 'indexWorker.js');
}

export function buildInline(spec: IndexSpec, dim: number, vectors: Float32Array): VectorIndex {
  const index = createIndex(spec, dim);
  if (index.needsTraining) index.train(vectors);
  const labels = new Uint32Array(vectors.length / dim);
  for (let i = 0; i < labels.length; i++) labels[i] = i;
  index.add(labels, vectors);
  crashPoint('index:after-build');
  return index;
}

/**
 * Builds in a worker and loads the result. `file` is where the worker saves the index (a durable
 * store passes the segment's index file name so the flush need not write it again); without it,
 * a temporary file is used and removed.
 */
export async function buildInWorker(spec: IndexSpec, dim: number, vectors: Float32Array, file?: string): Promise<VectorIndex> {
  const target = file ?? path.join(os.tmpdir(), `loupe-index-${process.pid}-${Math.random().toString(36).slice(2)}.idx`);
  // A copy goes to the worker: the segment keeps its own vectors for exact search meanwhile.
  const copy = vectors.slice();
  const job: IndexJob = { spec, dim, vectors: copy, file: target };
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerScript(), { workerData: job, transferList: [copy.buffer as ArrayBuffer] });
    let settled = false;
    worker.once('message', (m: { ok: boolean; message?: string }) => {
      settled = true;
      if (m.ok) resolve();
      else reject(new EngineError(ErrorCode.StorageError, `index build for ${target} failed: ${m.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new EngineError(ErrorCode.StorageError, `index build worker for ${target} failed: ${err.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new EngineError(ErrorCode.StorageError, `index build worker for ${target} exited with code ${code}`));
    });
  });
  crashPoint('index:after-build');
  try {
    const index = await loadIndex(target, spec, dim);
    index.setRawVectors?.(vectors);
    return index;
  } finally {
    if (!file) fs.rmSync(target, { force: true });
  }
}
