// What the store holds for an index, read when the index opens and again after a store outage:
// which models built the collection (creating or checking it first when writing) and which files
// it has rows for. A collection built with other models is rebuilt only when it is ours alone.

import { StoreSchemaError } from '../store/storeErrors';
import type { VectorStore } from '../store/vectorStore';
import type { ChunkModels } from './chunkSchema';
import { IndexedFiles } from './indexedFiles';
import { readIndexState } from './indexState';

export interface StoreContents {
  /** The models the collection was built with; undefined when there is none (read-only open). */
  stored: ChunkModels | undefined;
  /** The collection was there and matched: nothing was rebuilt. */
  reused: boolean;
  files: IndexedFiles;
}

export async function readStoreContents(
  store: VectorStore,
  wanted: ChunkModels,
  how: { readOnly?: boolean; privateCollection: boolean; dataDir: string },
): Promise<StoreContents> {
  let stored: ChunkModels | undefined = wanted;
  let reused: boolean;
  if (how.readOnly) {
    stored = await store.storedModels();
    reused = !!stored;
  } else {
    try {
      reused = !(await store.ensureCollection(wanted)).created;
    } catch (err) {
      // Another model (or none) built it: its vectors cannot be compared with ours. Rebuild, but
      // only a collection that is ours alone; a shared one waits for a person (a store outage).
      if (!(err instanceof StoreSchemaError) || !how.privateCollection) throw err;
      await store.dropCollection();
      await store.ensureCollection(wanted);
      reused = false;
    }
  }
  const rowless = reused ? (readIndexState(how.dataDir)?.rowlessFiles ?? []) : [];
  const files = stored ? await IndexedFiles.load(store, rowless) : IndexedFiles.empty();
  return { stored, reused, files };
}
