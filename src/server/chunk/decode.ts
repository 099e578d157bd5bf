// Bytes to lines. Line numbers must match what an editor shows, so every line break an editor
// counts (CRLF, LF, lone CR) ends a line, and a BOM is dropped without shifting anything.

export interface DecodedText {
  /** The text with line breaks normalized to '\n'. */
  text: string;
  /** `text` split on '\n'; a trailing newline does not add an empty last line. */
  lines: string[];
}

export function decodeText(bytes: Buffer): DecodedText {
  const text = normalizeLineBreaks(decodeBytes(bytes));
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return { text, lines };
}

/** UTF-8 (with or without BOM) or UTF-16 with a BOM; invalid UTF-8 becomes U+FFFD. */
export function decodeBytes(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return decodeUtf16be(bytes.subarray(2));
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start));
}

function decodeUtf16be(bytes: Buffer): string {
  // Swap to little-endian rather than rely on the ICU build having utf-16be.
  const even = bytes.length - (bytes.length % 2);
  const swapped = Buffer.from(bytes.subarray(0, even));
  swapped.swap16();
  return new TextDecoder('utf-16le').decode(swapped);
}

export function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}
