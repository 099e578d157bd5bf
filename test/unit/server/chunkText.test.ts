// Text chunking: line windows and their bounds, decoding (BOM, CRLF, UTF-16, invalid UTF-8),
// and documents by heading (Markdown, reStructuredText).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chunkFile, type Chunk, type ChunkLimits } from '../../../src/server/chunk/index';
import { fixtureWorkspace } from './workspaceFixture';

async function chunksOf(relPath: string, bytes: Buffer | string, limits?: ChunkLimits): Promise<Chunk[]> {
  return chunkFile({ absPath: `/ws/${relPath}`, relPath, folder: 'ws', bytes: Buffer.from(bytes) }, limits);
}

function ranges(chunks: Chunk[]): Array<[number, number]> {
  return chunks.map((c) => [c.startLine, c.endLine]);
}

test('plain text becomes 40-line windows overlapping by 10, the last ending at the last line', async () => {
  const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const chunks = await chunksOf('notes.txt', text);
  assert.deepEqual(ranges(chunks), [
    [1, 40],
    [31, 70],
    [61, 100],
  ]);
  assert.equal(chunks[0].kind, 'text');
  assert.equal(chunks[0].language, 'plaintext');
  assert.equal(chunks[1].text, `notes.txt\n${Array.from({ length: 40 }, (_, i) => `line ${i + 31}`).join('\n')}`);
});

test('windows are capped by characters too', async () => {
  const text = Array.from({ length: 30 }, (_, i) => `${i + 1} ${'x'.repeat(198)}`).join('\n');
  const chunks = await chunksOf('wide.txt', text);
  for (const c of chunks) assert.ok(c.text.length <= 1500, `${c.text.length} chars`);
  assert.equal(chunks[0].startLine, 1);
  assert.equal(chunks[chunks.length - 1].endLine, 30);
  for (let i = 1; i < chunks.length; i++) {
    assert.ok(chunks[i].startLine <= chunks[i - 1].endLine + 1, 'no line is left out');
    assert.ok(chunks[i].startLine > chunks[i - 1].startLine, 'windows move forward');
  }
});

test('a 1 MB single-line file becomes many chunks, each within the size cap, all on line 1', async () => {
  const line = 'const lorem = "ipsum dolor sit amet"; '.repeat(30_000).slice(0, 1_000_000);
  assert.equal(line.length, 1_000_000);
  const chunks = await chunksOf('bundle.min.txt', line);
  assert.ok(chunks.length >= 667, `${chunks.length} chunks`);
  let covered = 0;
  for (const c of chunks) {
    assert.ok(c.text.length <= 1500);
    assert.equal(c.startLine, 1);
    assert.equal(c.endLine, 1);
    covered += c.text.length - 'bundle.min.txt\n'.length;
  }
  assert.equal(covered, line.length, 'the pieces add up to the whole line');
});

test('CRLF and a UTF-8 BOM do not shift line numbers', async () => {
  const source = '\ufeffimport os\r\n\r\n\r\ndef first():\r\n    return 1\r\n\r\n\r\ndef second():\r\n    return 2\r\n';
  const chunks = await chunksOf('crlf.py', source);
  assert.deepEqual(
    chunks.map((c) => [c.symbol, c.startLine, c.endLine]),
    [
      ['', 1, 1],
      ['first', 4, 5],
      ['second', 8, 9],
    ],
  );
  assert.ok(!chunks.some((c) => c.text.includes('\r') || c.text.includes('\ufeff')));
});

test('a lone CR counts as a line break, as in the editor', async () => {
  const chunks = await chunksOf('old-mac.txt', 'one\rtwo\rthree');
  assert.deepEqual(ranges(chunks), [[1, 3]]);
  assert.equal(chunks[0].text, 'old-mac.txt\none\ntwo\nthree');
});

test('UTF-16 files with a BOM are decoded', async () => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# Title\r\n\r\nSome text.\r\n', 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16(); // BOM becomes FE FF, text big-endian
  for (const bytes of [le, be]) {
    const chunks = await chunksOf('wide.md', bytes);
    assert.deepEqual(
      chunks.map((c) => [c.symbol, c.startLine, c.endLine, c.text]),
      [['Title', 1, 3, 'wide.md: Title\n# Title\n\nSome text.']],
    );
  }
});

test('invalid UTF-8 becomes replacement characters, nothing is thrown', async () => {
  const bytes = Buffer.concat([Buffer.from('good line\n'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80]), Buffer.from('\nafter\n')]);
  const chunks = await chunksOf('mixed.txt', bytes);
  assert.deepEqual(ranges(chunks), [[1, 3]]);
  assert.ok(chunks[0].text.includes('\ufffd'));
  assert.ok(chunks[0].text.endsWith('after'));
});

test('empty and blank files give no chunks', async () => {
  assert.deepEqual(await chunksOf('empty.ts', Buffer.alloc(0)), []);
  assert.deepEqual(await chunksOf('empty.md', ''), []);
  assert.deepEqual(await chunksOf('blank.txt', '\n\n   \n'), []);
});

test('markdown sections carry their heading path; a fence is not a heading', async () => {
  const root = fixtureWorkspace();
  const bytes = fs.readFileSync(path.join(root, 'docs/guide.md'));
  const chunks = await chunksOf('docs/guide.md', bytes);
  assert.deepEqual(
    chunks.map((c) => [c.kind, c.symbol, c.startLine, c.endLine]),
    [
      ['section', 'Guide', 1, 4],
      ['section', 'Guide > Install > Linux', 7, 15],
      ['section', 'Guide > Install > macOS', 16, 19],
      ['section', 'Guide > Usage', 20, 23],
      ['section', 'Guide > Troubleshooting', 24, 27],
    ],
  );
  assert.ok(chunks[1].text.startsWith('docs/guide.md: Guide > Install > Linux\n### Linux\n'));
  assert.ok(chunks[1].text.includes('# this comment is not a heading'));
  assert.equal(chunks[4].signature, 'Troubleshooting');
});

test('markdown: text before the first heading, front matter, ~~~ fences and big sections', async () => {
  const big = Array.from({ length: 90 }, (_, i) => `Paragraph line ${i + 1}.`).join('\n');
  const source = ['---', 'title: Notes', '---', 'Intro text.', '', '# Top', '~~~', '# fenced', '~~~', '', '## Big', big].join('\n');
  const chunks = await chunksOf('notes.md', source);
  assert.deepEqual(
    chunks.map((c) => [c.kind, c.symbol, c.startLine, c.endLine]),
    [
      ['text', '', 1, 5],
      ['section', 'Top', 6, 10],
      ['section', 'Top > Big', 11, 50],
      ['section', 'Top > Big', 41, 80],
      ['section', 'Top > Big', 71, 101],
    ],
  );
});

test('reStructuredText sections by underline style, levels in order of first use', async () => {
  const source = [
    '=====',
    'Title',
    '=====',
    '',
    'Intro.',
    '',
    'Install',
    '-------',
    '',
    'Run pip.',
    '',
    'Linux',
    '~~~~~',
    '',
    'Use apt.',
    '',
    'Usage',
    '-----',
    '',
    'Call it.',
  ].join('\n');
  const chunks = await chunksOf('guide.rst', source);
  assert.deepEqual(
    chunks.map((c) => [c.symbol, c.startLine, c.endLine]),
    [
      ['Title', 1, 6],
      ['Title > Install', 7, 11],
      ['Title > Install > Linux', 12, 16],
      ['Title > Usage', 17, 20],
    ],
  );
  assert.equal(chunks[0].language, 'restructuredtext');
});

test('raw HTML in markdown is kept as text to search, not interpreted', async () => {
  const root = fixtureWorkspace();
  const chunks = await chunksOf('docs/unsafe.md', fs.readFileSync(path.join(root, 'docs/unsafe.md')));
  assert.equal(chunks.length, 1);
  assert.ok(chunks[0].text.includes('<script>alert(1)</script>'));
  assert.ok(chunks[0].text.includes('<img src=x onerror=alert(1)>'));
});
