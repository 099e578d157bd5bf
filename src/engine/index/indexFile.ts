// The versioned binary file for FLAT and IVF indexes (HNSW uses hnswlib's own format):
//
//   "LOUPEIDX" (8 bytes) | u32 version | u32 index type | u32 metric | u32 dim | body … | u32 crc32
//
// Little-endian throughout. The body is written by each index (params, then typed arrays, each
// prefixed by its element count). The trailing CRC-32 covers every byte before it, so a flipped
// bit or a torn write is reported instead of producing wrong neighbours.

import { open, readFile } from 'node:fs/promises';
import { EngineError, ErrorCode } from '../errors';
import { crc32 } from '../storage/crc32';
import type { IndexType, MetricType } from './types';

export const INDEX_FILE_MAGIC = 'LOUPEIDX';
export const INDEX_FILE_VERSION = 1;

const TYPES: IndexType[] = ['FLAT', 'HNSW', 'IVF_FLAT', 'IVF_PQ'];
// Codes are positions: append only.
const METRICS: MetricType[] = ['L2', 'IP', 'COSINE', 'HAMMING', 'JACCARD'];

export { crc32 };

function storageError(message: string): EngineError {
  return new EngineError(ErrorCode.StorageError, message);
}

export interface IndexFileHeader {
  version: number;
  indexType: IndexType;
  metric: MetricType;
  dim: number;
}

type Numeric = Float32Array | Uint32Array | Int32Array | Uint8Array | Uint16Array;

/** Collects the file as a list of chunks; typed arrays are written without copying. */
export class IndexFileWriter {
  private readonly chunks: Uint8Array[] = [];

  constructor(header: Omit<IndexFileHeader, 'version'>) {
    this.chunks.push(Buffer.from(INDEX_FILE_MAGIC, 'latin1'));
    this.u32(INDEX_FILE_VERSION);
    this.u32(TYPES.indexOf(header.indexType));
    this.u32(METRICS.indexOf(header.metric));
    this.u32(header.dim);
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.chunks.push(b);
    return this;
  }

  f64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.chunks.push(b);
    return this;
  }

  /** Element count, then the raw bytes. */
  array(a: Numeric): this {
    this.u32(a.length);
    this.chunks.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return this;
  }

  async writeTo(file: string): Promise<void> {
    let crc = 0;
    for (const c of this.chunks) crc = crc32(c, crc);
    const tail = Buffer.alloc(4);
    tail.writeUInt32LE(crc);
    const fh = await open(file, 'w');
    try {
      for (const c of [...this.chunks, tail]) await fh.write(c);
    } finally {
      await fh.close();
    }
  }
}

/** Reads a file written by IndexFileWriter; every read is bounds-checked. */
export class IndexFileReader {
  private pos = 0;
  readonly header: IndexFileHeader;

  private constructor(
    private readonly buf: Buffer,
    readonly file: string,
  ) {
    this.header = this.readHeader();
  }

  static async open(file: string): Promise<IndexFileReader> {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (e) {
      throw storageError(`index file ${file}: cannot read (${(e as Error).message})`);
    }
    return new IndexFileReader(buf, file);
  }

  /** True when the file starts with our magic (used to tell our files from hnswlib's). */
  static async hasMagic(file: string): Promise<boolean> {
    const fh = await open(file, 'r');
    try {
      const b = Buffer.alloc(8);
      const { bytesRead } = await fh.read(b, 0, 8, 0);
      return bytesRead === 8 && b.toString('latin1') === INDEX_FILE_MAGIC;
    } finally {
      await fh.close();
    }
  }

  private readHeader(): IndexFileHeader {
    const { buf, file } = this;
    if (buf.length < 8 || buf.toString('latin1', 0, 8) !== INDEX_FILE_MAGIC) {
      throw storageError(`index file ${file}: not a Loupe index file (bad magic)`);
    }
    this.pos = 8;
    const version = this.u32('version');
    if (version > INDEX_FILE_VERSION) {
      throw storageError(
        `index file ${file}: format version ${version} is newer than this Loupe understands (${INDEX_FILE_VERSION}); upgrade Loupe or rebuild the index`,
      );
    }
    if (version < 1) throw storageError(`index file ${file}: invalid format version ${version}`);
    if (buf.length < this.pos + 16) throw storageError(`index file ${file}: truncated header (${buf.length} bytes)`);
    const stored = buf.readUInt32LE(buf.length - 4);
    const actual = crc32(buf.subarray(0, buf.length - 4));
    if (stored !== actual) {
      throw storageError(`index file ${file}: checksum mismatch (file is truncated or corrupt; rebuild the index)`);
    }
    const t = this.u32('index type');
    const m = this.u32('metric');
    const dim = this.u32('dim');
    const indexType = TYPES[t];
    const metric = METRICS[m];
    if (!indexType) throw storageError(`index file ${file}: unknown index type code ${t}`);
    if (!metric) throw storageError(`index file ${file}: unknown metric code ${m}`);
    return { version, indexType, metric, dim };
  }

  private need(bytes: number, what: string): void {
    if (this.pos + bytes > this.buf.length - 4) {
      throw storageError(`index file ${this.file}: truncated at byte ${this.pos} while reading ${what}`);
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Copies into a fresh (aligned) typed array; `expected` checks the element count. */
  private array<T extends Numeric>(make: (n: number) => T, what: string, expected?: number): T {
    const n = this.u32(`${what} length`);
    if (expected !== undefined && n !== expected) {
      throw storageError(`index file ${this.file}: ${what} has ${n} elements, expected ${expected}`);
    }
    const out = make(n);
    this.need(out.byteLength, what);
    new Uint8Array(out.buffer).set(this.buf.subarray(this.pos, this.pos + out.byteLength));
    this.pos += out.byteLength;
    return out;
  }

  f32(what: string, expected?: number): Float32Array {
    return this.array((n) => new Float32Array(n), what, expected);
  }
  u32s(what: string, expected?: number): Uint32Array {
    return this.array((n) => new Uint32Array(n), what, expected);
  }
  u8s(what: string, expected?: number): Uint8Array {
    return this.array((n) => new Uint8Array(n), what, expected);
  }
  u16s(what: string, expected?: number): Uint16Array {
    return this.array((n) => new Uint16Array(n), what, expected);
  }

  /** Fails if anything follows the body (a file from another type or a bad writer). */
  end(): void {
    if (this.pos !== this.buf.length - 4) {
      throw storageError(`index file ${this.file}: ${this.buf.length - 4 - this.pos} unexpected bytes after the index body`);
    }
  }

  /** An error about this file's content, for the indexes' own checks. */
  corrupt(what: string): EngineError {
    return storageError(`index file ${this.file}: ${what}`);
  }
}
