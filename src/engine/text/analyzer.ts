// Text analyzers for full-text (BM25) search, after Milvus 2.5's `analyzer_params`.
//
//   { type: 'standard' } — lowercase words: runs of letters, marks, digits and '_' (Milvus's
//                          default; `snake_case` stays one token).
//   { type: 'code' }     — ours: identifiers are kept whole AND split at snake_case, kebab-case,
//                          camelCase / PascalCase and letter/digit boundaries, so a query for
//                          "http response" finds `parseHTTPResponse` and `parse_http_response`.
//
// Both drop tokens shorter than `min_token_length` (default 2: single letters are loop variables
// and noise) and longer than `max_token_length` (default 64: hashes and base64 blobs).

import type { JsonValue } from '../schema/types';
import { invalid } from '../errors';

export type AnalyzerType = 'standard' | 'code';

export interface AnalyzerOptions {
  type: AnalyzerType;
  minTokenLength: number;
  maxTokenLength: number;
}

export interface Analyzer {
  readonly options: AnalyzerOptions;
  /** Text → tokens in reading order; repeats are kept (BM25 counts them). */
  analyze(text: string): string[];
}

const DEFAULT_MIN_TOKEN_LENGTH = 2;
const DEFAULT_MAX_TOKEN_LENGTH = 64;

/** A word for the standard analyzer. */
const STANDARD_WORD = /[\p{L}\p{M}\p{N}_]+/gu;
/** An identifier for the code analyzer: alphanumeric runs joined by '_' or '-'. */
const CODE_IDENTIFIER = /[\p{L}\p{M}\p{N}]+(?:[_-]+[\p{L}\p{M}\p{N}]+)*/gu;
/**
 * One part of an identifier: an acronym not followed by a lowercase letter (HTTP in HTTPResponse),
 * a capitalised or lowercase word, a number, or a run of caseless letters (CJK, etc.).
 */
const IDENTIFIER_PART =
  /\p{Lu}+(?![\p{Ll}\p{M}])|\p{Lu}?[\p{Ll}\p{M}]+|\p{Lu}+|\p{N}+|[\p{Lo}\p{Lt}\p{Lm}][\p{Lo}\p{Lt}\p{Lm}\p{M}]*/gu;

/**
 * Reads Milvus-style `analyzer_params` (`{type, min_token_length?, max_token_length?}`); a missing
 * object means the standard analyzer. Unknown types or bad lengths are errors naming the key.
 */
export function analyzerOptions(params?: Record<string, JsonValue> | null): AnalyzerOptions {
  const p = params ?? {};
  // Milvus's building-block form ({tokenizer: 'standard', filter: ['lowercase']}) is the standard
  // analyzer, which keeps words of any length (Loupe's own default drops one-letter words).
  const tokenizer = p.tokenizer;
  if (tokenizer !== undefined && tokenizer !== 'standard') {
    throw invalid(`analyzer_params.tokenizer: unsupported tokenizer ${JSON.stringify(tokenizer)} (use "standard")`);
  }
  const type = p.type ?? 'standard';
  if (type !== 'standard' && type !== 'code') {
    throw invalid(`analyzer_params.type: unsupported analyzer ${JSON.stringify(type)} (use "standard" or "code")`);
  }
  const minTokenLength = lengthParam(p, 'min_token_length', tokenizer === 'standard' ? 1 : DEFAULT_MIN_TOKEN_LENGTH);
  const maxTokenLength = lengthParam(p, 'max_token_length', DEFAULT_MAX_TOKEN_LENGTH);
  if (minTokenLength > maxTokenLength) {
    throw invalid(`analyzer_params: min_token_length ${minTokenLength} exceeds max_token_length ${maxTokenLength}`);
  }
  return { type, minTokenLength, maxTokenLength };
}

function lengthParam(p: Record<string, JsonValue>, key: string, fallback: number): number {
  const v = p[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw invalid(`analyzer_params.${key}: expected a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function createAnalyzer(params?: Record<string, JsonValue> | null): Analyzer {
  const options = analyzerOptions(params);
  const keep = (t: string): boolean => {
    // Length in code points, so an emoji or a CJK character counts as one.
    let n = 0;
    for (const _ of t) n++;
    return n >= options.minTokenLength && n <= options.maxTokenLength;
  };
  const analyze = options.type === 'code' ? codeAnalyzer(keep) : (text: string) => analyzeStandard(text, keep);
  return { options, analyze };
}

/**
 * Identifiers repeat (keywords, common names), so their tokens are remembered: splitting is the
 * analyzer's main cost and every chunk written goes through it. The cache is dropped when full.
 */
const IDENTIFIER_CACHE_SIZE = 50_000;

/** Tokens of `text` with the analyzer `params` describe (default: standard). */
export function analyze(text: string, params?: Record<string, JsonValue> | null): string[] {
  return createAnalyzer(params).analyze(text);
}

function analyzeStandard(text: string, keep: (t: string) => boolean): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(STANDARD_WORD)) {
    // Leading/trailing underscores (`__init__`) carry no meaning.
    const word = m[0].replace(/^_+|_+$/g, '').toLowerCase();
    if (word && keep(word)) out.push(word);
  }
  return out;
}

function codeAnalyzer(keep: (t: string) => boolean): (text: string) => string[] {
  const cache = new Map<string, readonly string[]>();
  return (text) => {
    const out: string[] = [];
    for (const m of text.matchAll(CODE_IDENTIFIER)) {
      const identifier = m[0];
      let tokens = cache.get(identifier);
      if (!tokens) {
        if (cache.size >= IDENTIFIER_CACHE_SIZE) cache.clear();
        tokens = identifierTokens(identifier, keep);
        cache.set(identifier, tokens);
      }
      for (const t of tokens) out.push(t);
    }
    return out;
  };
}

/** The whole identifier (lowercased) and its parts, as kept by `keep`. */
function identifierTokens(identifier: string, keep: (t: string) => boolean): string[] {
  const out: string[] = [];
  const whole = identifier.toLowerCase();
  const parts = splitIdentifier(identifier);
  // A plain word is its own only part; emit it once, not twice.
  if (parts.length !== 1 || parts[0] !== whole) {
    if (keep(whole)) out.push(whole);
  }
  for (const part of parts) if (keep(part)) out.push(part);
  return out;
}

/** `parseHTTPResponse` → parse, http, response; `snake_case-kebab` → snake, case, kebab. */
export function splitIdentifier(identifier: string): string[] {
  const parts: string[] = [];
  for (const piece of identifier.split(/[_-]+/)) {
    for (const m of piece.matchAll(IDENTIFIER_PART)) parts.push(m[0].toLowerCase());
  }
  return parts;
}

/** A code-analyzer token and where it lies in the text: [start, end) in UTF-16 units. */
export interface TokenSpan {
  token: string;
  start: number;
  end: number;
  /** True for a whole identifier, false for one of its parts. */
  whole: boolean;
}

/**
 * The code analyzer's tokens of `text` with their places (lengths not filtered), for showing
 * where a text matched: each identifier whole, then its parts as splitIdentifier cuts them.
 */
export function codeTokenSpans(text: string): TokenSpan[] {
  const out: TokenSpan[] = [];
  for (const m of text.matchAll(CODE_IDENTIFIER)) {
    const at = m.index ?? 0;
    const identifier = m[0];
    out.push({ token: identifier.toLowerCase(), start: at, end: at + identifier.length, whole: true });
    for (const piece of identifier.matchAll(/[^_-]+/g)) {
      const pieceAt = at + (piece.index ?? 0);
      for (const part of piece[0].matchAll(IDENTIFIER_PART)) {
        const start = pieceAt + (part.index ?? 0);
        out.push({ token: part[0].toLowerCase(), start, end: start + part[0].length, whole: false });
      }
    }
  }
  return out;
}
