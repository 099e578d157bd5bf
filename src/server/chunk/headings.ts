// Headings in Markdown (ATX `#` and setext underlines, ignoring code fences and front matter)
// and in reStructuredText (underlined or over-and-underlined titles, levels by order of first use).

export interface Heading {
  /** 1-based line where the section starts (the title, or an RST overline). */
  line: number;
  /** 1 = top. */
  level: number;
  title: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_1 = /^ {0,3}=+[ \t]*$/;
const SETEXT_2 = /^ {0,3}-+[ \t]*$/;
const LIST_OR_QUOTE = /^ {0,3}([-*+>]|\d{1,9}[.)])(\s|$)/;

export function markdownHeadings(lines: readonly string[]): Heading[] {
  const headings: Heading[] = [];
  let fence: { char: string; length: number } | undefined;
  let i = frontMatterEnd(lines);
  let paragraphLine = false; // previous line is paragraph text that a setext underline can turn into a heading
  for (; i < lines.length; i++) {
    const line = lines[i];
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence.char && fenceMatch[1].length >= fence.length && !fenceMatch[2].trim()) {
        fence = undefined;
      }
      paragraphLine = false;
      continue;
    }
    if (fenceMatch && !(fenceMatch[1][0] === '`' && fenceMatch[2].includes('`'))) {
      fence = { char: fenceMatch[1][0], length: fenceMatch[1].length };
      paragraphLine = false;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      headings.push({ line: i + 1, level: atx[1].length, title: (atx[2] ?? '').trim() });
      paragraphLine = false;
      continue;
    }
    if (paragraphLine && (SETEXT_1.test(line) || SETEXT_2.test(line))) {
      headings.push({ line: i, level: SETEXT_1.test(line) ? 1 : 2, title: lines[i - 1].trim() });
      paragraphLine = false;
      continue;
    }
    paragraphLine = line.trim() !== '' && !/^( {4}|\t)/.test(line) && !LIST_OR_QUOTE.test(line) && !/^\s*</.test(line);
  }
  return headings;
}

/** YAML front matter (--- ... --- at the very top) holds no headings. */
function frontMatterEnd(lines: readonly string[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  for (let i = 1; i < lines.length; i++) if (/^(---|\.\.\.)\s*$/.test(lines[i])) return i + 1;
  return 0;
}

const RST_ADORNMENT = /^([!-/:-@[-`{-~])\1+\s*$/;

export function rstHeadings(lines: readonly string[]): Heading[] {
  const headings: Heading[] = [];
  const styles: string[] = []; // "=" underline only, "==" over and under: level = order of first use
  const levelOf = (style: string): number => {
    if (!styles.includes(style)) styles.push(style);
    return styles.indexOf(style) + 1;
  };
  for (let i = 0; i < lines.length; i++) {
    const over = RST_ADORNMENT.exec(lines[i]);
    const title = lines[i + 1];
    const under = lines[i + 2] !== undefined ? RST_ADORNMENT.exec(lines[i + 2]) : null;
    if (over && under && over[1] === under[1] && title?.trim() && !RST_ADORNMENT.test(title) && isBlankOrStart(lines, i)) {
      headings.push({ line: i + 1, level: levelOf(over[1] + over[1]), title: title.trim() });
      i += 2;
      continue;
    }
    const underline = lines[i + 1] !== undefined ? RST_ADORNMENT.exec(lines[i + 1]) : null;
    const text = lines[i];
    if (
      underline &&
      text.trim() &&
      !/^\s/.test(text) &&
      !RST_ADORNMENT.test(text) &&
      lines[i + 1].trimEnd().length >= Math.min(text.trimEnd().length, 3) &&
      isBlankOrStart(lines, i)
    ) {
      headings.push({ line: i + 1, level: levelOf(underline[1]), title: text.trim() });
      i += 1;
    }
  }
  return headings;
}

function isBlankOrStart(lines: readonly string[], i: number): boolean {
  return i === 0 || lines[i - 1].trim() === '';
}
