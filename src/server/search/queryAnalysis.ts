// What kind of query a person typed, read before ranking: an identifier ("HandlerStack",
// "Rails::Engine", "g") asks for a definition; prose ("how are routes registered") asks for the
// code that does it, in words the code may spell differently (plurals, -ing forms).

import { splitIdentifier } from '../../engine/text/analyzer';

export interface QueryAnalysis {
  /** A single identifier, maybe namespace-qualified: definitions and exact names rank first. */
  identifier: boolean;
  /** Names a definition may carry: the last part of a qualified name, and the whole of it. */
  symbolNames: string[];
  /** CamelCase / camelCase / snake_case names inside a prose query ("how RouterGroup works"). */
  embeddedSymbols: string[];
  /** Lowercased content words (stop words and words under 3 letters dropped), for path matches. */
  keywords: string[];
  /** What BM25 is asked: prose without stop words plus simple stems of its words. */
  bm25Text: string;
  /** Words that ask for tests, examples, docs... (these are then not down-weighted). */
  asksFor: Set<'test' | 'example' | 'doc' | 'vendor' | 'generated'>;
}

/** One identifier, optionally qualified with ::, ., \ or -> (Rails::Engine, absl.StrCat, a->b). */
const IDENTIFIER_QUERY = /^[\p{L}_$][\p{L}\p{N}_$]*(?:(?:::|\\|->|\.)[\p{L}_$][\p{L}\p{N}_$]*)*$/u;
const QUALIFIER = /::|\\|->|\./;
/** An identifier with an inner capital or an underscore: a code name even inside prose. */
const CODE_NAME = /^(?:[\p{Lu}][\p{Ll}\p{N}]+[\p{Lu}][\p{L}\p{N}]*|[\p{Ll}][\p{Ll}\p{N}]*[\p{Lu}][\p{L}\p{N}]*|[\p{L}][\p{L}\p{N}]*_[\p{L}\p{N}_]+)$/u;

/** Nouns that say the word before them names a definition: "Job interface", "Handler trait". */
const KIND_WORDS = new Set(['interface', 'class', 'struct', 'trait', 'type', 'protocol', 'module', 'enum', 'object', 'record', 'typeclass', 'behaviour', 'behavior']);

/** Function words of English questions; they match everywhere and say nothing about code. */
const STOP_WORDS = new Set(
  ('a an and are as at be been by can do does for from has have how i if in into is it its not of on or ' +
    'so than that the their them then there these this those to was we were what when where which who why will with ' +
    'you your used using use work works way get gets')
    .split(' '),
);

const ASKS: Array<[RegExp, 'test' | 'example' | 'doc' | 'vendor' | 'generated']> = [
  [/^(tests?|testing|spec|specs|fixtures?|mocks?)$/, 'test'],
  [/^(examples?|samples?|demos?|tutorials?)$/, 'example'],
  [/^(docs?|documentation|readme|guides?|changelog|markdown)$/, 'doc'],
  [/^(vendor|vendored|third|party)$/, 'vendor'],
  [/^(generated|codegen|protobuf)$/, 'generated'],
];

export function analyzeQuery(query: string): QueryAnalysis {
  const trimmed = query.trim();
  const identifier = IDENTIFIER_QUERY.test(trimmed);
  const words = trimmed.split(/[^\p{L}\p{N}_$]+/u).filter(Boolean);
  const lower = words.map((w) => w.toLowerCase());
  const asksFor = new Set<QueryAnalysis['asksFor'] extends Set<infer T> ? T : never>();
  for (const w of lower) for (const [re, what] of ASKS) if (re.test(w)) asksFor.add(what);
  const last = trimmed.split(QUALIFIER).pop() as string;
  // A name typed all in lowercase may mean the capitalised class ("view" → View).
  const capitalised = /^\p{Ll}+$/u.test(last) ? [last[0].toUpperCase() + last.slice(1)] : [];
  const symbolNames = identifier ? [...new Set([last, trimmed, ...capitalised])] : [];
  const embeddedSymbols = identifier ? [] : namesInProse(words);
  const content = lower.filter((w) => !STOP_WORDS.has(w));
  const keywords = [...new Set(content.flatMap((w) => [w, ...splitIdentifier(w)]).filter((w) => w.length >= 3))];
  // Prose only: an identifier goes to BM25 as typed (the analyzer splits it the way it split the code).
  const bm25Text = identifier ? trimmed : [...new Set(content.flatMap((w) => [w, ...stems(w)]))].join(' ') || trimmed;
  return { identifier, symbolNames, embeddedSymbols, keywords, bm25Text, asksFor };
}

/**
 * Names a prose query spells: code-shaped words (RouterGroup, parse_args) and a capitalised
 * word a kind noun follows ("Job interface", "Handler trait": the person names the type they
 * mean). Not the parts of a dotted name: "Newtonsoft.Json" or "mini.pick" name a project or
 * module more often than the definition (measured on the dev split).
 */
function namesInProse(words: string[]): string[] {
  const names = words.filter((w) => CODE_NAME.test(w));
  for (let i = 0; i + 1 < words.length; i++) {
    if (/^\p{Lu}\p{Ll}[\p{L}\p{N}]*$/u.test(words[i]) && KIND_WORDS.has(words[i + 1].toLowerCase())) names.push(words[i]);
  }
  return [...new Set(names)];
}

/**
 * Light suffix stripping (plural, -ing, -ed, -er, -ion) so "registered" also asks for "register"
 * and "handlers" for "handler": the index keeps words as written, so the query carries both.
 */
export function stems(word: string): string[] {
  const w = word.toLowerCase();
  if (w.length < 5 || /[^a-z]/.test(w)) return [];
  const out = new Set<string>();
  if (w.endsWith('ies')) out.add(`${w.slice(0, -3)}y`);
  else if (/(ches|shes|sses|xes)$/.test(w)) out.add(w.slice(0, -2));
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) out.add(w.slice(0, -1));
  if (w.endsWith('ing') && w.length > 6) {
    out.add(w.slice(0, -3));
    out.add(`${w.slice(0, -3)}e`);
  }
  if (w.endsWith('ed') && w.length > 5) {
    out.add(w.slice(0, -2));
    out.add(w.slice(0, -1));
  }
  if (w.endsWith('ation') && w.length > 7) out.add(w.slice(0, -5));
  else if (w.endsWith('ion') && w.length > 6) out.add(w.slice(0, -3));
  if (w.endsWith('er') && w.length > 5) out.add(w.slice(0, -2));
  out.delete(w);
  return [...out].filter((s) => s.length >= 3);
}
