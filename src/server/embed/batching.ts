// Shared by the embedders: inputs go to the model in bounded batches, and a [n, dim] output
// buffer comes back as n vectors.
import { EmbedError } from './errors';

/** Calls `embed` on consecutive slices of at most batchSize items and concatenates the results. */
export async function inBatches<T>(
  items: readonly T[],
  batchSize: number,
  embed: (batch: readonly T[], offset: number) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    out.push(...(await embed(items.slice(start, start + batchSize), start)));
  }
  return out;
}

/** Splits a [n, dim] buffer into n vectors that share it (no copy). */
export function rows(data: Float32Array, n: number): Float32Array[] {
  const dim = data.length / n;
  return Array.from({ length: n }, (_, i) => data.subarray(i * dim, (i + 1) * dim));
}

/** Every input must be a string; the error names the first that is not. */
export function checkTexts(texts: readonly unknown[]): void {
  if (!Array.isArray(texts)) throw new EmbedError('bad-input', 'expected an array of texts');
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new EmbedError('bad-input', `text ${i} is ${t === null ? 'null' : typeof t}, expected a string`);
  });
}
