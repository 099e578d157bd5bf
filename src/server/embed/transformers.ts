// The one place that loads @huggingface/transformers. The package is typed as an ES module but
// ships a CommonJS build, which `require` loads synchronously from our CommonJS output (and
// which esbuild leaves external).
import { defaultThreads } from './threads';
import type * as Transformers from '@huggingface/transformers' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const transformers: typeof Transformers = require('@huggingface/transformers');

export type DataType = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** Settings every ONNX model takes (plain data: they cross into the embedding worker). */
export interface ModelRuntimeSettings {
  /** Hugging Face id, or a folder name under loupe.modelPath. */
  modelId?: string;
  /** Weights variant: q8 (onnx/<name>_quantized.onnx, default), fp32 (onnx/<name>.onnx), … */
  dtype?: DataType;
  /** Inputs per model call. */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (default half the cores). */
  threads?: number;
}

/** File suffix transformers.js appends to onnx/<name> for each dtype. */
export const DTYPE_SUFFIX: Record<DataType, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** ONNX Runtime session options for a thread budget; half the cores beat all of them in practice. */
export function sessionOptions(threads: number | undefined): { intraOpNumThreads: number; interOpNumThreads: number } {
  return { intraOpNumThreads: threads ?? defaultThreads(), interOpNumThreads: 1 };
}
