// LIKE patterns: `%` matches any run of characters (also none), `_` exactly one character
// (a Unicode code point), and `\%`, `\_`, `\\` match themselves. The whole string must match.
// Common shapes (exact, prefix, suffix, infix) use string methods; the rest a two-pointer
// wildcard matcher that backtracks only to the last `%`, so no pattern can blow up (no RegExp).

type Piece = { any: true } | { any: false; one: boolean; ch: string };

export function compileLike(pattern: string): (s: string) => boolean {
  const pieces = parsePattern(pattern);
  const literal = (p: Piece): boolean => !p.any && !p.one;
  const text = (ps: Piece[]): string => ps.map((p) => (p.any ? '' : p.ch)).join('');
  const n = pieces.length;
  if (pieces.every(literal)) {
    const whole = text(pieces);
    return (s) => s === whole;
  }
  const inner = (from: number, to: number): boolean => pieces.slice(from, to).every(literal);
  if (pieces[n - 1].any && inner(0, n - 1)) {
    const prefix = text(pieces);
    return (s) => s.startsWith(prefix);
  }
  if (pieces[0].any && inner(1, n)) {
    const suffix = text(pieces);
    return (s) => s.endsWith(suffix);
  }
  if (n >= 2 && pieces[0].any && pieces[n - 1].any && inner(1, n - 1)) {
    const middle = text(pieces);
    return (s) => s.includes(middle);
  }
  return (s) => wildcardMatch(s, pieces);
}

function parsePattern(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length && '%_\\'.includes(pattern[i + 1])) {
      pieces.push({ any: false, one: false, ch: pattern[++i] });
    } else if (c === '%') {
      // Consecutive `%` mean the same as one.
      if (!(pieces.length > 0 && pieces[pieces.length - 1].any)) pieces.push({ any: true });
    } else if (c === '_') {
      pieces.push({ any: false, one: true, ch: '' });
    } else {
      pieces.push({ any: false, one: false, ch: c });
    }
  }
  return pieces;
}

/** Width in UTF-16 units of the code point at i. */
function width(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

function wildcardMatch(s: string, pieces: Piece[]): boolean {
  let i = 0;
  let p = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const piece = pieces[p];
    if (piece !== undefined && !piece.any && (piece.one || piece.ch === s[i])) {
      i += piece.one ? width(s, i) : 1;
      p++;
    } else if (piece !== undefined && piece.any) {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      // Let the last `%` swallow one more character and retry from there.
      starI += width(s, starI);
      i = starI;
      p = starP + 1;
    } else {
      return false;
    }
  }
  while (p < pieces.length && pieces[p].any) p++;
  return p === pieces.length;
}
