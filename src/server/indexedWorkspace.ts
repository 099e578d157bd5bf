// A workspace's index as the indexer and the searches share it: the store (the embedded engine
// or a Milvus server), the embedding models, which files the store holds, whether it can be
// reached, and the figures the status shows. WorkspaceIndex (indexer/) writes through it;
// WorkspaceSearch (search/) reads through it; neither holds the other.

import * as path from 'node:path';
import type { IndexStatus } from '../protocol/requests';
import type { ChunkModels } from './indexer/chunkSchema';
import { IndexedFiles } from './indexer/indexedFiles';
import { IndexModels, type ModelSettings } from './indexer/models';
import { readStoreContents } from './indexer/storeConnection';
import { isStoreOutage, outageStatus, retryDelay } from './indexer/storeOutage';
import { LatencyWindow } from './search/latencyWindow';
import { openStore, type StoreSettings } from './store/openStore';
import type { VectorStore } from './store/vectorStore';

export interface WorkspaceOptions {
  folders: Array<{ name: string; absPath: string }>;
  dataDir: string;
  /** Settings to load the models from, or models already loaded (shared by tests; not closed here). */
  models: ModelSettings | IndexModels;
  /** Search only: no writer lock, nothing rebuilt (a CLI search next to a running server). */
  readOnly?: boolean;
  /** Where the rows live; default the embedded engine under dataDir. */
  store?: StoreSettings;
  /** Repairs and automatic-flush failures of the database. */
  onWarning?: (message: string) => void;
  /** First wait before retrying an unavailable store (default 1 s; doubles, up to 30×). */
  retryDelayMs?: number;
  /** Retries after a store outage before a pass fails (default: no limit; the CLI uses 0). */
  maxRetries?: number;
}

export class IndexedWorkspace {
  /** Recent query times, for the status. */
  readonly latencies = new LatencyWindow();
  /** The models the stored collection was built with; undefined until connected (or none stored). */
  stored: ChunkModels | undefined;
  /** Which files the store holds rows for, kept in step by every write. */
  files = IndexedFiles.empty();
  /** The collection was there and matched at the last connect: nothing was rebuilt. */
  reused = false;
  /** The collection is checked and `files` loaded from it; false after a store outage. */
  connected = false;
  /** What the index is doing and why, as the status shows it (the indexer sets it). */
  state: IndexStatus['state'] = 'ready';
  message: string | undefined;

  private constructor(
    readonly options: WorkspaceOptions,
    readonly store: VectorStore,
    /** The collection is this workspace's alone (embedded): a model change may drop and rebuild it. */
    readonly privateCollection: boolean,
    readonly models: IndexModels,
  ) {}

  /**
   * Opens the store and the models and connects. A Milvus server that is down or refuses us is
   * not fatal for a writer that may retry (the state says why); anything else closes and throws.
   */
  static async open(options: WorkspaceOptions): Promise<IndexedWorkspace> {
    const models = options.models instanceof IndexModels ? options.models : await IndexModels.load(options.models);
    const { store, privateCollection } = await openStore(options.store ?? { backend: 'embedded' }, options).catch(async (err: unknown) => {
      if (!(options.models instanceof IndexModels)) await models.close();
      throw err;
    });
    const workspace = new IndexedWorkspace(options, store, privateCollection, models);
    try {
      await workspace.connect();
    } catch (err) {
      if (privateCollection || options.readOnly || options.maxRetries === 0 || !isStoreOutage(err)) {
        await workspace.close();
        throw err;
      }
      const outage = outageStatus(err, retryDelay(0, options.retryDelayMs));
      workspace.state = outage.state;
      workspace.message = outage.message;
    }
    return workspace;
  }

  get folders(): ReadonlyArray<{ name: string; absPath: string }> {
    return this.options.folders;
  }

  /** Where the rows live and for which workspace ("milvus http://… (db default), workspace …"). */
  get where(): string {
    return this.privateCollection ? this.store.description : `${this.store.description}, workspace ${this.store.workspace}`;
  }

  /** Checks (or creates) the collection for the loaded models and loads which files it holds. */
  async connect(): Promise<void> {
    const { readOnly, dataDir } = this.options;
    const contents = await readStoreContents(this.store, this.models.schemaModels, { readOnly, dataDir, privateCollection: this.privateCollection });
    this.stored = contents.stored;
    this.reused = contents.reused;
    this.files = contents.files;
    this.connected = true;
  }

  /** The workspace folder and folder-relative path of a file, or undefined outside every folder. */
  locate(absPath: string): { folder: string; path: string } | undefined {
    for (const f of [...this.options.folders].sort((a, b) => b.absPath.length - a.absPath.length)) {
      const rel = path.relative(f.absPath, absPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { folder: f.name, path: rel.split(path.sep).join('/') };
    }
    return undefined;
  }

  /** Closes the store, and the models when they were loaded here. */
  async close(): Promise<void> {
    await this.store.close();
    if (!(this.options.models instanceof IndexModels)) await this.models.close();
  }
}
