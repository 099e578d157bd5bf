// The embedding worker's default thread budget, apart from transformers.ts so that starting a
// pool for the built-in model never loads the ONNX runtime.
import * as os from 'node:os';

/** Half the cores: for ONNX Runtime that beat all of them in practice. */
export function defaultThreads(): number {
  return Math.max(1, Math.floor(os.availableParallelism() / 2));
}
