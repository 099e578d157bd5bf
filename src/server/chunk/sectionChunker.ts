// Documents by heading sections: each section is a chunk whose symbol is its heading path
// ("Guide > Install > Linux"); a big section is cut into line windows under the same path.

import type { Chunk } from './types';
import type { Heading } from './headings';
import { chunksForRange, type ChunkSpec, type FileContext } from './makeChunk';

export function chunkByHeadings(ctx: FileContext, headings: readonly Heading[]): Chunk[] {
  const lineCount = ctx.lines.length;
  const specs: ChunkSpec[] = [];
  const first = headings[0]?.line ?? lineCount + 1;
  if (first > 1) specs.push({ kind: 'text', symbol: '', signature: '', startLine: 1, endLine: first - 1 });

  const path: Heading[] = [];
  headings.forEach((heading, i) => {
    while (path.length && path[path.length - 1].level >= heading.level) path.pop();
    path.push(heading);
    const next = headings[i + 1];
    const endLine = (next?.line ?? lineCount + 1) - 1;
    // A heading followed directly by a subheading adds nothing its children's path does not carry.
    if (next && next.level > heading.level && onlyHeading(ctx.lines, heading, endLine)) return;
    specs.push({
      kind: 'section',
      symbol: path.map((h) => h.title).join(' > '),
      signature: ctx.lines[heading.line - 1].trim(),
      startLine: heading.line,
      endLine,
    });
  });
  return specs.flatMap((spec) => chunksForRange(ctx, spec));
}

/** True when the section holds nothing but its title (and its underline or overline). */
function onlyHeading(lines: readonly string[], heading: Heading, end: number): boolean {
  let titleSeen = false;
  for (let i = heading.line - 1; i < end; i++) {
    const line = lines[i].trim();
    if (!line || ADORNMENT.test(line)) continue;
    if (titleSeen) return false;
    titleSeen = true;
  }
  return true;
}

const ADORNMENT = /^([!-/:-@[-`{-~])\1+$/;
