// Property: whatever the bytes, chunkFile returns chunks whose lines lie within the file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkFile, type ChunkLimits } from '../../../src/server/chunk/index';
import { decodeText } from '../../../src/server/chunk/decode';

const NAMES = ['a.ts', 'a.py', 'a.go', 'a.rs', 'a.c', 'a.rb', 'a.md', 'a.rst', 'a.txt', 'a.java', 'a.php', 'noext'];
const SMALL: ChunkLimits = { maxChars: 120, maxLines: 6, windowLines: 5, overlapLines: 2 };

/** Text that looks a bit like code and markup: keywords, brackets, headings, fences, line breaks. */
const codeish = fc
  .array(
    fc.oneof(
      fc.constantFrom('def ', 'class ', 'function ', 'fn ', 'func ', '{', '}', '(', ')', ':', ';', '# ', '## ', '```', '===', '---', 'end', '\n', '\r\n', '\r', '    ', '\t', '\ufeff', '<?php '),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

async function checkChunks(relPath: string, bytes: Buffer, limits?: ChunkLimits): Promise<void> {
  const lineCount = decodeText(bytes).lines.length;
  const chunks = await chunkFile({ absPath: `/ws/${relPath}`, relPath, folder: 'ws', bytes }, limits);
  for (const c of chunks) {
    assert.ok(Number.isInteger(c.startLine) && Number.isInteger(c.endLine));
    assert.ok(c.startLine >= 1 && c.startLine <= c.endLine && c.endLine <= lineCount, `${relPath}: ${c.startLine}-${c.endLine} of ${lineCount}`);
    assert.ok(c.text.length <= (limits ?? { maxChars: 1500 }).maxChars, `${relPath}: ${c.text.length} chars`);
  }
}

test('random bytes never make chunkFile throw; every chunk lies within the file', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...NAMES), fc.uint8Array({ maxLength: 600 }), async (name, bytes) => {
      await checkChunks(name, Buffer.from(bytes));
    }),
    { numRuns: 150 },
  );
});

test('random code-like text, default and small limits: chunks within the file and the size cap', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...NAMES), codeish, fc.boolean(), async (name, text, small) => {
      await checkChunks(name, Buffer.from(text), small ? SMALL : undefined);
    }),
    { numRuns: 200 },
  );
});
