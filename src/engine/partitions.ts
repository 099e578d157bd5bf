// Partitions, as Milvus has them: named subsets of a collection's rows. `_default` always exists;
// the others are listed in the schema (so the manifest keeps them) and each row carries its
// partition's name under a hidden key. A request scoped to partitions becomes a row predicate
// ANDed with its filter; a released partition is left out of searches that do not name it.

import { EngineError, ErrorCode, invalid, refused } from './errors';
import { type CollectionSchema, type Row, DEFAULT_PARTITION, PARTITION_KEY } from './schema/types';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
/** Milvus's default `rootCoord.maxPartitionNum`. */
const MAX_PARTITIONS = 1024;

export function partitionOf(row: Row): string {
  const p = row[PARTITION_KEY];
  return typeof p === 'string' ? p : DEFAULT_PARTITION;
}

export class Partitions {
  private readonly released = new Set<string>();

  constructor(
    private readonly schema: CollectionSchema,
    private readonly collection: string,
  ) {}

  names(): string[] {
    return [DEFAULT_PARTITION, ...(this.schema.partitions ?? [])];
  }

  has(name: string): boolean {
    return this.names().includes(name);
  }

  /** Throws the Milvus "partition not found" error unless `name` exists. */
  check(name: unknown, where = 'partitionName'): string {
    if (typeof name !== 'string' || name === '') throw invalid(`${where} must be a non-empty string`);
    if (!this.has(name)) throw new EngineError(ErrorCode.PartitionNotFound, `partition not found[partition=${name}] in collection "${this.collection}"`);
    return name;
  }

  /** The schema's partition list with `name` added; throws if it is taken or invalid. */
  /**
   * Milvus refuses partition names on a partition-key collection: the key decides. (A query is
   * refused as a bad parameter, a search with a plain error: Milvus's two code paths differ.)
   */
  private refuseNamedWithKey(names: string[] | undefined, op: 'query' | 'search'): void {
    const key = this.schema.fields.find((f) => f.isPartitionKey);
    if (key && names && names.length > 0) {
      const message = `collection "${this.collection}" has partition key "${key.name}": name no partitions, filter on the key instead`;
      throw op === 'query' ? invalid(message) : refused(message);
    }
  }

  withNew(name: unknown): string[] {
    const key = this.schema.fields.find((f) => f.isPartitionKey);
    // A plain error in Milvus ("disable create partition if partition key mode is used").
    if (key) throw refused(`collection "${this.collection}" has partition key "${key.name}": partitions cannot be created by hand`);
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw invalid(`partition name ${JSON.stringify(name)} is invalid: use letters, digits, underscores and dashes, starting with a letter or underscore`);
    }
    if (this.has(name)) throw invalid(`partition "${name}" already exists in collection "${this.collection}"`);
    if (this.names().length >= MAX_PARTITIONS) throw invalid(`collection "${this.collection}" already has ${MAX_PARTITIONS} partitions, the limit`);
    return [...(this.schema.partitions ?? []), name];
  }

  withoutOne(name: string): string[] {
    this.check(name);
    if (name === DEFAULT_PARTITION) throw invalid('default partition cannot be deleted');
    return (this.schema.partitions ?? []).filter((p) => p !== name);
  }

  load(names: string[]): void {
    for (const n of names) this.check(n);
    for (const n of names) this.released.delete(n);
  }

  release(names: string[]): void {
    for (const n of names) this.check(n);
    for (const n of names) this.released.add(n);
  }

  loadAll(): void {
    this.released.clear();
  }

  forget(name: string): void {
    this.released.delete(name);
  }

  /**
   * The rows a read may see: those of the named partitions (each must exist and be loaded), or
   * of every loaded partition; undefined when that is every row.
   */
  readScope(names: string[] | undefined, op: 'query' | 'search'): ((row: Row) => boolean) | undefined {
    this.refuseNamedWithKey(names, op);
    if (names === undefined || names.length === 0) {
      if (this.released.size === 0) return undefined;
      return (row) => !this.released.has(partitionOf(row));
    }
    names.forEach((n, i) => this.check(n, `partitionNames[${i}]`));
    for (const n of names) {
      if (this.released.has(n)) throw new EngineError(ErrorCode.InvalidParameter, `partition not loaded[partition=${n}]: load it before searching or querying`);
    }
    return this.writeScope(names);
  }

  /** Rows of the named partitions (every row when none are named); for delete. */
  writeScope(names: string[] | undefined): ((row: Row) => boolean) | undefined {
    this.refuseNamedWithKey(names, 'query');
    if (names === undefined || names.length === 0) return undefined;
    names.forEach((n, i) => this.check(n, `partitionNames[${i}]`));
    const set = new Set(names);
    return (row) => set.has(partitionOf(row));
  }
}

export function both(a: ((row: Row) => boolean) | undefined, b: ((row: Row) => boolean) | undefined): ((row: Row) => boolean) | undefined {
  if (!a) return b;
  if (!b) return a;
  return (row) => a(row) && b(row);
}
