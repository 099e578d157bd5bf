// Many workspaces (people, branches) in one collection, none touching another's rows.
//
// Chosen: a `workspace` VarChar scalar field on every row, ANDed into every filter, plus a
// primary key scoped by workspace. On Milvus the field is also declared the partition key, so a
// workspace's searches only scan its own partitions. A partition key alone is not enough: chunk
// ids are hashes of folder, path, line and content, so two people indexing the same repository
// make the same ids, and Milvus keeps one row per primary key per collection — the second upsert
// would take the first person's row. So the stored key is `<16 hex of sha256(workspace)>:<chunk id>`,
// and callers only ever see the chunk id. Same scheme in the embedded store, so both behave alike.

import { createHash } from 'node:crypto';
import type { CollectionSchema, FieldSchema, JsonValue, Row } from '../../engine/schema/types';
import { F } from '../indexer/chunkSchema';
import type { StoreDelete, StoreFilter } from './vectorStore';

export const WORKSPACE_FIELD = 'workspace';
/** The filter placeholder that carries the workspace; unlikely to clash with a caller's. */
const WORKSPACE_PARAM = 'loupe_workspace';
const TAG_CHARS = 16;
/** Room for the tag, ':' and a chunk id of up to 64 characters. */
const STORED_ID_BYTES = 128;
const WORKSPACE_BYTES = 512;

/** The chunk schema with the workspace field and a primary key long enough for scoped ids. */
export function scopedSchema(schema: CollectionSchema): CollectionSchema {
  const fields: FieldSchema[] = schema.fields.map((f) => (f.isPrimary ? { ...f, maxLength: STORED_ID_BYTES } : { ...f }));
  const at = fields.findIndex((f) => f.isPrimary) + 1;
  fields.splice(at, 0, { name: WORKSPACE_FIELD, dataType: 'VarChar', maxLength: WORKSPACE_BYTES, description: 'workspace (repository@branch) that owns the row' });
  return { ...schema, fields };
}

export class WorkspaceScope {
  readonly tag: string;

  /**
   * `shared` false: the collection holds only this workspace's rows (an embedded database in the
   * workspace's own data directory), so reads need no workspace clause, which would otherwise be
   * evaluated on every row of every search. Rows are written the same either way.
   */
  constructor(
    readonly workspace: string,
    private readonly shared = true,
  ) {
    if (typeof workspace !== 'string' || workspace.length === 0) throw new Error('workspace: a non-empty name is required (e.g. "repo@branch")');
    if (Buffer.byteLength(workspace) > WORKSPACE_BYTES) throw new Error(`workspace: at most ${WORKSPACE_BYTES} UTF-8 bytes, got ${Buffer.byteLength(workspace)}`);
    this.tag = createHash('sha256').update(workspace).digest('hex').slice(0, TAG_CHARS);
  }

  storedId(chunkId: string): string {
    return `${this.tag}:${chunkId}`;
  }

  chunkId(storedId: unknown): string {
    const s = String(storedId);
    return s.startsWith(`${this.tag}:`) ? s.slice(TAG_CHARS + 1) : s;
  }

  /** A row as written: scoped key, workspace field, vectors as plain arrays (JSON-safe). */
  toStored(row: object): Row {
    const out: Row = { ...(row as Row) };
    out[F.id] = this.storedId(String(out[F.id]));
    out[WORKSPACE_FIELD] = this.workspace;
    for (const [k, v] of Object.entries(out)) if (v instanceof Float32Array) out[k] = Array.from(v);
    return out;
  }

  /** A row as returned: the chunk id back, the workspace field gone unless asked for. */
  fromStored(row: Row, outputFields?: string[]): Row {
    const out: Row = { ...row };
    if (F.id in out) out[F.id] = this.chunkId(out[F.id]);
    if (!outputFields?.includes(WORKSPACE_FIELD)) delete out[WORKSPACE_FIELD];
    return out;
  }

  /**
   * `workspace == this AND (prepared) AND (filter) [AND id in ids]` (no workspace clause when not
   * shared, or when `withWorkspace` is false because a prepared filter already holds it), with
   * the caller's placeholders kept.
   */
  filter(req: StoreFilter & Pick<StoreDelete, 'ids'> = {}, withWorkspace = this.shared): { filter: string; filterParams: Record<string, JsonValue> } {
    const given = { ...(req.prepared?.filterParams ?? {}), ...(req.filterParams ?? {}) };
    if (WORKSPACE_PARAM in given) throw new Error(`filterParams: "${WORKSPACE_PARAM}" is reserved for the workspace`);
    const parts = withWorkspace ? [`${WORKSPACE_FIELD} == {${WORKSPACE_PARAM}}`] : [];
    const filterParams: Record<string, JsonValue> = { ...given, ...(withWorkspace ? { [WORKSPACE_PARAM]: this.workspace } : {}) };
    if (req.prepared && req.prepared.filter.trim()) parts.push(`(${req.prepared.filter})`);
    if (req.filter && req.filter.trim()) parts.push(`(${req.filter})`);
    if (req.ids) {
      filterParams.loupe_ids = req.ids.map((id) => this.storedId(id));
      parts.push(`${F.id} in {loupe_ids}`);
    }
    // '' (only when not shared and nothing asked): every row, which the caller passes as no filter.
    return { filter: parts.join(' and '), filterParams };
  }
}
