// Step 2 of `npm run train:model`: walks the unpacked packages, cuts every source file with
// Loupe's own chunker, and keeps (documentation, code) pairs: the doc comment or docstring of a
// function, method or class, and the chunk as Loupe would index it with that prose removed.
// Usage: node out/scripts/model/mineCorpus.js <dir>   (reads <dir>/pkgs and <dir>/packages.txt,
// writes <dir>/pairs.jsonl and scripts/model/corpus.txt: package@version, pairs kept)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { chunkFile } from '../../src/server/chunk';
import { codeLanguage } from '../../src/server/chunk/languages';
import { detectLanguage } from '../../src/server/chunk/detectLanguage';
import { chunkHeader } from '../../src/server/chunk/makeChunk';
import { splitDoc } from './docComments';

const MAX_FILE_BYTES = 256 * 1024;
const MAX_PAIRS_PER_PACKAGE = 3000;
/** Where packages keep their sources; the path a pair shows starts after these. */
const ROOTS = [
  /^usr\/share\/gocode\/src\//,
  /^usr\/share\/cargo\/registry\//,
  /^usr\/lib\/python3(\.\d+)?\/(dist-packages\/)?/,
  /^usr\/share\/nodejs\//,
  /^usr\/lib\/ruby\/vendor_ruby\/(\d[\d.]*\/)?/,
  /^usr\/share\/rubygems-integration\/all\/gems\//,
  /^usr\/lib\/ruby\/\d[\d.]*\//,
  /^usr\/share\/php\//,
  /^usr\/include\//,
  /^usr\/src\//,
  /^usr\/lib\/go-[\d.]+\/src\//,
  /^usr\/lib\/rustlib\/src\/rust\//,
  /^usr\/lib\/jvm\/[^/]+\/lib\/src\//,
  /^usr\/share\//,
];

interface Pair {
  /** The description (query side). */
  d: string;
  /** The code (document side), with the chunk header Loupe indexes. */
  c: string;
  lang: string;
  pkg: string;
}

function excludedWords(): Set<string> {
  const file = path.join(__dirname, '../../../scripts/model/exclude.txt');
  const words = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\*$/, ''));
  return new Set(words);
}

/** Files of the 12 chunker languages under dir, skipping any folder named like a benchmark repo. */
function* sourceFiles(dir: string, excluded: Set<string>): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const name = e.name.toLowerCase().replace(/_/g, '-').replace(/[.-](js|py|rs|go|php|rb)$/, '');
      if (excluded.has(name) || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      yield* sourceFiles(full, excluded);
    } else if (e.isFile() && codeLanguage(detectLanguage(e.name, ''))) {
      yield full;
    }
  }
}

function shownPath(rel: string): string {
  for (const root of ROOTS) if (root.test(rel)) return rel.replace(root, '');
  return rel;
}

function hashOf(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

async function minePackage(pkgDir: string, pkg: string, excluded: Set<string>, seen: Set<string>): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (const file of sourceFiles(pkgDir, excluded)) {
    const stat = fs.statSync(file);
    if (stat.size === 0 || stat.size > MAX_FILE_BYTES) continue;
    const relPath = shownPath(path.relative(pkgDir, file).split(path.sep).join('/'));
    let chunks;
    try {
      chunks = await chunkFile({ absPath: file, relPath, folder: pkg, bytes: fs.readFileSync(file) });
    } catch {
      continue;
    }
    for (const chunk of chunks) {
      if (chunk.kind !== 'function' && chunk.kind !== 'method' && chunk.kind !== 'class') continue;
      const body = chunk.text.split('\n').slice(1);
      const split = splitDoc(body, chunk.language);
      if (!split) continue;
      const key = hashOf(split.doc.toLowerCase());
      if (seen.has(key)) continue; // the same sentence documents many overloads and copies
      seen.add(key);
      pairs.push({ d: split.doc, c: `${chunkHeader(chunk.path, chunk.symbol)}\n${split.code}`, lang: chunk.language, pkg });
    }
  }
  if (pairs.length <= MAX_PAIRS_PER_PACKAGE) return pairs;
  // big trees (a standard library, boost) would drown the rest: keep a fixed pseudo-random subset
  return pairs
    .map((p) => ({ p, k: hashOf(p.d) }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .slice(0, MAX_PAIRS_PER_PACKAGE)
    .map((x) => x.p);
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: mineCorpus <dir>  (the folder fetch-corpus.sh filled)');
  const excluded = excludedWords();
  const versions = new Map(
    fs
      .readFileSync(path.join(dir, 'packages.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
  const out = fs.createWriteStream(path.join(dir, 'pairs.jsonl'));
  const listing: string[] = [];
  const byLanguage = new Map<string, number>();
  const seen = new Set<string>();
  let total = 0;
  const started = Date.now();
  const pkgs = [...versions.keys()].sort();
  for (const [n, pkg] of pkgs.entries()) {
    const pairs = await minePackage(path.join(dir, 'pkgs', pkg), pkg, excluded, seen);
    for (const p of pairs) {
      out.write(JSON.stringify(p) + '\n');
      byLanguage.set(p.lang, (byLanguage.get(p.lang) ?? 0) + 1);
    }
    total += pairs.length;
    if (pairs.length > 0) listing.push(`${pkg}@${versions.get(pkg)} ${pairs.length}`);
    if (n % 100 === 0) console.error(`[mine] ${n}/${pkgs.length} packages, ${total} pairs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  const summary = [...byLanguage.entries()].sort((a, b) => b[1] - a[1]).map(([l, c]) => `${l} ${c}`);
  const header = [
    '# The corpus Loupe\'s code model was trained on: Debian package@version, (doc, code) pairs kept.',
    `# ${listing.length} packages, ${total} pairs. By language: ${summary.join(', ')}.`,
    '# Benchmark repositories excluded by name and by folder: scripts/model/exclude.txt.',
  ];
  fs.writeFileSync(path.join(__dirname, '../../../scripts/model/corpus.txt'), [...header, ...listing].join('\n') + '\n');
  console.log(`[mine] ${total} pairs from ${listing.length} packages; ${summary.join(', ')}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
