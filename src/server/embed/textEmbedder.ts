// Sentence embeddings for code and prose chunks: a BERT-like ONNX model through transformers.js,
// mean pooling over the attention mask, L2 normalisation (so inner product = cosine).
import { checkTexts, inBatches, rows } from './batching';
import { EmbedError } from './errors';
import { DEFAULT_ONNX_TEXT_MODEL } from '../../protocol/defaultModels';
import { loadModel, type ModelSourceOptions } from './modelSource';
import { DTYPE_SUFFIX, sessionOptions, transformers, type ModelRuntimeSettings } from './transformers';

/** modelId defaults to Xenova/all-MiniLM-L6-v2, dtype to q8, batchSize to 32. */
export interface TextModelSettings extends ModelRuntimeSettings {
  /** Longer texts are truncated to this many word pieces (default 256, MiniLM's training length). */
  maxLength?: number;
}

export interface TextEmbedderOptions extends TextModelSettings, ModelSourceOptions {}

type Tokenizer = Awaited<ReturnType<typeof transformers.AutoTokenizer.from_pretrained>>;
type Model = Awaited<ReturnType<typeof transformers.AutoModel.from_pretrained>>;

export class TextEmbedder {
  private constructor(
    readonly modelId: string,
    readonly dim: number,
    readonly maxLength: number,
    private readonly batchSize: number,
    private readonly tokenizer: Tokenizer,
    private readonly model: Model,
  ) {}

  static async load(options: TextEmbedderOptions = {}): Promise<TextEmbedder> {
    const modelId = options.modelId ?? DEFAULT_ONNX_TEXT_MODEL;
    const dtype = options.dtype ?? 'q8';
    const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`];
    const { tokenizer, model } = await loadModel(modelId, files, options, async (name, hub) => {
      const tokenizer = await transformers.AutoTokenizer.from_pretrained(name, hub);
      const model = await transformers.AutoModel.from_pretrained(name, {
        ...hub,
        dtype,
        session_options: sessionOptions(options.threads),
      });
      return { tokenizer, model };
    });
    const maxLength = options.maxLength ?? 256;
    const batchSize = options.batchSize ?? 32;
    if (!(maxLength >= 2) || !(batchSize >= 1)) {
      throw new EmbedError('bad-input', `text model options: maxLength must be >= 2 and batchSize >= 1 (got ${maxLength}, ${batchSize})`);
    }
    // The width is whatever the graph produces; one probe beats trusting config.json.
    const probe = await run(tokenizer, model, ['probe'], maxLength);
    return new TextEmbedder(modelId, probe[0].length, maxLength, batchSize, tokenizer, model);
  }

  /** One unit-length vector per text, in order. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    checkTexts(texts);
    return inBatches(texts, this.batchSize, (batch) => run(this.tokenizer, this.model, batch, this.maxLength));
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

async function run(tokenizer: Tokenizer, model: Model, texts: readonly string[], maxLength: number): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const inputs = tokenizer(texts as string[], { padding: true, truncation: true, max_length: maxLength });
  const { last_hidden_state } = await model(inputs);
  const pooled = transformers.mean_pooling(last_hidden_state, inputs.attention_mask).normalize(2, -1);
  return rows(pooled.data as Float32Array, texts.length);
}
