// CLIP: text and images in one vector space, so a sentence finds pictures. Two ONNX towers
// (onnx/text_model.onnx, onnx/vision_model.onnx) through transformers.js; outputs normalised.
import { EmbedError, describeError } from './errors';
import { DEFAULT_CLIP_MODEL, loadModel, type ModelSourceOptions } from './modelSource';
import { rows } from './textEmbedder';
import { DTYPE_SUFFIX, sessionOptions, transformers, type DataType } from './transformers';

/** An image to embed: a file on disk, or its encoded bytes (PNG, JPEG, WebP, GIF, …). */
export type ImageInput = { path: string } | { bytes: Uint8Array };

/** The plain-data settings (they cross into the embedding worker). */
export interface ClipModelSettings {
  /** Hugging Face id or a folder name under modelPath (default Xenova/clip-vit-base-patch32). */
  modelId?: string;
  /** Weights variant (default q8: onnx/*_quantized.onnx). */
  dtype?: DataType;
  /** Texts or images per model call (default 16). */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (default half the cores). */
  threads?: number;
}

export interface ClipEmbedderOptions extends ClipModelSettings, ModelSourceOptions {}

type Tokenizer = Awaited<ReturnType<typeof transformers.AutoTokenizer.from_pretrained>>;
type Processor = Awaited<ReturnType<typeof transformers.AutoProcessor.from_pretrained>>;
type TextTower = Awaited<ReturnType<typeof transformers.CLIPTextModelWithProjection.from_pretrained>>;
type VisionTower = Awaited<ReturnType<typeof transformers.CLIPVisionModelWithProjection.from_pretrained>>;
type RawImage = InstanceType<typeof transformers.RawImage>;

export class ClipEmbedder {
  private probedDim = 0;

  private constructor(
    readonly modelId: string,
    private readonly batchSize: number,
    private readonly tokenizer: Tokenizer,
    private readonly processor: Processor,
    private readonly textTower: TextTower,
    private readonly visionTower: VisionTower,
  ) {}

  static async load(options: ClipEmbedderOptions = {}): Promise<ClipEmbedder> {
    const modelId = options.modelId ?? DEFAULT_CLIP_MODEL;
    const dtype = options.dtype ?? 'q8';
    const suffix = DTYPE_SUFFIX[dtype];
    const files = [
      'config.json',
      'tokenizer.json',
      'preprocessor_config.json',
      `onnx/text_model${suffix}.onnx`,
      `onnx/vision_model${suffix}.onnx`,
    ];
    const parts = await loadModel(modelId, files, options, async (name, hub) => {
      const modelOptions = { ...hub, dtype, session_options: sessionOptions(options.threads) };
      return {
        tokenizer: await transformers.AutoTokenizer.from_pretrained(name, hub),
        processor: await transformers.AutoProcessor.from_pretrained(name, hub),
        textTower: await transformers.CLIPTextModelWithProjection.from_pretrained(name, modelOptions),
        visionTower: await transformers.CLIPVisionModelWithProjection.from_pretrained(name, modelOptions),
      };
    });
    const batchSize = options.batchSize ?? 16;
    if (!(batchSize >= 1)) throw new EmbedError('bad-input', `CLIP batchSize must be >= 1 (got ${batchSize})`);
    const clip = new ClipEmbedder(modelId, batchSize, parts.tokenizer, parts.processor, parts.textTower, parts.visionTower);
    // The width is whatever the graph produces; one probe beats trusting config.json.
    clip.probedDim = (await clip.embedTexts(['probe']))[0].length;
    return clip;
  }

  /** Vector width (projection_dim): 512 for clip-vit-base-patch32. */
  get dim(): number {
    return this.probedDim;
  }

  /** Text-tower vectors (unit length), comparable with embedImages' vectors. */
  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new EmbedError('bad-input', `text ${i} is ${typeof t}, expected a string`);
    });
    return this.inBatches(texts, async (batch) => {
      const inputs = this.tokenizer(batch as string[], { padding: true, truncation: true });
      const { text_embeds } = await this.textTower(inputs);
      return rows(text_embeds.normalize(2, -1).data as Float32Array, batch.length);
    });
  }

  /** Vision-tower vectors (unit length), one per image, in order. */
  async embedImages(images: readonly ImageInput[]): Promise<Float32Array[]> {
    return this.inBatches(images, async (batch, offset) => {
      const decoded = await Promise.all(batch.map((image, i) => decode(image, offset + i)));
      const { pixel_values } = await this.processor(decoded);
      const { image_embeds } = await this.visionTower({ pixel_values });
      return rows(image_embeds.normalize(2, -1).data as Float32Array, batch.length);
    });
  }

  async dispose(): Promise<void> {
    await Promise.all([this.textTower.dispose(), this.visionTower.dispose()]);
  }

  private async inBatches<T>(
    items: readonly T[],
    embed: (batch: readonly T[], offset: number) => Promise<Float32Array[]>,
  ): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < items.length; start += this.batchSize) {
      out.push(...(await embed(items.slice(start, start + this.batchSize), start)));
    }
    return out;
  }
}

async function decode(image: ImageInput, index: number): Promise<RawImage> {
  const what = image && 'path' in image ? `image ${index} (${image.path})` : `image ${index}`;
  try {
    if (image && 'path' in image && typeof image.path === 'string') return await transformers.RawImage.read(image.path);
    if (image && 'bytes' in image && image.bytes instanceof Uint8Array) {
      return await transformers.RawImage.fromBlob(new Blob([image.bytes]));
    }
  } catch (err) {
    throw new EmbedError('bad-input', `${what} could not be decoded: ${describeError(err)}`);
  }
  throw new EmbedError('bad-input', `${what} must be {path: string} or {bytes: Buffer}`);
}
