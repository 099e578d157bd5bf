// Loupe's own code model (scripts/model/, model card in models/code-v1/README.md): a static
// embedding model, i.e. a token → vector table summed over the text's tokens and L2-normalised.
// No transformer, no onnxruntime: plain TypeScript at memory speed, and it ships inside the
// extension, so semantic search works offline with nothing to download.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_TEXT_MODEL } from '../../protocol/defaultModels';
import { checkTexts } from './batching';
import { CodeTokenizer } from './codeTokenizer';
import { EmbedError, describeError } from './errors';

const BUILTIN_FOLDER = path.join('models', 'code-v1');

interface ModelHeader {
  format: string;
  version: number;
  dim: number;
  vocabSize: number;
  table: string;
  scales: string;
  vocab: string;
  tokenizer: { maxDigits: number; maxPart: number; maxTokens: number };
}

export function isStaticModelId(modelId: string): boolean {
  return modelId === BUILTIN_TEXT_MODEL;
}

/** The shipped model's folder: beside dist/ in the extension, at the repo root under out/. */
export function builtinModelDir(from = __dirname): string {
  let dir = from;
  for (let up = 0; up < 5; up++) {
    const candidate = path.join(dir, BUILTIN_FOLDER);
    if (fs.existsSync(path.join(candidate, 'model.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new EmbedError('model-not-found', `Loupe's built-in model ${BUILTIN_FOLDER}/ was not found above ${from}; the installation is incomplete, reinstall Loupe`);
}

export class StaticEmbedder {
  private constructor(
    readonly modelId: string,
    readonly dim: number,
    private readonly tokenizer: CodeTokenizer,
    private readonly table: Int8Array,
    private readonly scales: Float32Array,
  ) {}

  /** Loads a model folder in the layout scripts/model/train.py writes (default: the built-in one). */
  static load(dir = builtinModelDir(), modelId = BUILTIN_TEXT_MODEL): StaticEmbedder {
    const read = (file: string): Buffer => {
      try {
        return fs.readFileSync(path.join(dir, file));
      } catch (err) {
        throw new EmbedError('model-invalid', `model ${modelId}: cannot read ${path.join(dir, file)}: ${describeError(err)}`);
      }
    };
    let header: ModelHeader;
    try {
      header = JSON.parse(read('model.json').toString('utf8')) as ModelHeader;
    } catch (err) {
      if (err instanceof EmbedError) throw err;
      throw new EmbedError('model-invalid', `model ${modelId}: ${path.join(dir, 'model.json')} is not valid JSON: ${describeError(err)}`);
    }
    if (header.format !== 'loupe-static-embedding' || header.version !== 1) {
      throw new EmbedError('model-invalid', `model ${modelId}: ${path.join(dir, 'model.json')} is format ${header.format} v${header.version}, expected loupe-static-embedding v1`);
    }
    const { dim, vocabSize } = header;
    const vocab = read(header.vocab).toString('utf8').split('\n');
    if (vocab[vocab.length - 1] === '') vocab.pop();
    const tableBytes = read(header.table);
    const scaleBytes = read(header.scales);
    const problems = [
      !(dim > 0 && dim % 4 === 0) && `dim ${dim} is not a positive multiple of 4`,
      vocab.length !== vocabSize && `${header.vocab} has ${vocab.length} tokens`,
      tableBytes.length !== vocabSize * dim && `${header.table} has ${tableBytes.length} bytes`,
      scaleBytes.length !== vocabSize * 4 && `${header.scales} has ${scaleBytes.length} bytes`,
    ].filter(Boolean);
    if (problems.length > 0) {
      throw new EmbedError('model-invalid', `model ${modelId} in ${dir} is damaged: ${problems.join(', ')} for ${vocabSize} tokens of ${dim} dimensions`);
    }
    const table = new Int8Array(tableBytes.buffer, tableBytes.byteOffset, tableBytes.length);
    // copy: the Buffer's offset need not be 4-aligned
    const scales = new Float32Array(vocabSize);
    for (let i = 0; i < vocabSize; i++) scales[i] = scaleBytes.readFloatLE(i * 4);
    return new StaticEmbedder(modelId, dim, new CodeTokenizer(vocab, header.tokenizer), table, scales);
  }

  /** One unit-length vector per text, in order; a text with no known token gives the zero vector. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embedSync(texts);
  }

  embedSync(texts: readonly string[]): Float32Array[] {
    checkTexts(texts);
    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    texts.forEach((text, i) => this.embedInto(text, out.subarray(i * dim, (i + 1) * dim)));
    return texts.map((_, i) => out.subarray(i * dim, (i + 1) * dim));
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  private embedInto(text: string, v: Float32Array): void {
    const { dim, table, scales } = this;
    for (const id of this.tokenizer.encode(text)) {
      const s = scales[id];
      let j = id * dim;
      // dim is a multiple of 4 (checked at load): four lanes a step
      for (let k = 0; k < dim; k += 4, j += 4) {
        v[k] += s * table[j];
        v[k + 1] += s * table[j + 1];
        v[k + 2] += s * table[j + 2];
        v[k + 3] += s * table[j + 3];
      }
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += v[k] * v[k];
    if (norm === 0) return;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < dim; k++) v[k] *= inv;
  }

  async dispose(): Promise<void> {}
}
