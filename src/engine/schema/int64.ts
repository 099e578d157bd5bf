// INT64 values, exactly. A value that is a safe integer (|n| ≤ 2^53 − 1) is a JS number, as
// before; a larger one is a bigint, so ids and counters from other systems (the SDK sends int64 as
// decimal text) are kept to the last digit instead of rounded. Primary keys stay safe integers.
// JSON cannot hold a bigint: storage writes one as {"$int64": "<digits>"} (see int64Json).

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** The normal form of an int64 given as a number, bigint or decimal text; or a message why not. */
export function toInt64(v: unknown): number | bigint | string {
  let b: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return `${v} is not an integer`;
    if (Number.isSafeInteger(v)) return v;
    // A double beyond 2^53 has already lost its low digits; Milvus would take it as it is.
    b = BigInt(v);
  } else if (typeof v === 'bigint') {
    b = v;
  } else if (typeof v === 'string' && /^[+-]?\d{1,20}$/.test(v.trim())) {
    b = BigInt(v.trim());
  } else {
    return `${typeof v === 'string' ? JSON.stringify(v) : typeof v} is not an integer`;
  }
  if (b < INT64_MIN || b > INT64_MAX) return `${b} is out of range for Int64 [${INT64_MIN}, ${INT64_MAX}]`;
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}
