// Resolves `outputFields` once per request and projects rows onto them, as Milvus does: the
// primary key always, `*` for every field (dense vectors included, as Milvus 2.5+ does, so a row
// read back can be upserted unchanged) and dynamic key; BM25 outputs are never returned.

import { invalid, refused } from '../errors';
import { readDenseVector } from '../schema/denseVector';
import { type CollectionSchema, type DenseVectorType, type Row, DYNAMIC_FIELD, isDenseVectorType } from '../schema/types';
import type { Segment } from '../segment';

export interface Projection {
  scalar: string[];
  vectors: string[];
  /** Each dense vector field's type, to read its stored floats back in the wire form. */
  vectorTypes: Record<string, DenseVectorType>;
  dynamicKeys: string[];
  allDynamic: boolean;
  pk: string;
  /** Defaults of fields added after rows were written: those rows read as the default. */
  defaults: Record<string, unknown>;
}

export function resolveOutputFields(schema: CollectionSchema, requested: string[] | undefined): Projection {
  const pk = (schema.fields.find((f) => f.isPrimary) as { name: string }).name;
  const defaults = Object.fromEntries(schema.fields.filter((f) => f.defaultValue !== undefined).map((f) => [f.name, f.defaultValue]));
  const vectorTypes: Record<string, DenseVectorType> = {};
  for (const f of schema.fields) if (isDenseVectorType(f.dataType)) vectorTypes[f.name] = f.dataType;
  const p: Projection = { scalar: [], vectors: [], vectorTypes, dynamicKeys: [], allDynamic: false, pk, defaults };
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  for (const name of requested ?? []) {
    if (typeof name !== 'string') throw invalid(`outputFields: expected field names, got ${JSON.stringify(name)}`);
    if (name === '*') {
      for (const f of schema.fields) {
        if (isDenseVectorType(f.dataType)) {
          if (!p.vectors.includes(f.name)) p.vectors.push(f.name);
        } else if (!f.isFunctionOutput && !p.scalar.includes(f.name)) {
          p.scalar.push(f.name);
        }
      }
      p.allDynamic = !!schema.enableDynamicField;
      continue;
    }
    const f = byName.get(name);
    if (f) {
      if (isDenseVectorType(f.dataType)) {
        if (!p.vectors.includes(name)) p.vectors.push(name);
      } else if (f.isFunctionOutput) {
        // Milvus's words (and its plain-error code), which clients match: the field holds BM25
        // weights computed from its input.
        throw refused(`not allowed to retrieve raw data of field ${name}`);
      } else if (!p.scalar.includes(name)) {
        p.scalar.push(name);
      }
    } else if (name === DYNAMIC_FIELD && schema.enableDynamicField) {
      p.allDynamic = true;
    } else if (schema.enableDynamicField) {
      p.dynamicKeys.push(name);
    } else {
      throw invalid(`outputFields: field "${name}" does not exist in the collection`);
    }
  }
  return p;
}

export function project(p: Projection, seg: Segment, offset: number): Row {
  const row = seg.rows[offset];
  const out: Row = { [p.pk]: row[p.pk] };
  for (const f of p.scalar) out[f] = row[f] ?? p.defaults[f] ?? null;
  for (const f of p.vectors) out[f] = readDenseVector(p.vectorTypes[f], seg.vectorAt(f, offset));
  const meta = row[DYNAMIC_FIELD] as Record<string, unknown> | undefined;
  if (meta) {
    if (p.allDynamic) Object.assign(out, meta);
    else for (const k of p.dynamicKeys) if (k in meta) out[k] = meta[k];
  }
  return out;
}
