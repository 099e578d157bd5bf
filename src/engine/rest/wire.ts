// Reading Milvus REST v2 request bodies: typed field access that fails with Milvus's own codes
// and a message naming the field (`search[1].limit`), never with a crash deep in the engine.
//
// Milvus's server is Go, whose JSON decoding matches keys case-insensitively (`autoId`, `autoID`
// and `autoid` are one key); clients rely on that, so `get` falls back to a case-insensitive match.

/** Milvus's error codes for its REST front door (pkg/util/merr). */
export const RestCode = {
  Success: 0,
  DatabaseNotFound: 800,
  NeedAuthenticate: 1800,
  /** "can only accept json format request": malformed JSON or a value of the wrong type. */
  IncorrectParameterFormat: 1801,
  MissingRequiredParameters: 1802,
  InvalidInsertData: 1804,
  CheckPrimaryKey: 1806,
  NotFound: 404,
  PayloadTooLarge: 413,
  Unexpected: 65535,
} as const;

export class RestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** HTTP status; Milvus answers 200 for everything but auth and transport problems. */
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export function wrongType(path: string, expected: string, got: unknown): RestError {
  return new RestError(
    RestCode.IncorrectParameterFormat,
    `can only accept json format request: ${path} must be ${expected}, got ${describe(got)}`,
  );
}

export function missing(path: string, expected: string): RestError {
  return new RestError(RestCode.MissingRequiredParameters, `missing required parameters: ${path} (${expected})`);
}

/** A short account of a wire value for an error message (never the whole value: it may be huge or deep). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${typeof v} ${s.slice(0, 40)}…` : `${typeof v} ${s}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object from the wire with the path it was found at, for error messages. */
export class WireObject {
  constructor(
    readonly value: Record<string, unknown>,
    /** '' for the request body, else e.g. `schema.fields[2]`. */
    readonly path = '',
  ) {}

  static of(v: unknown, path: string): WireObject {
    if (!isPlainObject(v)) throw wrongType(path || 'the request body', 'a JSON object', v);
    return new WireObject(v, path);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** The value under `key`, or under a key equal to it ignoring case (as Go decodes). */
  get(key: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.value, key)) return this.value[key];
    const lower = key.toLowerCase();
    for (const k of Object.keys(this.value)) if (k.toLowerCase() === lower) return this.value[k];
    return undefined;
  }

  /** Present and not null. */
  has(key: string): boolean {
    const v = this.get(key);
    return v !== undefined && v !== null;
  }

  str(key: string): string {
    const v = this.get(key);
    if (v === undefined || v === null || v === '') throw missing(this.at(key), 'a non-empty string');
    if (typeof v !== 'string') throw wrongType(this.at(key), 'a string', v);
    return v;
  }

  optStr(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw wrongType(this.at(key), 'a string', v);
    return v;
  }

  optBool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw wrongType(this.at(key), 'true or false', v);
    return v;
  }

  optNum(key: string): number | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(this.at(key), 'a number', v);
    return v;
  }

  optInt(key: string): number | undefined {
    const v = this.optNum(key);
    if (v !== undefined && !Number.isInteger(v)) throw wrongType(this.at(key), 'an integer', v);
    return v;
  }

  /** Type parameters (`elementTypeParams`, index `params`) may be numbers or numeric strings. */
  optNumeric(key: string): number | undefined {
    const v = this.get(key);
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw wrongType(this.at(key), 'a number', v);
    return n;
  }

  /** Booleans that Milvus also accepts as "true"/"false" strings (type params). */
  optBoolish(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw wrongType(this.at(key), 'true or false', v);
  }

  obj(key: string): WireObject {
    const v = this.get(key);
    if (v === undefined || v === null) throw missing(this.at(key), 'an object');
    return WireObject.of(v, this.at(key));
  }

  optObj(key: string): WireObject | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    return WireObject.of(v, this.at(key));
  }

  arr(key: string): unknown[] {
    const v = this.get(key);
    if (v === undefined || v === null) throw missing(this.at(key), 'an array');
    if (!Array.isArray(v)) throw wrongType(this.at(key), 'an array', v);
    return v;
  }

  optArr(key: string): unknown[] | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw wrongType(this.at(key), 'an array', v);
    return v;
  }

  optStrArr(key: string): string[] | undefined {
    const a = this.optArr(key);
    if (!a) return undefined;
    a.forEach((s, i) => {
      if (typeof s !== 'string') throw wrongType(`${this.at(key)}[${i}]`, 'a string', s);
    });
    return a as string[];
  }

  /** Each element of an array of objects. */
  objects(key: string, required: boolean): WireObject[] {
    const a = required ? this.arr(key) : this.optArr(key) ?? [];
    return a.map((v, i) => WireObject.of(v, `${this.at(key)}[${i}]`));
  }
}
