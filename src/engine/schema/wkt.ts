// GEOMETRY values as Well-Known Text (OGC simple features, 2-D): POINT, LINESTRING, POLYGON, their
// MULTI forms and GEOMETRYCOLLECTION, each possibly EMPTY. Rows are checked by parsing, and kept in
// one normal spelling ("POINT (1 2)", upper-case, one space after the type, as Milvus answers).

export type Position = [number, number];

export type Geometry =
  | { type: 'POINT'; coords: Position | null }
  | { type: 'LINESTRING'; coords: Position[] }
  | { type: 'POLYGON'; coords: Position[][] }
  | { type: 'MULTIPOINT'; coords: Position[] }
  | { type: 'MULTILINESTRING'; coords: Position[][] }
  | { type: 'MULTIPOLYGON'; coords: Position[][][] }
  | { type: 'GEOMETRYCOLLECTION'; geometries: Geometry[] };

class WktError extends Error {}

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  private skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  fail(what: string): never {
    throw new WktError(`${what} at character ${this.pos + 1}`);
  }

  word(): string {
    this.skip();
    const m = /^[A-Za-z]+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a geometry type');
    this.pos += m[0].length;
    return m[0].toUpperCase();
  }

  peekEmpty(): boolean {
    this.skip();
    if (/^EMPTY\b/i.test(this.text.slice(this.pos))) {
      this.pos += 5;
      return true;
    }
    return false;
  }

  take(ch: string): void {
    this.skip();
    if (this.text[this.pos] !== ch) this.fail(`expected "${ch}"`);
    this.pos++;
  }

  maybe(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  number(): number {
    this.skip();
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a number');
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.fail('coordinate is not finite');
    return n;
  }

  end(): void {
    this.skip();
    if (this.pos !== this.text.length) this.fail('unexpected text after the geometry');
  }
}

/** Parses WKT; throws an Error whose message says what and where. */
export function parseWkt(text: string): Geometry {
  const r = new Reader(text);
  try {
    const g = geometry(r);
    r.end();
    return g;
  } catch (e) {
    if (e instanceof WktError) throw new Error(`${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)} is not WKT: ${e.message}`);
    throw e;
  }
}

function geometry(r: Reader): Geometry {
  const type = r.word();
  switch (type) {
    case 'POINT':
      return { type, coords: r.peekEmpty() ? null : wrapped(r, () => position(r)) };
    case 'LINESTRING':
    case 'MULTIPOINT':
      return { type, coords: r.peekEmpty() ? [] : list(r, () => (type === 'MULTIPOINT' && r.maybe('(') ? closeAfter(r, position(r)) : position(r))) };
    case 'POLYGON':
    case 'MULTILINESTRING':
      return { type, coords: r.peekEmpty() ? [] : list(r, () => ring(r, type === 'POLYGON')) };
    case 'MULTIPOLYGON':
      return { type, coords: r.peekEmpty() ? [] : list(r, () => list(r, () => ring(r, true))) };
    case 'GEOMETRYCOLLECTION':
      return { type, geometries: r.peekEmpty() ? [] : list(r, () => geometry(r)) };
    default:
      return r.fail(`unknown geometry type ${type}`);
  }
}

function position(r: Reader): Position {
  return [r.number(), r.number()];
}

function wrapped<T>(r: Reader, inner: () => T): T {
  r.take('(');
  const v = inner();
  r.take(')');
  return v;
}

function closeAfter<T>(r: Reader, v: T): T {
  r.take(')');
  return v;
}

function list<T>(r: Reader, item: () => T): T[] {
  r.take('(');
  const out = [item()];
  while (r.maybe(',')) out.push(item());
  r.take(')');
  return out;
}

function ring(r: Reader, closed: boolean): Position[] {
  const pts = list(r, () => position(r));
  if (closed) {
    if (pts.length < 4) r.fail('a polygon ring needs at least 4 points');
    const [a, b] = [pts[0], pts[pts.length - 1]];
    if (a[0] !== b[0] || a[1] !== b[1]) r.fail('a polygon ring must end where it starts');
  } else if (pts.length < 2) r.fail('a line needs at least 2 points');
  return pts;
}

/** The normal spelling of a geometry. */
export function formatWkt(g: Geometry): string {
  const pos = (p: Position): string => `${p[0]} ${p[1]}`;
  const seq = (ps: Position[]): string => `(${ps.map(pos).join(', ')})`;
  const empty = (t: string): string => `${t} EMPTY`;
  switch (g.type) {
    case 'POINT':
      return g.coords ? `POINT (${pos(g.coords)})` : empty(g.type);
    case 'LINESTRING':
    case 'MULTIPOINT':
      return g.coords.length ? `${g.type} ${seq(g.coords)}` : empty(g.type);
    case 'POLYGON':
    case 'MULTILINESTRING':
      return g.coords.length ? `${g.type} (${g.coords.map(seq).join(', ')})` : empty(g.type);
    case 'MULTIPOLYGON':
      return g.coords.length ? `MULTIPOLYGON (${g.coords.map((p) => `(${p.map(seq).join(', ')})`).join(', ')})` : empty(g.type);
    case 'GEOMETRYCOLLECTION':
      return g.geometries.length ? `GEOMETRYCOLLECTION (${g.geometries.map(formatWkt).join(', ')})` : empty(g.type);
  }
}

/** The normal spelling of WKT text, or a message saying what is wrong with it. */
export function normalizeWkt(text: string): { value: string } | { error: string } {
  try {
    return { value: formatWkt(parseWkt(text)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
