// TIMESTAMPTZ (Milvus 2.6): an instant given as ISO-8601 text with or without an offset (no offset
// means UTC, Milvus's default time zone). The engine keeps one normal form, UTC with exactly six
// fraction digits ("2025-01-02T00:00:00.000000Z"): fixed width, so comparing two normal forms as
// strings orders them in time, and segment files store it as int64 microseconds.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
/** 0001-01-01 .. 9999-12-31, the range a four-digit year writes. */
const MIN_MICROS = -62135596800000 * 1000; // 0001-01-01T00:00:00Z
const MAX_MICROS = 253402300799999 * 1000 + 999; // 9999-12-31T23:59:59.999999Z

/** Microseconds since 1970-01-01T00:00:00Z, or a message saying what is wrong with `text`. */
export function parseTimestamptz(text: string): number | string {
  const m = ISO.exec(text.trim());
  if (!m) return `${JSON.stringify(text)} is not an ISO-8601 time (e.g. 2025-01-02T15:04:05+08:00)`;
  const [Y, M, D, H, N, S] = m.slice(1, 7).map((v) => Number(v ?? '0'));
  const ms = Date.UTC(Y, M - 1, D, H, N, S);
  const back = new Date(ms);
  // Date.UTC maps years 0..99 to 1900..1999; set the year again so 0001..0099 mean what they say.
  back.setUTCFullYear(Y);
  if (back.getUTCMonth() !== M - 1 || back.getUTCDate() !== D || H > 23 || N > 59 || S > 59) {
    return `${JSON.stringify(text)} is not a valid date and time`;
  }
  const fraction = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  let micros = back.getTime() * 1000 + Number(fraction);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = Number(digits.slice(2) || '0');
    if (offH > 23 || offM > 59) return `${JSON.stringify(text)} has an invalid UTC offset ${zone}`;
    micros -= sign * (offH * 60 + offM) * 60_000_000;
  }
  if (micros < MIN_MICROS || micros > MAX_MICROS) return `${JSON.stringify(text)} is outside years 0001..9999`;
  return micros;
}

/** The normal form of an instant given in microseconds since the epoch (UTC). */
export function formatTimestamptz(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const sub = String(micros - ms * 1000).padStart(3, '0');
  return `${iso.slice(0, 23)}${sub}Z`;
}

/** The normal form of ISO text, or a message saying what is wrong with it. */
export function normalizeTimestamptz(text: string): { value: string } | { error: string } {
  const micros = parseTimestamptz(text);
  return typeof micros === 'string' ? { error: micros } : { value: formatTimestamptz(micros) };
}

/** Microseconds of a value in normal form (as the engine stores it). */
export function timestamptzMicros(normal: string): number {
  const micros = parseTimestamptz(normal);
  if (typeof micros === 'string') throw new Error(`not a stored Timestamptz: ${micros}`);
  return micros;
}
