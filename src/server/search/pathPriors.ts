// What a file's path says about how likely it is to be the answer, before reading it: tests,
// examples, vendored, generated and minified code, compat shims and re-export barrels mention
// everything the real implementation does, so they are down-weighted unless the query asks for
// them; docs rank fairly but below code for a code query.

import * as path from 'node:path';
import type { QueryAnalysis } from './queryAnalysis';

/** Test files by the naming conventions of the common test runners, and test folders. */
const TEST_FILE =
  /(?:^|\/)(?:test_[^/]*|[^/]*_test|[^/]*[._-](?:test|spec)|[^/]*(?:Tests?|Spec|Suite))\.[\w]+$|(?:^|\/)(?:tests?|__tests__|specs?|testing|testdata|__mocks__|fixtures)(?:\/|$)/;
const EXAMPLE = /(?:^|\/)(?:_?examples?|samples?|demos?|docs?_src|tutorials?)(?:\/|$)/;
const VENDOR = /(?:^|\/)(?:vendor|vendored|third[_-]?party|node_modules|external|deps)(?:\/|$)/;
const GENERATED = /(?:\.(?:generated|gen|pb|g)\.\w+|_pb2\.py|\.designer\.cs)$|(?:^|\/)(?:generated|gen)(?:\/|$)/i;
const MINIFIED = /\.min\.(?:js|css)$|[.-]bundle\.js$/;
const COMPAT = /(?:^|\/)(?:_?compat|legacy|deprecated)(?:\/|$)/;
const TYPE_STUB = /\.d\.ts$|\.pyi$/;
/** Files that only re-export or describe a package. */
const BARREL = new Set(['__init__.py', 'package-info.java', 'index.d.ts', 'mod.ts']);
const DOC_LANGUAGES = new Set(['markdown', 'plaintext', 'restructuredtext', 'asciidoc']);
/** Settings and data files: they name everything and implement nothing. */
const DATA_LANGUAGES = new Set(['json', 'jsonc', 'yaml', 'toml', 'xml', 'ini', 'properties', 'csv']);

const STRONG = 0.3;
const MODERATE = 0.5;
const MILD = 0.7;

interface PathKinds {
  test: boolean;
  example: boolean;
  vendor: boolean;
  generated: boolean;
  other: number;
}

/** What a path is, remembered: every search asks it of a few hundred candidate paths. */
const kindsCache = new Map<string, PathKinds>();
const CACHE_SIZE = 20_000;

function pathKinds(relPath: string): PathKinds {
  let k = kindsCache.get(relPath);
  if (!k) {
    let other = 1;
    if (MINIFIED.test(relPath)) other *= STRONG;
    if (COMPAT.test(relPath)) other *= STRONG;
    if (TYPE_STUB.test(relPath)) other *= MILD;
    if (BARREL.has(path.posix.basename(relPath))) other *= MODERATE;
    k = { test: TEST_FILE.test(relPath), example: EXAMPLE.test(relPath), vendor: VENDOR.test(relPath), generated: GENERATED.test(relPath), other };
    if (kindsCache.size >= CACHE_SIZE) kindsCache.clear();
    kindsCache.set(relPath, k);
  }
  return k;
}

/** A multiplier in (0, 1] for a chunk of `relPath` (language as indexed) under this query. */
export function pathPrior(relPath: string, language: string, q: QueryAnalysis): number {
  const k = pathKinds(relPath);
  let p = k.other;
  if (k.test && !q.asksFor.has('test')) p *= STRONG;
  if (k.example && !q.asksFor.has('example')) p *= STRONG;
  if (k.vendor && !q.asksFor.has('vendor')) p *= STRONG;
  if (k.generated && !q.asksFor.has('generated')) p *= MODERATE;
  // Docs explain code but are not it: well below code for an identifier, below it for prose.
  if (DOC_LANGUAGES.has(language) && !q.asksFor.has('doc')) p *= q.identifier ? STRONG : MODERATE;
  if (DATA_LANGUAGES.has(language)) p *= MODERATE;
  return p;
}

/** The file name without its extensions and the parent folder: what a path match looks at. */
export function pathWords(relPath: string): { stem: string; parent: string } {
  const base = path.posix.basename(relPath);
  const stem = base.replace(/\.[^.]*$/, '').replace(/\.(?:test|spec|d)$/, '');
  const dir = path.posix.dirname(relPath);
  return { stem, parent: dir === '.' ? '' : path.posix.basename(dir) };
}
