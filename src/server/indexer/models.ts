// The index's two embedding models, each in its own worker pool so that one failing to load
// (no CLIP on this machine) leaves the other working. A model that is not there is a state with
// a reason, not an exception: BM25 text search does not need either.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmbedPool, SubmitOptions } from '../embed/embedPool';
import { EmbedError, describeError } from '../embed/errors';
import type { ImageInput } from '../embed/clipEmbedder';
import type { DownloadProgress } from '../embed/modelSource';
import type { DataType } from '../embed/transformers';
import type { ChunkModels } from './chunkSchema';

export interface ModelSettings {
  /** Folder holding model folders (<modelPath>/<id> or <modelPath>/<last part of id>). */
  modelPath?: string;
  textModel: string;
  imageModel: string;
  /** ONNX threads per model; undefined lets the runtime choose. */
  threads?: number;
  /** Off by default: Loupe only reads models it is given. */
  allowDownload?: boolean;
  /** Where downloaded models land and are found again (default ~/.cache/loupe/models). */
  cacheDir?: string;
  /** The model hub to download from (default https://huggingface.co/), e.g. a mirror. */
  remoteHost?: string;
  /** Progress of each file a download fetches. */
  onDownload?: (progress: DownloadProgress) => void;
  /** Worker entry (tests and bundles); defaults to the pool's own choice. */
  workerScript?: string;
  /** Load just one model (a CLI search needs only the one it queries). */
  only?: 'text' | 'image';
}

export interface ModelState {
  /** Loaded model ids ('' when not loaded). */
  text: string;
  image: string;
  /** Why a model is not loaded, in words the user can act on. */
  error?: string;
}

export class IndexModels {
  private constructor(
    private readonly textPool: EmbedPool | undefined,
    private readonly clipPool: EmbedPool | undefined,
    private readonly textModel: string,
    private readonly imageModel: string,
    readonly errors: { text?: string; image?: string },
  ) {}

  /** Loads both models; never throws for a missing or broken model (see `errors`). */
  static async load(settings: ModelSettings): Promise<IndexModels> {
    // Loaded on first use: the model runtime takes about a second to import, which a text-only
    // CLI search or a status check should not pay.
    const { EmbedPool } = require('../embed/embedPool') as typeof import('../embed/embedPool');
    const source = {
      modelPath: settings.modelPath,
      allowDownload: settings.allowDownload ?? false,
      ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
      ...(settings.remoteHost ? { remoteHost: settings.remoteHost } : {}),
    };
    const common = {
      source,
      threads: settings.threads,
      ...(settings.workerScript ? { workerScript: settings.workerScript } : {}),
      ...(settings.onDownload ? { onProgress: settings.onDownload } : {}),
    };
    const dtypeOf = (modelId: string, onnxName: string) => chooseDtype([settings.modelPath, settings.cacheDir], modelId, onnxName);
    const skipped = async (): Promise<{ error: string }> => ({ error: `not loaded (only the ${settings.only} model was needed)` });
    const [text, clip] = await Promise.all([
      settings.only === 'image' ? skipped() : tryStart(dtypeOf(settings.textModel, 'model'), (dtype) =>
        EmbedPool.start({ ...common, text: { modelId: settings.textModel, dtype } }),
      ),
      settings.only === 'text' ? skipped() : tryStart(dtypeOf(settings.imageModel, 'vision_model'), (dtype) =>
        EmbedPool.start({ ...common, clip: { modelId: settings.imageModel, dtype } }),
      ),
    ]);
    const errors: { text?: string; image?: string } = {};
    if ('error' in text && settings.only !== 'image') errors.text = `text model unavailable, semantic search is off: ${text.error}`;
    if ('error' in clip && settings.only !== 'text') errors.image = `image model unavailable, image search is off: ${clip.error}`;
    return new IndexModels(
      'pool' in text ? text.pool : undefined,
      'pool' in clip ? clip.pool : undefined,
      settings.textModel,
      settings.imageModel,
      errors,
    );
  }

  /** No models at all (BM25 only), e.g. a read-only CLI status. */
  static none(reason: string, settings: Pick<ModelSettings, 'textModel' | 'imageModel'>): IndexModels {
    return new IndexModels(undefined, undefined, settings.textModel, settings.imageModel, { text: reason, image: reason });
  }

  get hasText(): boolean {
    return !!this.textPool;
  }

  get hasImage(): boolean {
    return !!this.clipPool;
  }

  /** What the schema needs: model ids and widths of the models that loaded. */
  get schemaModels(): ChunkModels {
    const out: ChunkModels = {};
    if (this.textPool?.textDim) out.text = { modelId: this.textModel, dim: this.textPool.textDim };
    if (this.clipPool?.clipDim) out.image = { modelId: this.imageModel, dim: this.clipPool.clipDim };
    return out;
  }

  get state(): ModelState {
    const error = [this.errors.text, this.errors.image].filter(Boolean).join('; ');
    return {
      text: this.textPool ? this.textModel : '',
      image: this.clipPool ? this.imageModel : '',
      ...(error ? { error } : {}),
    };
  }

  /** `urgent` for a query someone waits on: it goes ahead of indexing work (EmbedPool). */
  embedTexts(texts: readonly string[], options?: SubmitOptions): Promise<Float32Array[]> {
    return this.require(this.textPool, 'text').embed(texts, options);
  }

  embedClipTexts(texts: readonly string[], options?: SubmitOptions): Promise<Float32Array[]> {
    return this.require(this.clipPool, 'image').embedClipTexts(texts, options);
  }

  embedImages(images: readonly ImageInput[], options?: SubmitOptions): Promise<Float32Array[]> {
    return this.require(this.clipPool, 'image').embedImages(images, options);
  }

  pause(): void {
    this.textPool?.pause();
    this.clipPool?.pause();
  }

  resume(): void {
    this.textPool?.resume();
    this.clipPool?.resume();
  }

  async close(): Promise<void> {
    await Promise.all([this.textPool?.close(), this.clipPool?.close()]);
  }

  private require(pool: EmbedPool | undefined, which: 'text' | 'image'): EmbedPool {
    if (!pool) throw new Error(this.errors[which] ?? `${which} model is not loaded`);
    return pool;
  }
}

/**
 * Starts a pool; never throws. A model whose hub repository has no quantized weights (only
 * onnx/<name>.onnx, as many exports do) is downloaded at full precision instead of failing.
 */
async function tryStart(dtype: DataType, start: (dtype: DataType) => Promise<EmbedPool>): Promise<{ pool: EmbedPool } | { error: string }> {
  try {
    return { pool: await start(dtype) };
  } catch (err) {
    const noQuantized = err instanceof EmbedError && err.code === 'download-failed' && /_quantized\.onnx/.test(err.message);
    if (dtype === 'q8' && noQuantized) return tryStart('fp32', start);
    return { error: describeError(err) };
  }
}

/**
 * Quantized weights (q8) are the default; a model folder (in modelPath or the download cache)
 * that only has full-precision weights (onnx/model.onnx, as exported test models do) is loaded
 * as fp32 instead of failing.
 */
export function chooseDtype(roots: ReadonlyArray<string | undefined>, modelId: string, onnxName: string): DataType {
  const last = modelId.split('/').pop() ?? modelId;
  for (const root of roots) {
    if (!root) continue;
    for (const dir of [path.resolve(root, modelId), path.resolve(root, last)]) {
      if (fs.existsSync(path.join(dir, 'onnx', `${onnxName}_quantized.onnx`))) return 'q8';
      if (fs.existsSync(path.join(dir, 'onnx', `${onnxName}.onnx`))) return 'fp32';
    }
  }
  return 'q8';
}
