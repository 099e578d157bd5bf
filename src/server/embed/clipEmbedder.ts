// CLIP: text and images in one vector space, so a sentence finds pictures. Two ONNX towers
// (onnx/text_model.onnx, onnx/vision_model.onnx) through transformers.js; outputs normalised.
import * as fs from 'node:fs/promises';
import { checkTexts, inBatches, rows } from './batching';
import { decodeBmp, isBmp } from './bmp';
import { EmbedError, describeError } from './errors';
import { DEFAULT_IMAGE_MODEL } from '../../protocol/defaultModels';
import { loadModel, type ModelSourceOptions } from './modelSource';
import { DTYPE_SUFFIX, sessionOptions, transformers, type ModelRuntimeSettings } from './transformers';

/** An image to embed: a file on disk, or its encoded bytes (PNG, JPEG, WebP, GIF, BMP, …). */
export type ImageInput = { path: string } | { bytes: Uint8Array };

/** modelId defaults to Xenova/clip-vit-base-patch32, dtype to q8, batchSize to 16. */
export type ClipModelSettings = ModelRuntimeSettings;

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
    const modelId = options.modelId ?? DEFAULT_IMAGE_MODEL;
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
    checkTexts(texts);
    return inBatches(texts, this.batchSize, async (batch) => {
      const inputs = this.tokenizer(batch as string[], { padding: true, truncation: true });
      const { text_embeds } = await this.textTower(inputs);
      return rows(text_embeds.normalize(2, -1).data as Float32Array, batch.length);
    });
  }

  /** Vision-tower vectors (unit length), one per image, in order. */
  async embedImages(images: readonly ImageInput[]): Promise<Float32Array[]> {
    return inBatches(images, this.batchSize, async (batch, offset) => {
      const decoded = await Promise.all(batch.map((image, i) => decode(image, offset + i)));
      const { pixel_values } = await this.processor(decoded);
      const { image_embeds } = await this.visionTower({ pixel_values });
      return rows(image_embeds.normalize(2, -1).data as Float32Array, batch.length);
    });
  }

  async dispose(): Promise<void> {
    await Promise.all([this.textTower.dispose(), this.visionTower.dispose()]);
  }
}

async function decode(image: ImageInput, index: number): Promise<RawImage> {
  const what = image && 'path' in image ? `image ${index} (${image.path})` : `image ${index}`;
  let bytes: Uint8Array;
  if (image && 'path' in image && typeof image.path === 'string') {
    try {
      bytes = await fs.readFile(image.path);
    } catch (err) {
      throw new EmbedError('bad-input', `${what} could not be decoded: ${describeError(err)}`);
    }
  } else if (image && 'bytes' in image && image.bytes instanceof Uint8Array) {
    bytes = image.bytes;
  } else {
    throw new EmbedError('bad-input', `${what} must be {path: string} or {bytes: Buffer}`);
  }
  try {
    // libvips (behind RawImage) has no BMP reader: decode those to RGB ourselves.
    if (isBmp(bytes)) {
      const { data, width, height } = decodeBmp(bytes);
      return new transformers.RawImage(data, width, height, 3);
    }
    return await transformers.RawImage.fromBlob(new Blob([bytes]));
  } catch (err) {
    throw new EmbedError('bad-input', `${what} could not be decoded: ${describeError(err)}`);
  }
}
