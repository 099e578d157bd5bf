// Filter shortcuts typed into the search box, turned into a Milvus filter expression over the
// chunk fields; what is left is the query text.
//
//   lang:ts,py     language in ["typescript", "python"]     (aliases for common extensions)
//   kind:function  kind == "function"                       (fn, func, img ... are aliases)
//   path:src/**    path like "src/%"                        (no wildcard: path contains the text)
//   ext:md         path like "%.md"
//   symbol:parse   symbol like "%parse%"                    (wildcards as in path:)
//   folder:api     folder == "api"
//   since:7d       mtime >= <now - 7 days>                  (m, h, d, w; or a date 2024-05-31)
//   -lang:md       any shortcut negated with a leading '-'
//
// Globs map onto LIKE: `*` and `**` → `%`, `?` → `_` (LIKE has no "but not /", so `src/*.ts`
// also matches deeper files). Values may be quoted: path:"my docs/**". Unknown `key:value` words
// stay in the query text (a search for `http://` or `std::vector` must still work).

import { F } from '../indexer/chunkSchema';

export interface ParsedQuery {
  /** The query with the shortcuts removed, whitespace collapsed. */
  text: string;
  /** The shortcut filter AND the raw filter; undefined when there is neither. */
  filter?: string;
}

/** A shortcut that cannot be read; `position` is the 0-based offset of the word in the query. */
export class ShortcutError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ShortcutError';
  }
}

export interface ShortcutOptions {
  /** A raw filter expression given separately; ANDed with the shortcuts. */
  filter?: string;
  /** "Now" in ms, for since:; passed in so the function stays pure. */
  now: number;
}

const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  jsx: 'javascriptreact',
  py: 'python',
  rs: 'rust',
  rb: 'ruby',
  md: 'markdown',
  cs: 'csharp',
  'c#': 'csharp',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  h: 'c',
  kt: 'kotlin',
  sh: 'shellscript',
  bash: 'shellscript',
  yml: 'yaml',
  txt: 'plaintext',
  text: 'plaintext',
  img: 'image',
};

const KIND_ALIASES: Record<string, string> = {
  fn: 'function',
  func: 'function',
  def: 'function',
  img: 'image',
  picture: 'image',
  heading: 'section',
  doc: 'section',
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

type Key = 'lang' | 'language' | 'kind' | 'path' | 'ext' | 'symbol' | 'folder' | 'since';
const KEYS = new Set<string>(['lang', 'language', 'kind', 'path', 'ext', 'symbol', 'folder', 'since']);

interface Word {
  raw: string;
  pos: number;
}

export function parseQueryShortcuts(input: string, options: ShortcutOptions): ParsedQuery {
  const rest: string[] = [];
  // Same key, several words: any of them (lang:ts lang:py); different keys: all of them.
  const byKey = new Map<string, string[]>();
  for (const word of splitWords(input)) {
    const m = /^(-?)([A-Za-z]+):(.*)$/s.exec(word.raw);
    const key = m?.[2].toLowerCase();
    if (!m || !key || !KEYS.has(key)) {
      rest.push(word.raw);
      continue;
    }
    const value = unquote(m[3]);
    if (value === '') throw new ShortcutError(`${key}: needs a value (at position ${word.pos}), e.g. ${example(key as Key)}`, word.pos);
    const values = value.split(',').filter((v) => v !== '');
    const terms = values.map((v) => condition(key as Key, v, word.pos, options.now));
    const clause = terms.length === 1 ? terms[0] : `(${terms.join(' or ')})`;
    const negated = m[1] === '-';
    const group = negated ? `${key}\0not` : key;
    const list = byKey.get(group) ?? [];
    list.push(negated ? `not (${clause})` : clause);
    byKey.set(group, list);
  }
  const clauses: string[] = [];
  for (const [group, list] of byKey) {
    // Negated words of one key must all hold (not a and not b); plain ones are alternatives.
    if (group.endsWith('\0not')) clauses.push(...list);
    else clauses.push(list.length === 1 ? list[0] : `(${list.join(' or ')})`);
  }
  const shortcut = clauses.length ? clauses.join(' and ') : undefined;
  const filter = combineFilters(shortcut, options.filter);
  return { text: rest.join(' '), ...(filter ? { filter } : {}) };
}

/** `a and b`, parenthesised, skipping empty parts. */
export function combineFilters(...parts: Array<string | undefined>): string | undefined {
  const present = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((p) => `(${p})`).join(' and ');
}

/** A string literal for a filter expression: double quotes, with `"` and `\` escaped. */
export function quoteLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A glob as a LIKE pattern literal; without wildcards, `contains` decides: %text% or exact. */
export function globToLike(glob: string, contains: boolean): string {
  const hasWildcard = /[*?]/.test(glob);
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      while (glob[i + 1] === '*') i++;
      pattern += '%';
    } else if (c === '?') pattern += '_';
    else if (c === '%' || c === '_') pattern += `\\${c}`; // a literal for LIKE (the lexer keeps \% and \_)
    else if (c === '\\') pattern += '\\\\\\\\'; // string escape of LIKE's \\: a literal backslash
    else if (c === '"') pattern += '\\"';
    else pattern += c;
  }
  if (!hasWildcard && contains) pattern = `%${pattern}%`;
  // `\%` / `\_` reach the LIKE matcher as written; `\\` and `\"` are string escapes.
  return `"${pattern}"`;
}

function condition(key: Key, value: string, pos: number, now: number): string {
  switch (key) {
    case 'lang':
    case 'language': {
      const id = LANGUAGE_ALIASES[value.toLowerCase()] ?? value.toLowerCase();
      return `${F.language} == ${quoteLiteral(id)}`;
    }
    case 'kind': {
      const kind = KIND_ALIASES[value.toLowerCase()] ?? value.toLowerCase();
      return `${F.kind} == ${quoteLiteral(kind)}`;
    }
    case 'path':
      return `${F.path} like ${globToLike(value.replace(/^\.\//, ''), true)}`;
    case 'ext':
      return `${F.path} like ${globToLike(`*.${value.replace(/^\*?\./, '')}`, false)}`;
    case 'symbol':
      return `${F.symbol} like ${globToLike(value, true)}`;
    case 'folder':
      return `${F.folder} == ${quoteLiteral(value)}`;
    case 'since':
      return `${F.mtime} >= ${sinceMs(value, pos, now)}`;
  }
}

function sinceMs(value: string, pos: number, now: number): number {
  const rel = /^(\d+)([mhdw])$/i.exec(value);
  if (rel) return Math.max(0, now - Number(rel[1]) * UNIT_MS[rel[2].toLowerCase()]);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return t;
  }
  throw new ShortcutError(
    `since:${value} (at position ${pos}) is not a duration like 30m, 12h, 7d, 2w or a date like 2024-05-31`,
    pos,
  );
}

function example(key: Key): string {
  const examples: Record<Key, string> = {
    lang: 'lang:ts',
    language: 'language:python',
    kind: 'kind:function',
    path: 'path:src/**',
    ext: 'ext:md',
    symbol: 'symbol:parse',
    folder: 'folder:api',
    since: 'since:7d',
  };
  return examples[key];
}

/** Splits on whitespace; a double-quoted stretch (path:"a b") stays in one word. */
function splitWords(input: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i])) i++;
    if (i >= input.length) break;
    const start = i;
    let inQuote = false;
    while (i < input.length && (inQuote || !/\s/.test(input[i]))) {
      if (input[i] === '"') inQuote = !inQuote;
      i++;
    }
    words.push({ raw: input.slice(start, i), pos: start });
  }
  return words;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
