// Does a chunk define a name, rather than use it? The chunker's symbol says so for functions,
// methods and classes; the text says so for what the grammar does not name (a module-level
// `g = LocalProxy(...)`, `defmodule Phoenix.Router`, a `typedef`, a type alias). Rust's
// `impl Trait for T` implements a trait rather than defining it, so `impl` is not a keyword here.

import { F } from '../indexer/chunkSchema';
import type { Row } from '../../engine/schema/types';

/** Words that introduce a definition in the common languages (case-sensitive on purpose). */
const KEYWORDS = [
  'class', 'module', 'defmodule', 'def', 'defp', 'defmacro', 'interface', 'struct', 'enum', 'trait', 'type', 'func',
  'function', 'object', 'fn', 'fun', 'namespace', 'protocol', 'record', 'typedef', 'union', 'data', 'newtype',
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
    // Captured: how deep the name is nested (Ecto.Repo.Schema is a less likely `Schema` than Ecto.Schema).
    const qualified = String.raw`((?:[\w$]+(?:\.|::))*)`;
    const byKeyword = String.raw`(?:^|\s)(?:${KEYWORD_ALT})\s+${qualified}${n}(?=[\s<({:\[;=,]|$)`;
    // `name :: Type` (Haskell) needs the space after `::`, or every `Name::member` path would define Name.
    const assigned = String.raw`^[ \t]*(?:export\s+)?(?:(?:const|let|var|val|local|static|final|public|private)\s+)*${n}\s*(?::[^=\n]*)?(?::=|=(?!=)|::(?=\s))`;
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
  return definitionNesting(row, names) !== undefined;
}

/**
 * How many qualifiers the chunk's definition of one of `names` carries (0 for `class Schema`,
 * 2 for `defmodule Ecto.Repo.Schema`), the least if it has several; undefined when it defines none.
 */
export function definitionNesting(row: Row, names: readonly string[]): number | undefined {
  const symbol = String(row[F.symbol] ?? '');
  const kind = String(row[F.kind] ?? '');
  const parts = symbol.split('.');
  const last = parts[parts.length - 1] ?? '';
  // A constructor carries its class's name (ObjectMapper.ObjectMapper): it builds the class, the
  // class's own chunk defines it.
  const constructor = parts.length >= 2 && parts[parts.length - 2] === last;
  if (DEFINING_KINDS.has(kind) && !constructor && names.some((n) => n === last || n === symbol)) {
    // A class's member-less gap chunks carry the class's symbol too: only its header line defines it.
    if (kind !== 'class') return 0;
  }
  const text = String(row[F.text] ?? '');
  const body = text.slice(text.indexOf('\n') + 1); // past the "path: symbol" header
  let least: number | undefined;
  for (const n of names) {
    const m = definitionPattern(n).exec(body);
    if (!m) continue;
    const depth = (m[1] ?? '').split(/\.|::/).length - 1;
    least = least === undefined ? depth : Math.min(least, depth);
  }
  return least;
}
