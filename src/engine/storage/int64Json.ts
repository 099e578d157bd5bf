// JSON for stored rows that may hold bigint (INT64 beyond 2^53, schema/int64.ts): a bigint is
// written as {"$int64":"<digits>"} and read back as a bigint. Text without that key parses as
// plain JSON, at plain JSON's speed.

const KEY = '$int64';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { [KEY]: value.toString() } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o[KEY] === 'string' && Object.keys(o).length === 1) return BigInt(o[KEY] as string);
  }
  return value;
}

export function stringifyRows(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function parseRows(text: string): unknown {
  return text.includes(`"${KEY}"`) ? JSON.parse(text, reviver) : JSON.parse(text);
}
