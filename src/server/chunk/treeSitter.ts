// Loads web-tree-sitter once and each grammar lazily, on first use. The packaged extension may
// place the .wasm files elsewhere than node_modules, hence setGrammarDir.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type ParserType = require('web-tree-sitter');

// Loaded on the first parse, not on import: a CLI search or status never parses code.
let parserModule: typeof ParserType | undefined;
const webTreeSitter = (): typeof ParserType => (parserModule ??= require('web-tree-sitter') as typeof ParserType);

let grammarDirOverride: string | undefined;
let parserReady: Promise<void> | undefined;
const languages = new Map<string, Promise<ParserType.Language>>();

/**
 * Use grammars (tree-sitter-<lang>.wasm) from `dir`. If `dir` also holds tree-sitter.wasm (the
 * runtime), it is used too. Call before the first parse.
 */
export function setGrammarDir(dir: string | undefined): void {
  grammarDirOverride = dir;
  languages.clear();
}

export function grammarDir(): string {
  if (grammarDirOverride) return grammarDirOverride;
  return path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
}

function initParser(): Promise<void> {
  if (!parserReady) {
    const runtime = grammarDirOverride ? path.join(grammarDirOverride, 'tree-sitter.wasm') : undefined;
    const options = runtime && fs.existsSync(runtime) ? { locateFile: () => runtime } : undefined;
    parserReady = webTreeSitter().init(options).catch((err: unknown) => {
      parserReady = undefined; // allow a retry, e.g. after setGrammarDir
      throw err;
    });
  }
  return parserReady;
}

function loadLanguage(grammar: string): Promise<ParserType.Language> {
  let pending = languages.get(grammar);
  if (!pending) {
    const file = path.join(grammarDir(), `tree-sitter-${grammar}.wasm`);
    pending = initParser().then(() => webTreeSitter().Language.load(file));
    pending.catch(() => languages.delete(grammar));
    languages.set(grammar, pending);
  }
  return pending;
}

/** Parses give up after this long and the file falls back to line windows. */
const PARSE_TIMEOUT_MICROS = 5_000_000;

/**
 * Parses `text` with the named grammar and hands the tree to `use`, freeing it afterwards
 * (trees live in wasm memory, not the JS heap). Returns undefined if the parse timed out.
 */
export async function withSyntaxTree<T>(
  grammar: string,
  text: string,
  use: (root: ParserType.SyntaxNode) => T,
): Promise<T | undefined> {
  const language = await loadLanguage(grammar);
  const parser = new (webTreeSitter())();
  try {
    parser.setLanguage(language);
    parser.setTimeoutMicros(PARSE_TIMEOUT_MICROS);
    // parse() returns null on timeout although its typing says otherwise.
    const tree = parser.parse(text) as ParserType.Tree | null;
    if (!tree) return undefined;
    try {
      return use(tree.rootNode);
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

export type SyntaxNode = ParserType.SyntaxNode;
