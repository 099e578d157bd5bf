// Where embedding models come from: a local folder (loupe.modelPath) in the Hugging Face layout,
// the download cache (global storage), or a download on first use through transformers.js' own
// hub code. Everything that can go wrong here ends in an EmbedError that says what to change.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbedError, describeError } from './errors';
import { transformers } from './transformers';


export interface DownloadProgress {
  model: string;
  /** Path inside the model folder, e.g. onnx/model_quantized.onnx. */
  file: string;
  loaded: number;
  /** 0 when the server sent no length. */
  total: number;
}

/** The part of the options that is plain data (it crosses into the embedding worker). */
export interface ModelSourceSettings {
  /** loupe.modelPath: a folder holding model folders, looked up as <modelPath>/<id> or <modelPath>/<last part of id>. */
  modelPath?: string;
  /** Where downloads land and are found again; defaults to ~/.cache/loupe/models. */
  cacheDir?: string;
  /** Download a model that is in neither place (default true). */
  allowDownload?: boolean;
  /** The hub to download from, e.g. a mirror; default transformers.js' own (https://huggingface.co/). */
  remoteHost?: string;
}

export interface ModelSourceOptions extends ModelSourceSettings {
  /** Cancels a download (or stops waiting for it). */
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

export type ModelOrigin = 'modelPath' | 'cache' | 'download';

export interface ModelLocation {
  modelId: string;
  origin: ModelOrigin;
  /** The model's folder; for a download, where its files will land. */
  dir: string;
}

/** Options transformers.js' from_pretrained understands, as loadModel fills them in. */
export interface HubOptions {
  cache_dir: string;
  local_files_only: boolean;
  progress_callback: (info: { status: string; file?: string; loaded?: number; total?: number }) => void;
}

export function defaultCacheDir(): string {
  return path.join(os.homedir(), '.cache', 'loupe', 'models');
}

/**
 * Finds modelId. `files` are the paths (relative to the model folder) the loader will read;
 * a folder that lacks one of them is reported as incomplete rather than half-loaded.
 */
export function locateModel(modelId: string, files: readonly string[], settings: ModelSourceSettings): ModelLocation {
  checkModelId(modelId);
  if (settings.modelPath) {
    for (const dir of modelPathCandidates(settings.modelPath, modelId)) {
      if (!isDirectory(dir)) continue;
      const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
      if (missing.length > 0) {
        throw new EmbedError(
          'model-invalid',
          `model ${modelId} in ${dir} is incomplete: missing ${missing.join(', ')}. ` +
            `Loupe reads the Hugging Face ONNX layout (config.json, tokenizer files, onnx/*.onnx); ` +
            `copy the whole model folder there or choose another dtype`,
        );
      }
      return { modelId, origin: 'modelPath', dir };
    }
  }
  const cached = path.join(settings.cacheDir ?? defaultCacheDir(), modelId);
  if (files.every((f) => fs.existsSync(path.join(cached, f)))) return { modelId, origin: 'cache', dir: cached };
  if (settings.allowDownload === false) throw notFound(modelId, settings, 'model-not-found', 'downloads are disabled');
  return { modelId, origin: 'download', dir: cached };
}

/**
 * Locates modelId and runs `load` (the from_pretrained calls) against it, with hub options that
 * read local folders directly and download into the cache. Load failures become EmbedErrors
 * naming the folder; an abort rejects at once even if transformers.js keeps reading.
 */
export async function loadModel<T>(
  modelId: string,
  files: readonly string[],
  options: ModelSourceOptions,
  load: (name: string, hub: HubOptions) => Promise<T>,
): Promise<T> {
  const location = locateModel(modelId, files, options);
  const { signal } = options;
  if (signal?.aborted) throw cancelled(modelId);
  const downloading = location.origin === 'download';
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const env = transformers.env;
  env.allowLocalModels = true;
  env.allowRemoteModels = downloading;
  env.useFSCache = true;
  // transformers.js 4 checks for tokenizer_config.json with its global cache dir, not cache_dir:
  // without this, a model cached in our dir would not load offline in a fresh process.
  env.cacheDir = cacheDir;
  if (options.remoteHost) env.remoteHost = options.remoteHost.endsWith('/') ? options.remoteHost : `${options.remoteHost}/`;
  installAbortableFetch();
  downloadSignal = downloading ? signal : undefined;

  const hub: HubOptions = {
    cache_dir: cacheDir,
    local_files_only: !downloading,
    progress_callback: (info) => {
      if (!downloading || info.status !== 'progress' || !options.onProgress) return;
      options.onProgress({ model: modelId, file: info.file ?? '', loaded: info.loaded ?? 0, total: info.total ?? 0 });
    },
  };
  // A folder in modelPath is passed as an absolute path, which transformers.js reads as-is;
  // a hub id resolves through the cache and, when downloading, the remote host.
  const loading = load(location.origin === 'modelPath' ? location.dir : modelId, hub);
  loading.catch(() => undefined); // if we stop waiting, a late failure must not go unhandled
  try {
    return await (signal ? Promise.race([loading, rejectOnAbort(signal, modelId)]) : loading);
  } catch (err) {
    if (err instanceof EmbedError) throw err;
    if (signal?.aborted) throw cancelled(modelId);
    const reason = describeError(err);
    if (downloading) throw notFound(modelId, options, 'download-failed', `the download failed: ${reason}`);
    throw new EmbedError('model-invalid', `model ${modelId} in ${location.dir} could not be loaded: ${reason}`);
  } finally {
    if (downloadSignal === signal) downloadSignal = undefined;
  }
}

function notFound(
  modelId: string,
  settings: ModelSourceSettings,
  code: 'model-not-found' | 'download-failed',
  why: string,
): EmbedError {
  const where = settings.modelPath ? `in ${settings.modelPath}` : 'locally (loupe.modelPath is not set)';
  return new EmbedError(
    code,
    `model ${modelId} not found ${where} and ${why}; ` +
      `set loupe.modelPath to a folder containing ${modelId}/ (or ${lastPart(modelId)}/) or allow network access`,
  );
}

function cancelled(modelId: string): EmbedError {
  return new EmbedError('cancelled', `loading model ${modelId} was cancelled`);
}

function rejectOnAbort(signal: AbortSignal, modelId: string): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(cancelled(modelId));
    signal.addEventListener('abort', () => reject(cancelled(modelId)), { once: true });
  });
}

// transformers.js has no per-call abort, but every download goes through env.fetch. The signal
// of the download in progress is attached to each request; models load one at a time per thread.
let downloadSignal: AbortSignal | undefined;
let fetchInstalled = false;

function installAbortableFetch(): void {
  if (fetchInstalled) return;
  fetchInstalled = true;
  const env = transformers.env;
  const base = env.fetch;
  env.fetch = (input: string | URL, init?: RequestInit) => {
    const signals = [downloadSignal, init?.signal].filter((s): s is AbortSignal => s != null);
    return base(input, signals.length ? { ...init, signal: AbortSignal.any(signals) } : init);
  };
}

function checkModelId(modelId: string): void {
  if (!modelId || modelId.split(/[\\/]/).some((part) => part === '' || part === '.' || part === '..')) {
    throw new EmbedError('model-not-found', `model id ${JSON.stringify(modelId)} is not a valid id like "Xenova/all-MiniLM-L6-v2"`);
  }
}

function modelPathCandidates(modelPath: string, modelId: string): string[] {
  const full = path.resolve(modelPath, modelId);
  const short = path.resolve(modelPath, lastPart(modelId));
  return full === short ? [full] : [full, short];
}

function lastPart(modelId: string): string {
  return modelId.split('/').pop() ?? modelId;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
