// Turns filter text into tokens, after Milvus's Plan.g4 lexer: numbers (decimal, hex, binary,
// floats with exponents), quoted strings with C-style escapes, identifiers (and `$meta`),
// case-insensitive keywords, and operators. Every token carries its character offset.

import { INT64_MAX } from '../schema/int64';
import { ExprError, quote } from './error';

export type TokenKind = 'number' | 'string' | 'identifier' | 'keyword' | 'operator' | 'end';

/** Keywords are matched case-insensitively (`and`, `AND`, `And`); stored lower-case. */
export const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'is', 'null', 'true', 'false']);

export interface Token {
  kind: TokenKind;
  /** For keywords the lower-cased word; for strings the decoded value; else the source text. */
  text: string;
  /** Start offset in the filter text. */
  pos: number;
  /** Source length, so errors can point past a token. */
  length: number;
  /** number tokens: the value and whether it was written as an integer. */
  value?: number;
  /** number tokens: the exact value of an integer beyond 2^53. */
  big?: bigint;
  isInt?: boolean;
}

const OPERATORS = ['**', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%',
  '(', ')', '[', ']', ',', '{', '}'];

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      i = readNumber(text, i, tokens);
    } else if (c === '"' || c === "'") {
      i = readString(text, i, tokens);
    } else if (isIdentStart(c) || (c === '$' && text.startsWith('$meta', i))) {
      let j = c === '$' ? i + 5 : i + 1;
      while (j < text.length && isIdentPart(text[j])) j++;
      const word = text.slice(i, j);
      if (c === '$' && word !== '$meta') throw new ExprError(`unknown name ${quote(word)} at position ${i}`, i);
      const lower = word.toLowerCase();
      if (KEYWORDS.has(lower)) tokens.push({ kind: 'keyword', text: lower, pos: i, length: j - i });
      else tokens.push({ kind: 'identifier', text: word, pos: i, length: j - i });
      i = j;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined) throw unexpectedCharacter(text, i);
      tokens.push({ kind: 'operator', text: op, pos: i, length: op.length });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length, length: 0 });
  return tokens;
}

function unexpectedCharacter(text: string, i: number): ExprError {
  const c = String.fromCodePoint(text.codePointAt(i) ?? 0);
  const hint =
    c === '=' ? " (use '==' to compare)" :
    c === '&' || c === '|' ? ` (use '${c}${c}' or '${c === '&' ? 'and' : 'or'}')` :
    c === '$' ? ' (the only name starting with $ is $meta)' : '';
  return new ExprError(`unexpected character ${quote(c)} at position ${i}${hint}`, i);
}

/** Reads a numeric literal; integers must be safe (|n| <= 2^53 - 1), floats finite. */
function readNumber(text: string, start: number, tokens: Token[]): number {
  let j = start;
  let isInt = true;
  let value: number;
  const radix = text[j] === '0' && /[xXbB]/.test(text[j + 1] ?? '') ? (/[xX]/.test(text[j + 1]) ? 16 : 2) : 10;
  if (radix !== 10) {
    j += 2;
    const digits = radix === 16 ? /[0-9a-fA-F]/ : /[01]/;
    const from = j;
    while (j < text.length && digits.test(text[j])) j++;
    if (j === from) throw new ExprError(`malformed number ${quote(text.slice(start, j + 1))} at position ${start}`, start);
    value = parseInt(text.slice(from, j), radix);
  } else {
    while (isDigit(text[j] ?? '')) j++;
    if (text[j] === '.') {
      isInt = false;
      j++;
      while (isDigit(text[j] ?? '')) j++;
    }
    if (text[j] === 'e' || text[j] === 'E') {
      isInt = false;
      let k = j + 1;
      if (text[k] === '+' || text[k] === '-') k++;
      if (!isDigit(text[k] ?? '')) {
        throw new ExprError(`malformed number ${quote(text.slice(start, k + 1))} at position ${start}: the exponent needs digits`, start);
      }
      while (isDigit(text[k] ?? '')) k++;
      j = k;
    }
    value = Number(text.slice(start, j));
  }
  if (j < text.length && (isIdentPart(text[j]) || text[j] === '.')) {
    throw new ExprError(`malformed number ${quote(text.slice(start, j + 1))} at position ${start}`, start);
  }
  const source = text.slice(start, j);
  let big: bigint | undefined;
  if (isInt && !Number.isSafeInteger(value)) {
    // An Int64 beyond 2^53 (an id from another system) is kept exactly, as a bigint.
    big = BigInt(radix === 10 ? source : `0${source.slice(1)}`);
    if (big > INT64_MAX) {
      throw new ExprError(`integer ${quote(source)} at position ${start} is out of range (|n| must be at most 2^63 - 1)`, start);
    }
  }
  if (!Number.isFinite(value)) {
    throw new ExprError(`number ${quote(source)} at position ${start} is out of range`, start);
  }
  tokens.push({ kind: 'number', text: source, pos: start, length: j - start, value, isInt, ...(big !== undefined ? { big } : {}) });
  return j;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"', "'": "'", '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '/': '/',
};

/**
 * Reads a quoted string. `\%` and `\_` are kept as written (backslash included) so a LIKE
 * pattern can tell an escaped wildcard from a real one; other unknown escapes are errors.
 */
function readString(text: string, start: number, tokens: Token[]): number {
  const quoteChar = text[start];
  let j = start + 1;
  let out = '';
  for (;;) {
    if (j >= text.length) {
      throw new ExprError(`unterminated string starting at position ${start} (expected a closing ${quoteChar})`, start, quoteChar);
    }
    const c = text[j];
    if (c === quoteChar) break;
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const e = text[j + 1];
    if (e === undefined) {
      throw new ExprError(`unterminated string starting at position ${start} (expected a closing ${quoteChar})`, start, quoteChar);
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      j += 2;
    } else if (e === '%' || e === '_') {
      out += `\\${e}`;
      j += 2;
    } else if (e === 'u') {
      const hex = text.slice(j + 2, j + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ExprError(`bad escape at position ${j}: '\\u' needs 4 hex digits`, j);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      j += 6;
    } else {
      throw new ExprError(`unknown escape ${quote(`\\${e}`)} at position ${j} in a string`, j);
    }
  }
  tokens.push({ kind: 'string', text: out, pos: start, length: j + 1 - start });
  return j + 1;
}

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'end of input';
    case 'string':
      return `string ${JSON.stringify(t.text).slice(0, 42)}`;
    default:
      return quote(t.text);
  }
}
