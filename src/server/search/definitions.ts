// Does a chunk define a name, rather than use it? The chunker's symbol says so for functions,
// methods and classes; the text says so for what the grammar does not name (a module-level
// `g = LocalProxy(...)`, `defmodule Phoenix.Router`, a `typedef`, a type alias).

import { F } from '../indexer/chunkSchema';
import type { Row } from '../../engine/schema/types';

/** Words that introduce a definition in the common languages (case-sensitive on purpose). */
const KEYWORDS = [
  'class', 'module', 'defmodule', 'def', 'defp', 'defmacro', 'interface', 'struct', 'enum', 'trait', 'type', 'func',
  'function', 'object', 'fn', 'fun', 'impl', 'namespace', 'protocol', 'record', 'typedef', 'union', 'data', 'newtype',
  'extension', 'actor', 'macro_rules!', 'local function', 'pub fn', 'pub struct', 'pub enum', 'pub trait', 'pub type',
];
const KEYWORD_ALT = KEYWORDS.map((k) => k.replace(/[!]/g, '\\$&')).join('|');

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cache = new Map<string, RegExp>();

/** keyword [qualifier.]NAME followed by a delimiter, or NAME = / NAME: at the start of a line. */
function definitionPattern(name: string): RegExp {
  let re = cache.get(name);
  if (!re) {
    const n = escape(name);
    const qualified = String.raw`(?:[\w$]+(?:\.|::))*`;
    const byKeyword = String.raw`(?:^|\s)(?:${KEYWORD_ALT})\s+${qualified}${n}(?=[\s<({:\[;=,]|$)`;
    const assigned = String.raw`^[ \t]*(?:export\s+)?(?:(?:const|let|var|val|local|static|final|public|private)\s+)*${n}\s*(?::[^=\n]*)?(?::=|=(?!=)|::)`;
    // Shell and friends: `name() {`.
    const shellFunction = String.raw`^[ \t]*${n}[ \t]*\(\)`;
    re = new RegExp(`${byKeyword}|${assigned}|${shellFunction}`, 'm');
    if (cache.size > 512) cache.clear();
    cache.set(name, re);
  }
  return re;
}

const DEFINING_KINDS = new Set(['function', 'method', 'class']);

/** True when the chunk (a stored row) defines one of `names`. */
export function definesName(row: Row, names: readonly string[]): boolean {
  const symbol = String(row[F.symbol] ?? '');
  const kind = String(row[F.kind] ?? '');
  const last = symbol.split('.').pop() ?? '';
  if (DEFINING_KINDS.has(kind) && names.some((n) => n === last || n === symbol)) {
    // A class's member-less gap chunks carry the class's symbol too: only its header line defines it.
    if (kind !== 'class') return true;
  }
  const text = String(row[F.text] ?? '');
  const body = text.slice(text.indexOf('\n') + 1); // past the "path: symbol" header
  return names.some((n) => definitionPattern(n).test(body));
}
