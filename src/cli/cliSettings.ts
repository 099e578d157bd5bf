// What the CLI's flags and environment mean for an index: the folder, its data directory, the
// models (and whether `loupe index` may download them), the store, the search mode.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_IMAGE_MODEL, DEFAULT_TEXT_MODEL } from '../protocol/defaultModels';
import type { SearchMode } from '../protocol/requests';
import { readIndexState } from '../server/indexer/indexState';
import type { ModelSettings } from '../server/indexer/models';
import type { StoreSettings } from '../server/store/openStore';
import { flag, option, UsageError, type ParsedArgs } from './args';
import { cacheRoot, defaultDataDir } from './dataDir';
import { downloadReporter } from './downloadProgress';


export function folderArg(args: ParsedArgs, positionals: number): string {
  if (args.positionals.length !== positionals) {
    throw new UsageError(positionals === 2 ? 'give a folder and a query: loupe search <folder> "<query>"' : 'give one folder');
  }
  const folder = path.resolve(args.positionals[0]);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${args.positionals[0]} is not a folder`);
  return folder;
}

export function dataDirOf(args: ParsedArgs, folder: string): string {
  const data = option(args, 'data');
  return data ? path.resolve(data) : defaultDataDir(folder);
}

/** Where `loupe index` downloads models and every command finds them again. */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'models');
}

/** Why downloads are off, or undefined when `loupe index` may download. */
export function downloadsForbidden(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag(args, 'no-download')) return '--no-download';
  if (env.LOUPE_NO_DOWNLOAD && env.LOUPE_NO_DOWNLOAD !== '0') return `LOUPE_NO_DOWNLOAD=${env.LOUPE_NO_DOWNLOAD}`;
  return undefined;
}

/**
 * Flags, then environment, then what the last `loupe index` of this folder used. Only `index`
 * downloads (`download: true`): a search uses what is on disk, and falls back to BM25 without it.
 */
export function modelSettings(args: ParsedArgs, dataDir: string, download = false): ModelSettings {
  const saved = readIndexState(dataDir);
  const modelPath = option(args, 'model-path') || process.env.LOUPE_MODEL_PATH || saved?.modelPath;
  if (option(args, 'model-path') && !fs.existsSync(option(args, 'model-path') as string)) {
    throw new UsageError(`--model-path ${option(args, 'model-path')}: no such folder`);
  }
  const allowDownload = download && !downloadsForbidden(args);
  const hub = process.env.HF_ENDPOINT;
  return {
    ...(modelPath ? { modelPath: path.resolve(modelPath) } : {}),
    textModel: option(args, 'text-model') || process.env.LOUPE_TEXT_MODEL || saved?.textModel || DEFAULT_TEXT_MODEL,
    imageModel: option(args, 'image-model') || process.env.LOUPE_IMAGE_MODEL || saved?.imageModel || DEFAULT_IMAGE_MODEL,
    cacheDir: modelCacheDir(),
    allowDownload,
    ...(allowDownload && hub ? { remoteHost: hub } : {}),
    ...(allowDownload ? { onDownload: downloadReporter(process.stderr) } : {}),
  };
}

/** --backend and the --milvus-* flags; a Milvus flag without --backend milvus is a mistake. */
export function storeSettings(args: ParsedArgs): StoreSettings {
  const backend = option(args, 'backend') ?? 'embedded';
  const milvusFlags = ['milvus-uri', 'milvus-token', 'milvus-database', 'milvus-collection-prefix'].filter((f) => args.options.has(f));
  if (backend === 'embedded') {
    if (milvusFlags.length) throw new UsageError(`--${milvusFlags[0]} needs --backend milvus`);
    return { backend: 'embedded' };
  }
  if (backend !== 'milvus') throw new UsageError(`--backend must be embedded or milvus, got ${JSON.stringify(backend)}`);
  const uri = option(args, 'milvus-uri');
  if (!uri) throw new UsageError('--backend milvus needs --milvus-uri URI (e.g. http://localhost:19530)');
  const token = option(args, 'milvus-token') ?? process.env.LOUPE_MILVUS_TOKEN;
  const database = option(args, 'milvus-database');
  const collectionPrefix = option(args, 'milvus-collection-prefix');
  return { backend: 'milvus', uri, ...(token ? { token } : {}), ...(database ? { database } : {}), ...(collectionPrefix ? { collectionPrefix } : {}) };
}

export function modeOption(raw: string | undefined): SearchMode {
  if (raw === undefined || raw === 'hybrid') return 'hybrid';
  if (raw === 'dense' || raw === 'semantic') return 'semantic';
  if (raw === 'text') return 'text';
  throw new UsageError(`--mode must be hybrid, dense or text, got ${JSON.stringify(raw)}`);
}
