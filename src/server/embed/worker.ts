// The embedding worker thread: loads the models named in workerData, then embeds batches one at
// a time and posts the vectors back, transferring their buffers instead of copying them.
// Entry point for both out/src/server/embed/worker.js (tsc) and dist/embedWorker.js (esbuild).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ClipEmbedder, ImageInput } from './clipEmbedder';
import { EmbedError, describeError, type SerializedEmbedError } from './errors';
import type { DownloadProgress } from './modelSource';
import { StaticEmbedder, isStaticModelId } from './staticEmbedder';
import type { TextEmbedder } from './textEmbedder';
import type { EmbedBatch, EmbedKind, EmbedWorkerConfig, WorkerMessage } from './workerProtocol';

interface Models {
  text?: TextEmbedder | StaticEmbedder;
  clip?: ClipEmbedder;
}

// Imported outside a worker (e.g. by a test runner walking the tree) this file does nothing.
if (parentPort) void serve(parentPort as unknown as MessagePort, workerData as EmbedWorkerConfig);

async function serve(port: MessagePort, config: EmbedWorkerConfig): Promise<void> {
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const onProgress = (progress: DownloadProgress) => post({ type: 'progress', progress });
  const models: Models = {};
  try {
    // The ONNX embedders are required only when used: the built-in model needs no model runtime,
    // and importing transformers.js costs about a second.
    if (config.text && isStaticModelId(config.text.modelId ?? '')) models.text = StaticEmbedder.load();
    else if (config.text) models.text = await (require('./textEmbedder') as typeof import('./textEmbedder')).TextEmbedder.load({ ...config.text, onProgress });
    if (config.clip) models.clip = await (require('./clipEmbedder') as typeof import('./clipEmbedder')).ClipEmbedder.load({ ...config.clip, onProgress });
  } catch (err) {
    post({ type: 'load-failed', error: serialize(err) });
    port.close();
    return;
  }
  const loaded = (m: TextEmbedder | StaticEmbedder | ClipEmbedder | undefined) => (m ? { modelId: m.modelId, dim: m.dim } : undefined);
  post({ type: 'ready', text: loaded(models.text), clip: loaded(models.clip) });

  // One batch at a time: the ONNX sessions already use the thread budget.
  let queue = Promise.resolve();
  port.on('message', (batch: EmbedBatch) => {
    queue = queue.then(async () => {
      const { vectors, errors } = await embedBatch(models, batch.kind, batch.inputs);
      post({ type: 'result', id: batch.id, vectors, errors }, buffersOf(vectors));
    });
  });
}

/** Embeds a batch; if it fails, embeds its inputs one by one so only the bad ones fail. */
async function embedBatch(
  models: Models,
  kind: EmbedKind,
  inputs: string[] | ImageInput[],
): Promise<{ vectors: Array<Float32Array | null>; errors: Array<SerializedEmbedError | null> }> {
  try {
    const vectors = await embed(models, kind, inputs);
    return { vectors, errors: vectors.map(() => null) };
  } catch (err) {
    if (inputs.length === 1) return { vectors: [null], errors: [serialize(err)] };
  }
  const vectors: Array<Float32Array | null> = [];
  const errors: Array<SerializedEmbedError | null> = [];
  for (const input of inputs) {
    try {
      vectors.push((await embed(models, kind, [input] as string[] | ImageInput[]))[0]);
      errors.push(null);
    } catch (err) {
      vectors.push(null);
      errors.push(serialize(err));
    }
  }
  return { vectors, errors };
}

function embed(models: Models, kind: EmbedKind, inputs: string[] | ImageInput[]): Promise<Float32Array[]> {
  const model = kind === 'text' ? models.text : models.clip;
  if (!model) throw new EmbedError('bad-input', `no ${kind === 'text' ? 'text' : 'CLIP'} model is loaded in this worker`);
  if (kind === 'text') return (model as TextEmbedder | StaticEmbedder).embed(inputs as string[]);
  if (kind === 'clip-text') return (model as ClipEmbedder).embedTexts(inputs as string[]);
  return (model as ClipEmbedder).embedImages(inputs as ImageInput[]);
}

/** Each distinct buffer once (vectors of one model call share a buffer). */
function buffersOf(vectors: Array<Float32Array | null>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const v of vectors) if (v) buffers.add(v.buffer as ArrayBuffer);
  return [...buffers];
}

function serialize(err: unknown): SerializedEmbedError {
  if (err instanceof EmbedError) return err.toJSON();
  return { code: 'bad-input', message: describeError(err) };
}
