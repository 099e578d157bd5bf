// Inverted lists (faiss InvertedLists): per coarse list, the labels of its members and their
// codes — raw floats for IVF_FLAT, PQ codes for IVF_PQ — each stored contiguously so a probe
// scans one typed array.

import type { IndexFileReader, IndexFileWriter } from './indexFile';

export type CodeArray = Float32Array | Uint8Array | Uint16Array;

export class InvertedLists<T extends CodeArray> {
  labels: Uint32Array[];
  codes: T[];
  sizes: Int32Array;

  constructor(
    nlist: number,
    /** Code elements per vector (dim for floats, m for PQ). */
    readonly codeSize: number,
    private readonly make: (n: number) => T,
  ) {
    this.labels = Array.from({ length: nlist }, () => new Uint32Array(0));
    this.codes = Array.from({ length: nlist }, () => make(0));
    this.sizes = new Int32Array(nlist);
  }

  get nlist(): number {
    return this.sizes.length;
  }

  get total(): number {
    let t = 0;
    for (let i = 0; i < this.sizes.length; i++) t += this.sizes[i];
    return t;
  }

  /** Appends rows `codes[i*codeSize ..]` with `labels[i]` to lists `lists[i]`. */
  append(lists: Int32Array, labels: Uint32Array, codes: T): void {
    const cs = this.codeSize;
    // Count first so each list grows once per call.
    const extra = new Int32Array(this.nlist);
    for (let i = 0; i < lists.length; i++) extra[lists[i]]++;
    for (let l = 0; l < this.nlist; l++) {
      const need = this.sizes[l] + extra[l];
      if (extra[l] === 0 || need <= this.labels[l].length) continue;
      const cap = Math.max(need, this.labels[l].length * 2);
      const ls = new Uint32Array(cap);
      ls.set(this.labels[l].subarray(0, this.sizes[l]));
      const cd = this.make(cap * cs);
      cd.set(this.codes[l].subarray(0, this.sizes[l] * cs));
      this.labels[l] = ls;
      this.codes[l] = cd;
    }
    for (let i = 0; i < lists.length; i++) {
      const l = lists[i];
      const at = this.sizes[l]++;
      this.labels[l][at] = labels[i];
      this.codes[l].set(codes.subarray(i * cs, i * cs + cs), at * cs);
    }
  }

  memoryBytes(): number {
    let b = this.sizes.byteLength;
    for (let l = 0; l < this.nlist; l++) b += this.labels[l].byteLength + this.codes[l].byteLength;
    return b;
  }

  write(w: IndexFileWriter): void {
    w.u32(this.nlist);
    for (let l = 0; l < this.nlist; l++) {
      w.array(this.labels[l].subarray(0, this.sizes[l]));
      w.array(this.codes[l].subarray(0, this.sizes[l] * this.codeSize));
    }
  }

  /** Reads lists written by `write`; `readCodes` reads one list's codes with a length check. */
  static read<T extends CodeArray>(
    r: IndexFileReader,
    codeSize: number,
    make: (n: number) => T,
    readCodes: (what: string, expected: number) => T,
    expectedNlist: number,
  ): InvertedLists<T> {
    const nlist = r.u32('nlist');
    if (nlist !== expectedNlist) throw r.corrupt(`has ${nlist} inverted lists but ${expectedNlist} centroids`);
    const lists = new InvertedLists<T>(nlist, codeSize, make);
    for (let l = 0; l < nlist; l++) {
      lists.labels[l] = r.u32s(`list ${l} labels`);
      lists.codes[l] = readCodes(`list ${l} codes`, lists.labels[l].length * codeSize);
      lists.sizes[l] = lists.labels[l].length;
    }
    return lists;
  }
}
