// Fuzzing the chunkers and the scanner with the files a real workspace throws at them: fixture
// sources cut at random bytes (mid-character too), re-encoded (UTF-8/16 BOMs, CRLF, lone CR),
// invalid UTF-8, zero-byte files, 1 MB single lines and pathologically nested code. chunkFile
// must finish and every chunk must lie within [1, lineCount] with start ≤ end. The scanner gets
// random trees with hostile names and garbage .gitignore patterns and must account for each file.
// (test/unit/server/chunkProperty.test.ts covers short random bytes and code-like soup.)

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { chunkFileWithReport, DEFAULT_LIMITS, type ChunkLimits } from '../../../src/server/chunk/index';
import { decodeText } from '../../../src/server/chunk/decode';
import { scanWorkspace } from '../../../src/server/scan/scanner';
import { fuzzParams, repoRoot } from './fuzzConfig';

const WORKSPACE = path.join(repoRoot(), 'test', 'fixtures', 'workspace');
const SOURCES = ['src/constants.ts', 'src/util.py', 'src/math.ts', 'web/src/app.js', 'cmd/main.go', 'README.md', 'docs/guide.md', 'docs/unsafe.md']
  .map((rel) => ({ rel, bytes: fs.readFileSync(path.join(WORKSPACE, rel)) }));
/** The same bytes under other languages' names, so every chunker sees every file. */
const NAMES = ['x.ts', 'x.tsx', 'x.js', 'x.py', 'x.go', 'x.rs', 'x.java', 'x.c', 'x.cpp', 'x.rb', 'x.php', 'x.md', 'x.rst', 'x.txt', 'x.json', 'Makefile'];
const SMALL: ChunkLimits = { maxChars: 200, maxLines: 8, windowLines: 6, overlapLines: 2 };

async function checkChunks(relPath: string, bytes: Buffer, limits: ChunkLimits = DEFAULT_LIMITS): Promise<number> {
  const lineCount = decodeText(bytes).lines.length;
  const { chunks } = await chunkFileWithReport({ absPath: `/ws/${relPath}`, relPath, folder: 'ws', bytes }, limits);
  for (const c of chunks) {
    const where = `${relPath} (${bytes.length} bytes): chunk ${c.startLine}-${c.endLine} of ${lineCount} lines`;
    assert.ok(Number.isInteger(c.startLine) && Number.isInteger(c.endLine), where);
    assert.ok(c.startLine >= 1 && c.startLine <= c.endLine && c.endLine <= lineCount, where);
    assert.ok(c.text.length <= limits.maxChars, `${where}: ${c.text.length} chars over ${limits.maxChars}`);
  }
  return chunks.length;
}

type Encoding = 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be' | 'latin1';
function encode(text: string, how: Encoding): Buffer {
  switch (how) {
    case 'utf8': return Buffer.from(text, 'utf8');
    case 'utf8bom': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'latin1': return Buffer.from(text, 'latin1'); // not UTF-8: every byte over 0x7f is invalid
  }
}

const fileVariant = fc.record({
  source: fc.nat({ max: SOURCES.length - 1 }),
  name: fc.constantFrom(...NAMES, 'same'),
  breaks: fc.constantFrom('lf', 'crlf', 'cr', 'mixed'),
  encoding: fc.constantFrom<Encoding>('utf8', 'utf8bom', 'utf16le', 'utf16be', 'latin1'),
  cutAt: fc.double({ min: 0, max: 1, noNaN: true }),
  garbage: fc.option(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }), { nil: undefined }),
  small: fc.boolean(),
});

describe('chunker fuzz', () => {
  it('fixture sources cut, re-encoded and corrupted: chunks stay within the file', async () => {
    await fc.assert(
      fc.asyncProperty(fileVariant, async (v) => {
        const src = SOURCES[v.source];
        let text = src.bytes.toString('utf8');
        if (v.breaks === 'crlf') text = text.replace(/\n/g, '\r\n');
        else if (v.breaks === 'cr') text = text.replace(/\n/g, '\r');
        else if (v.breaks === 'mixed') text = text.replace(/\n/g, (_, i: number) => ['\n', '\r\n', '\r'][i % 3]);
        let bytes = encode(text, v.encoding);
        bytes = bytes.subarray(0, Math.floor(v.cutAt * (bytes.length + 1))); // may split a character
        if (v.garbage) {
          const at = Math.floor(v.garbage.at * bytes.length);
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(v.garbage.bytes), bytes.subarray(at)]);
        }
        await checkChunks(v.name === 'same' ? src.rel : v.name, bytes, v.small ? SMALL : DEFAULT_LIMITS);
      }),
      fuzzParams(2718, 200),
    );
  });

  it('zero-byte, BOM-only, break-only and NUL files give no chunks or in-range ones', async () => {
    const odd = [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff, 0x00]),
      Buffer.from('\n'), Buffer.from('\r\n\r\n'), Buffer.from('\r'.repeat(1000)), Buffer.alloc(1000, 0), Buffer.from([0xff]), Buffer.from('\u2028\u2029\u0085')];
    for (const name of NAMES) for (const bytes of odd) await checkChunks(name, bytes);
  });

  it('a 1 MB single line is chunked within the size cap', async () => {
    const line = 'let a = 1; '.repeat(100_000).slice(0, 1_000_000);
    for (const name of ['x.ts', 'x.py', 'x.md', 'x.txt']) {
      const n = await checkChunks(name, Buffer.from(line));
      assert.ok(n >= 1, `${name}: a 1 MB line gave no chunks`);
    }
    // A 1 MB line of multi-byte characters, and one of a single emoji split by the size cap.
    await checkChunks('x.txt', Buffer.from('é'.repeat(500_000)));
    await checkChunks('x.md', Buffer.from('😀'.repeat(250_000)));
  });

  it('deeply nested code terminates and stays within the file', async () => {
    const depth = 5_000;
    const cases: Array<[string, string]> = [
      ['x.ts', `${'function f() {\n'.repeat(depth)}return 1;\n${'}\n'.repeat(depth)}`],
      ['x.ts', `const x = ${'['.repeat(depth)}${']'.repeat(depth)};\n`],
      ['x.js', `${'{'.repeat(depth * 4)}\n`],
      ['x.py', Array.from({ length: 500 }, (_, i) => `${' '.repeat(i)}def f${i}():`).join('\n') + `\n${' '.repeat(500)}pass\n`],
      ['x.py', `x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`],
      ['x.go', `package m\n${'func f() {\n'.repeat(depth)}${'}\n'.repeat(depth)}`],
      ['x.md', Array.from({ length: depth }, (_, i) => `${'#'.repeat((i % 6) + 1)} h${i}\n${'> '.repeat(i % 50)}text`).join('\n')],
      ['x.rst', Array.from({ length: 2000 }, (_, i) => `T${i}\n${'=-~^"'[i % 5].repeat(3 + (i % 4))}\n`).join('\n')],
      ['x.c', `${'#if A\n'.repeat(depth)}int x;\n${'#endif\n'.repeat(depth)}`],
    ];
    for (const [name, text] of cases) await checkChunks(name, Buffer.from(text), SMALL);
  });
});

describe('scanner fuzz', () => {
  const nameUnit = fc.constantFrom('a', 'B', 'é', '😀', ' ', '-', '.', '_', '#', '!', '[', '*', '\\', '(', '~', '%20');
  const fileName = fc.tuple(fc.string({ unit: nameUnit, minLength: 1, maxLength: 8 }), fc.constantFrom('', '.ts', '.py', '.md', '.png', '.bin', '.txt', '.gitignore'))
    .map(([b, e]) => `${b}${e}`)
    .filter((n) => n !== '.' && n !== '..' && !n.includes('/'));
  const content = fc.oneof(
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.constant(Buffer.alloc(0)),
  );
  const ignoreLine = fc.oneof(
    fc.string({ unit: fc.constantFrom('*', '**', '/', '!', '[', ']', '\\', 'a', '.', '#', ' ', '?', '{', '}', 'é'), maxLength: 10 }),
    fc.constantFrom('*.ts', '!keep.ts', '/a', 'a/', '**/b', '[z-a]', '\\', '!', '#', '[', '***'),
  );
  const tree = fc.array(fc.record({ dir: fc.constantFrom('', 'd', 'd/e', 'd/e/f', 'ÉÉ', 'node_modules', '.git'), name: fileName, bytes: content }), { maxLength: 12 });

  it('random trees with hostile names and garbage ignore rules: every file accounted for, chunking never throws', async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.array(ignoreLine, { maxLength: 4 }), fc.array(fc.string({ unit: nameUnit, maxLength: 6 }), { maxLength: 2 }), async (files, rules, exclude) => {
        const root = await mkdtemp(path.join(tmpdir(), 'loupe-fuzz-scan-'));
        try {
          const written = new Set<string>();
          for (const f of files) {
            const rel = f.dir ? `${f.dir}/${f.name}` : f.name;
            if ([...written].some((w) => w.startsWith(`${rel}/`) || rel.startsWith(`${w}/`))) continue; // file vs directory clash
            await mkdir(path.join(root, f.dir), { recursive: true });
            await writeFile(path.join(root, rel), f.bytes);
            written.add(rel);
          }
          await writeFile(path.join(root, '.gitignore'), rules.join('\n'));
          written.add('.gitignore');
          const result = await scanWorkspace([{ name: 'ws', absPath: root }], { exclude, maxFileSize: 300 });
          const seen = new Set(result.files.map((f) => f.relPath));
          assert.equal(seen.size, result.files.length, 'a file was listed twice');
          for (const f of result.files) {
            assert.ok(written.has(f.relPath), `listed a file that was not written: ${f.relPath}`);
            const bytes = fs.readFileSync(f.absPath);
            await checkChunks(f.relPath, bytes, SMALL);
          }
          // Every file is listed or counted under a skip reason. A skipped directory (node_modules,
          // .git, or one an ignore rule names) counts once, whatever it holds.
          const isSkipDir = (w: string): boolean => /(^|\/)(node_modules|\.git)\//.test(w);
          const walked = [...written].filter((w) => !isSkipDir(w));
          const skipDirs = new Set([...written].filter(isSkipDir).map((w) => /^(.*?(node_modules|\.git))\//.exec(w)?.[1]));
          const skipped = Object.values(result.skipped).reduce((a, b) => a + b, 0);
          const counted = result.files.length + skipped;
          const summary = `listed ${result.files.length} + skipped ${JSON.stringify(result.skipped)} of ${JSON.stringify([...written])}`;
          if (rules.length === 0 && exclude.length === 0) assert.equal(counted, walked.length + skipDirs.size, summary);
          else assert.ok(counted <= walked.length + skipDirs.size + 6 && (walked.length === 0 || counted > 0), summary);
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      }),
      fuzzParams(1618, 60),
    );
  });
});

describe('scanner regressions', () => {
  it('a .gitignore line the ignore library cannot compile is skipped; the other rules still apply', async () => {
    // Shrunk by the scanner fuzz: the line `\\[` made every later path test throw a SyntaxError.
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-fuzz-gitignore-'));
    try {
      await writeFile(path.join(root, '.gitignore'), '\\\\[\n*.log\n[\n');
      await writeFile(path.join(root, 'a.ts'), 'export const a = 1;\n');
      await writeFile(path.join(root, 'b.log'), 'noise\n');
      const result = await scanWorkspace([{ name: 'ws', absPath: root }]);
      assert.deepEqual(result.files.map((f) => f.relPath).sort(), ['.gitignore', 'a.ts']);
      assert.equal(result.skipped.gitignore, 1);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
