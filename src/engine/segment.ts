// A segment holds a run of rows: primary keys, scalar rows, packed vectors per vector field, a
// tombstone bitmap, and — once sealed — an index per vector field. A growing segment takes
// appends and is searched exactly; a sealed one is immutable but for tombstones (Milvus's model).

import type { PrimaryKey } from './api';
import type { CheckedRows } from './schema/checkRows';
import { type CollectionSchema, type FunctionSchema, type Row, isDenseVectorType } from './schema/types';
import type { VectorIndex } from './index/types';
import type { Bm25Index } from './index/bm25';

export class Segment {
  readonly pks: PrimaryKey[] = [];
  readonly rows: Row[] = [];
  /** 1 = deleted. Grows with the segment. */
  deleted = new Uint8Array(1024);
  deletedCount = 0;
  readonly indexes = new Map<string, VectorIndex>();
  readonly bm25 = new Map<string, Bm25Index>();
  private readonly vectors = new Map<string, { dim: number; data: Float32Array }>();
  sealed = false;

  constructor(
    readonly id: number,
    schema: CollectionSchema,
    newBm25: (fn: FunctionSchema) => Bm25Index,
  ) {
    for (const f of schema.fields) {
      if (isDenseVectorType(f.dataType)) {
        this.vectors.set(f.name, { dim: f.dim as number, data: new Float32Array(1024 * (f.dim as number)) });
      }
    }
    for (const fn of schema.functions ?? []) this.bm25.set(fn.outputFieldNames[0], newBm25(fn));
    this.bm25Inputs = (schema.functions ?? []).map((fn) => [fn.inputFieldNames[0], fn.outputFieldNames[0]]);
  }

  private readonly bm25Inputs: Array<[string, string]>;

  get size(): number {
    return this.pks.length;
  }

  get liveCount(): number {
    return this.pks.length - this.deletedCount;
  }

  /** Appends a checked batch; returns the offset of its first row. */
  append(batch: CheckedRows): number {
    if (this.sealed) throw new Error(`segment ${this.id} is sealed`);
    const start = this.size;
    const n = batch.rows.length;
    this.ensureCapacity(start + n);
    for (const [name, v] of this.vectors) v.data.set(batch.vectors[name], start * v.dim);
    for (let i = 0; i < n; i++) {
      this.pks.push(batch.pks[i]);
      this.rows.push(batch.rows[i]);
      for (const [input, output] of this.bm25Inputs) {
        const text = batch.rows[i][input];
        (this.bm25.get(output) as Bm25Index).add(start + i, typeof text === 'string' ? text : '');
      }
    }
    return start;
  }

  /** The packed vectors of a field, exactly `size * dim` long (a view, not a copy). */
  vectorsOf(field: string): Float32Array {
    const v = this.vectors.get(field);
    if (!v) throw new Error(`segment ${this.id} has no vector field "${field}"`);
    return v.data.subarray(0, this.size * v.dim);
  }

  dimOf(field: string): number {
    return (this.vectors.get(field) as { dim: number }).dim;
  }

  vectorAt(field: string, offset: number): number[] {
    const v = this.vectors.get(field) as { dim: number; data: Float32Array };
    return Array.from(v.data.subarray(offset * v.dim, (offset + 1) * v.dim));
  }

  markDeleted(offset: number): void {
    if (!this.deleted[offset]) {
      this.deleted[offset] = 1;
      this.deletedCount++;
    }
  }

  isDeleted(offset: number): boolean {
    return this.deleted[offset] === 1;
  }

  /** Replaces the vector storage wholesale (used when loading a sealed segment from disk). */
  load(pks: PrimaryKey[], rows: Row[], vectors: Record<string, Float32Array>): void {
    this.pks.push(...pks);
    this.rows.push(...rows);
    this.ensureCapacity(pks.length);
    for (const [name, v] of this.vectors) v.data = vectors[name];
    for (const [input, output] of this.bm25Inputs) {
      const bm = this.bm25.get(output) as Bm25Index;
      rows.forEach((r, i) => bm.add(i, typeof r[input] === 'string' ? (r[input] as string) : ''));
    }
  }

  seal(): void {
    this.sealed = true;
    // Trim the growth slack so a sealed segment holds exactly its rows.
    for (const v of this.vectors.values()) v.data = v.data.slice(0, this.size * v.dim);
  }

  private ensureCapacity(rows: number): void {
    if (this.deleted.length < rows) {
      const d = new Uint8Array(Math.max(rows, this.deleted.length * 2));
      d.set(this.deleted);
      this.deleted = d;
    }
    for (const v of this.vectors.values()) {
      if (v.data.length < rows * v.dim) {
        const grown = new Float32Array(Math.max(rows, (v.data.length / v.dim) * 2) * v.dim);
        grown.set(v.data);
        v.data = grown;
      }
    }
  }
}
