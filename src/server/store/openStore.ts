// Which VectorStore an index writes to, from settings: the embedded engine under the index's data
// directory (the default), or a Milvus server (standalone or a cluster) named by a URI. The
// indexer and the searches only ever see the VectorStore.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../engine/database';
import { databaseDir } from '../indexer/indexState';
import { EmbeddedStore } from './embeddedStore';
import type { VectorStore } from './vectorStore';

export type StoreSettings =
  | { backend: 'embedded' }
  | {
      backend: 'milvus';
      /** http(s)://host:port (REST v2) or host:19530 (gRPC). */
      uri: string;
      /** An API key or "user:password"; never stored in settings files. */
      token?: string;
      database?: string;
      collectionPrefix?: string;
      /** Default: "<git remote>@<branch>" of the first folder, else "<host>:<folder paths>". */
      workspace?: string;
    };

export interface OpenedStore {
  store: VectorStore;
  /**
   * True when the collection is this index's alone (embedded), so a model change may drop and
   * rebuild it. A Milvus collection holds other workspaces' rows too: never dropped for us.
   */
  privateCollection: boolean;
}

export async function openStore(
  settings: StoreSettings,
  where: { dataDir: string; folders: ReadonlyArray<{ absPath: string }>; readOnly?: boolean; onWarning?: (message: string) => void },
): Promise<OpenedStore> {
  if (settings.backend === 'milvus') {
    if (!settings.uri.trim()) throw new Error('the Milvus backend needs a URI (loupe.milvus.uri or --milvus-uri), e.g. http://localhost:19530');
    // Imported here: the Milvus SDK (gRPC, protobuf, …) takes ~150 ms to load, which the embedded
    // backend, and every CLI command on it, should not pay (in the CLI bundle it is its own chunk).
    const { MilvusStore } = await import('./milvusStore.js');
    const store = new MilvusStore({
      uri: settings.uri.trim(),
      ...(settings.token ? { token: settings.token } : {}),
      ...(settings.database ? { database: settings.database } : {}),
      ...(settings.collectionPrefix ? { collectionPrefix: settings.collectionPrefix } : {}),
      workspace: settings.workspace || workspaceName(where.folders),
    });
    return { store, privateCollection: false };
  }
  const db = await Database.open(databaseDir(where.dataDir), { readOnly: !!where.readOnly, onWarning: where.onWarning });
  // One data directory per workspace: the workspace name only has to be constant.
  return { store: new EmbeddedStore(db, { workspace: 'local', ownsDatabase: true, privateCollection: true }), privateCollection: true };
}

/**
 * The workspace's name in a shared collection: "<origin remote>@<branch> (<user>@<host>)" when the
 * first folder is a git checkout's root, else "<user>@<host>:<absolute paths>". The person is part
 * of it on purpose: a pass deletes rows of files missing from its disk, so two people sharing one
 * workspace would delete each other's uncommitted files.
 */
export function workspaceName(folders: ReadonlyArray<{ absPath: string }>): string {
  const who = `${userName()}@${os.hostname()}`;
  const first = folders[0]?.absPath;
  const git = first ? gitIdentity(first) : undefined;
  const name = git ? `${git} (${who})` : `${who}:${folders.map((f) => f.absPath).join(',')}`;
  // The workspace field holds 512 bytes: a long folder list keeps its start and a hash of the rest.
  return Buffer.byteLength(name) <= 400 ? name : `${name.slice(0, 200)}…#${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user'; // no passwd entry (some containers)
  }
}

function gitIdentity(folder: string): string | undefined {
  try {
    const gitDir = path.join(folder, '.git');
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    const branch = head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : head.slice(0, 12);
    const config = fs.readFileSync(path.join(gitDir, 'config'), 'utf8');
    const origin = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config)?.[1];
    if (!origin || !branch) return undefined;
    return `${normalizeRemote(origin)}@${branch}`;
  } catch {
    return undefined; // not a plain git checkout (no .git folder, a worktree file, unreadable)
  }
}

/** git@github.com:acme/app.git and https://github.com/acme/app → github.com/acme/app. */
export function normalizeRemote(url: string): string {
  return url
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}
