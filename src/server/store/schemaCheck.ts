// Does a stored collection hold Loupe's chunk schema? Both backends describe their collection as
// a list of StoredField and get the first difference back, named by field, so the user (or the
// indexer, which rebuilds on a model change) knows exactly what differs.

import type { CollectionSchema } from '../../engine/schema/types';

/** A field as a server describes it, reduced to what decides compatibility. */
export interface StoredField {
  name: string;
  /** Milvus's type name: 'VarChar', 'Int64', 'FloatVector', 'SparseFloatVector', ... */
  dataType: string;
  dim?: number;
  description?: string;
}

export interface SchemaDifference {
  field: string;
  message: string;
}

/** The first way `stored` differs from `expected`, or undefined when they match. */
export function schemaDifference(expected: CollectionSchema, stored: StoredField[]): SchemaDifference | undefined {
  for (const want of expected.fields) {
    const have = stored.find((f) => f.name === want.name);
    if (!have) return { field: want.name, message: `missing (Loupe needs a ${want.dataType} field here)` };
    if (have.dataType.toLowerCase() !== want.dataType.toLowerCase()) {
      return { field: want.name, message: `is ${have.dataType}, Loupe needs ${want.dataType}` };
    }
    if (want.dataType === 'FloatVector') {
      if (have.dim !== want.dim) return { field: want.name, message: `has dimension ${have.dim ?? '?'}, the model gives ${want.dim}` };
      // The description carries the model id: same dimension from another model is still a mismatch.
      if ((have.description ?? '') !== (want.description ?? '')) {
        return { field: want.name, message: `was built with "${have.description ?? ''}", now "${want.description ?? ''}"` };
      }
    }
  }
  const extra = stored.find((f) => !expected.fields.some((w) => w.name === f.name));
  if (extra) return { field: extra.name, message: 'is not in Loupe\'s chunk schema (a model that is not loaded now, or another program\'s collection)' };
  return undefined;
}
