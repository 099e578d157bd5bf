// Line windows with overlap, capped by lines and by characters. A line longer than the cap (a
// minified bundle, a 1 MB CSV row) is cut into pieces that all carry that line's number.

export interface LineWindow {
  /** 1-based inclusive. */
  startLine: number;
  endLine: number;
  body: string;
}

export interface WindowShape {
  /** Most characters in a window's body (lines joined with '\n'). */
  maxChars: number;
  windowLines: number;
  overlapLines: number;
}

/** Windows over lines[from-1 .. to-1] (1-based, inclusive). */
export function lineWindows(lines: readonly string[], from: number, to: number, shape: WindowShape): LineWindow[] {
  const budget = Math.max(1, shape.maxChars);
  const maxLines = Math.max(1, shape.windowLines);
  const out: LineWindow[] = [];
  let start = from;
  while (start <= to) {
    const first = lines[start - 1] ?? '';
    if (first.length > budget) {
      for (const piece of splitLongLine(first, budget)) out.push({ startLine: start, endLine: start, body: piece });
      start++;
      continue;
    }
    let end = start;
    let chars = first.length;
    while (end < to && end - start + 1 < maxLines && chars + 1 + lines[end].length <= budget) {
      chars += 1 + lines[end].length;
      end++;
    }
    out.push({ startLine: start, endLine: end, body: lines.slice(start - 1, end).join('\n') });
    if (end >= to) break;
    start = Math.max(start + 1, end + 1 - overlapFor(lines, start, end, shape.overlapLines, budget));
  }
  return out;
}

/**
 * How many trailing lines of [start, end] to repeat in the next window: at most a quarter of
 * this window, and only as many as leave room for the next new line.
 */
function overlapFor(lines: readonly string[], start: number, end: number, overlapLines: number, budget: number): number {
  let overlap = Math.min(overlapLines, Math.floor((end - start + 1) / 4));
  const next = lines[end]?.length ?? 0;
  let chars = 0;
  for (let i = 0; i < overlap; i++) chars += lines[end - 1 - i].length + 1;
  while (overlap > 0 && chars + next > budget) {
    chars -= lines[end - overlap].length + 1;
    overlap--;
  }
  return overlap;
}

/** Cuts one line into pieces of at most `budget` chars, preferring whitespace, never inside a surrogate pair. */
export function splitLongLine(line: string, budget: number): string[] {
  const pieces: string[] = [];
  let at = 0;
  while (at < line.length) {
    let end = Math.min(line.length, at + budget);
    if (end < line.length) {
      const space = line.lastIndexOf(' ', end - 1);
      if (space > at + budget * 0.75) end = space + 1;
      const code = line.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff && end - 1 > at) end--;
    }
    pieces.push(line.slice(at, end));
    at = end;
  }
  return pieces;
}
