// The tokenizer of Loupe's static code model; scripts/model/codetok.py is the same algorithm in
// the Python that trained the model, and a unit test holds the two to the same ids.
// Identifiers → camelCase/snake_case/digit parts, lowercased → vocabulary ids, or greedy
// longest-match word pieces for parts the vocabulary lacks; a multi-part identifier also counts
// as itself when the vocabulary has it (getusername), so exact names still weigh.

const IDENT = /[A-Za-z0-9]+/g;
const PART = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;
const MAX_CACHED = 200_000;

export interface CodeTokenizerLimits {
  /** Longer digit runs are dropped (hashes, magic numbers). */
  maxDigits: number;
  /** Longer parts are dropped (base64, hex blobs). */
  maxPart: number;
  /** Tokens kept per text. */
  maxTokens: number;
}

export class CodeTokenizer {
  private readonly ids = new Map<string, number>();
  private readonly maxPiece: number;
  /** Identifier → its tokens: code repeats its names, and splitting them is most of the cost. */
  private readonly cache = new Map<string, readonly number[]>();

  constructor(
    readonly vocab: readonly string[],
    private readonly limits: CodeTokenizerLimits,
  ) {
    vocab.forEach((token, id) => {
      if (!this.ids.has(token)) this.ids.set(token, id);
    });
    this.maxPiece = vocab.reduce((max, t) => Math.max(max, t.length), 1);
  }

  encode(text: string): number[] {
    const out: number[] = [];
    const { maxTokens } = this.limits;
    for (const [ident] of text.matchAll(IDENT)) {
      let tokens = this.cache.get(ident);
      if (!tokens) {
        tokens = this.identifier(ident);
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        this.cache.set(ident, tokens);
      }
      for (const t of tokens) out.push(t);
      if (out.length >= maxTokens) return out.slice(0, maxTokens);
    }
    return out;
  }

  private identifier(ident: string): number[] {
    const out: number[] = [];
    const { maxDigits, maxPart } = this.limits;
    const parts: string[] = [];
    for (const [part] of ident.matchAll(PART)) {
      if (part.length > maxPart) continue;
      if (part.length > maxDigits && isDigits(part)) continue;
      parts.push(part.toLowerCase());
    }
    if (parts.length === 0) return out;
    if (parts.length > 1) {
      const whole = this.ids.get(ident.toLowerCase());
      if (whole !== undefined) out.push(whole);
    }
    for (const part of parts) this.pieces(part, out);
    return out;
  }

  private pieces(part: string, out: number[]): void {
    const whole = this.ids.get(part);
    if (whole !== undefined) {
      out.push(whole);
      return;
    }
    let start = 0;
    while (start < part.length) {
      let end = Math.min(part.length, start + this.maxPiece);
      let found: number | undefined;
      for (; end > start; end--) {
        found = this.ids.get(start === 0 ? part.slice(0, end) : '##' + part.slice(start, end));
        if (found !== undefined) break;
      }
      if (found === undefined) {
        start++; // a character the vocabulary lacks
        continue;
      }
      out.push(found);
      start = end;
    }
  }
}

function isDigits(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57; // PART yields digit runs or letter runs, never both
}
