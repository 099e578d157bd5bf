// Diff by content hash (after Continue's refreshIndex): which files to (re)index, which to drop,
// which to leave alone. Pure: no disk, no index, so the rules are easy to test and to trust.
//
//   on disk, not in the index        → toIndex (new)
//   on disk, in the index, same hash → unchanged (never re-chunked or re-embedded)
//   on disk, in the index, new hash  → toIndex (its old rows are replaced)
//   in the index, not on disk        → toDelete (a rename is a delete plus a new file)

export interface FileOnDisk {
  folder: string;
  path: string;
  /** Hash of the file's bytes (or of the unsaved editor text). */
  hash: string;
}

export interface FileInIndex {
  folder: string;
  path: string;
  /** The `file_hash` stored with its rows. */
  fileHash: string;
}

export interface IndexPlan<D extends FileOnDisk, I extends FileInIndex> {
  toIndex: D[];
  toDelete: I[];
  unchanged: D[];
}

/**
 * `indexed` may list a file more than once (one entry per stored row); a file whose rows carry
 * different hashes (an interrupted write) is treated as changed. Output keeps input order.
 */
export function planIndex<D extends FileOnDisk, I extends FileInIndex>(onDisk: readonly D[], indexed: readonly I[]): IndexPlan<D, I> {
  const stored = new Map<string, { hashes: Set<string>; first: I }>();
  for (const f of indexed) {
    const k = fileKey(f.folder, f.path);
    const entry = stored.get(k);
    if (entry) entry.hashes.add(f.fileHash);
    else stored.set(k, { hashes: new Set([f.fileHash]), first: f });
  }
  const plan: IndexPlan<D, I> = { toIndex: [], toDelete: [], unchanged: [] };
  const present = new Set<string>();
  for (const f of onDisk) {
    const k = fileKey(f.folder, f.path);
    if (present.has(k)) continue; // the same file listed twice is indexed once
    present.add(k);
    const entry = stored.get(k);
    if (entry && entry.hashes.size === 1 && entry.hashes.has(f.hash)) plan.unchanged.push(f);
    else plan.toIndex.push(f);
  }
  for (const [k, entry] of stored) if (!present.has(k)) plan.toDelete.push(entry.first);
  return plan;
}

/** One key per file across workspace folders. */
export function fileKey(folder: string, path: string): string {
  return `${folder}\0${path}`;
}
