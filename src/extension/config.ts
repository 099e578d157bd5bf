// Every `loupe.*` setting is read and validated here, nowhere else. Defaults live in package.json
// (`contributes.configuration`); VS Code fills them in, so a missing value means a broken manifest.

import { DEFAULT_IMAGE_MODEL, DEFAULT_TEXT_MODEL } from '../protocol/defaultModels';
import type { LoupeSettings } from '../protocol/requests';

/** The part of vscode.WorkspaceConfiguration we use; kept minimal so this file runs in unit tests. */
export interface ConfigSource {
  get(key: string): unknown;
}

export interface ConfigReading {
  settings: LoupeSettings;
  /** One line per rejected value: which setting, what was wrong, what was used instead. */
  problems: string[];
}

/** Used when a value is missing or invalid; must agree with package.json. */
export const DEFAULT_SETTINGS: LoupeSettings = {
  modelPath: '',
  textModel: DEFAULT_TEXT_MODEL,
  imageModel: DEFAULT_IMAGE_MODEL,
  exclude: [],
  maxFileSize: 1_048_576,
  embeddingThreads: 0,
  hoverEnabled: true,
  traceServer: 'off',
  backend: 'embedded',
  milvusUri: '',
  milvusDatabase: '',
  milvusCollectionPrefix: '',
};

/** The SecretStorage key of the Milvus token (never a setting); the client passes it to the server. */
export const MILVUS_TOKEN_SECRET = 'loupe.milvus.token';

const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
const BACKENDS = ['embedded', 'milvus'] as const;

/** Settings whose change needs a server restart (the server reads them once, at initialize). */
export const SERVER_SETTINGS: ReadonlyArray<keyof LoupeSettings> = [
  'modelPath',
  'textModel',
  'imageModel',
  'exclude',
  'maxFileSize',
  'embeddingThreads',
  'backend',
  'milvusUri',
  'milvusDatabase',
  'milvusCollectionPrefix',
];

export function readConfig(source: ConfigSource): ConfigReading {
  const problems: string[] = [];
  const reject = <T>(key: string, value: unknown, why: string, fallback: T): T => {
    problems.push(`loupe.${key}: ${why} (got ${JSON.stringify(value)}); using ${JSON.stringify(fallback)}`);
    return fallback;
  };

  const str = (key: string, fallback: string): string => {
    const v = source.get(key);
    if (v === undefined) return fallback;
    return typeof v === 'string' ? v.trim() : reject(key, v, 'must be a string', fallback);
  };

  const nonEmpty = (key: string, fallback: string): string => {
    const v = str(key, fallback);
    return v === '' ? reject(key, v, 'must name a model', fallback) : v;
  };

  const int = (key: string, fallback: number, min: number, max: number): number => {
    const v = source.get(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) return reject(key, v, 'must be a whole number', fallback);
    if (v < min || v > max) return reject(key, v, `must be between ${min} and ${max}`, fallback);
    return v;
  };

  const bool = (key: string, fallback: boolean): boolean => {
    const v = source.get(key);
    if (v === undefined) return fallback;
    return typeof v === 'boolean' ? v : reject(key, v, 'must be true or false', fallback);
  };

  const globs = (key: string): string[] => {
    const v = source.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) return reject(key, v, 'must be a list of glob patterns', []);
    const kept: string[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item === 'string' && item.trim() !== '') kept.push(item.trim());
      else problems.push(`loupe.${key}[${i}]: must be a non-empty glob pattern (got ${JSON.stringify(item)}); ignored`);
    });
    return kept;
  };

  const trace = (): LoupeSettings['traceServer'] => {
    const v = source.get('trace.server');
    if (v === undefined) return DEFAULT_SETTINGS.traceServer;
    return (TRACE_LEVELS as readonly unknown[]).includes(v)
      ? (v as LoupeSettings['traceServer'])
      : reject('trace.server', v, `must be one of ${TRACE_LEVELS.join(', ')}`, DEFAULT_SETTINGS.traceServer);
  };

  const backend = (): NonNullable<LoupeSettings['backend']> => {
    const v = source.get('backend');
    if (v === undefined) return 'embedded';
    return (BACKENDS as readonly unknown[]).includes(v) ? (v as 'embedded' | 'milvus') : reject('backend', v, `must be one of ${BACKENDS.join(', ')}`, 'embedded');
  };

  const milvusUri = (chosen: string): string => {
    const v = str('milvus.uri', '');
    if (v !== '' && !/^(https?:\/\/)?[^\s/:]+(:\d+)?\/?$/i.test(v)) return reject('milvus.uri', v, 'must look like http://host:19530 or host:19530', '');
    if (v === '' && chosen === 'milvus') problems.push('loupe.milvus.uri: the Milvus backend needs a server address such as http://localhost:19530');
    return v;
  };

  const chosenBackend = backend();
  const settings: LoupeSettings = {
    modelPath: str('modelPath', DEFAULT_SETTINGS.modelPath),
    textModel: nonEmpty('textModel', DEFAULT_SETTINGS.textModel),
    imageModel: nonEmpty('imageModel', DEFAULT_SETTINGS.imageModel),
    exclude: globs('exclude'),
    // 1 KiB .. 1 GiB: below that nothing useful is indexed, above it one file would stall the indexer.
    maxFileSize: int('maxFileSize', DEFAULT_SETTINGS.maxFileSize, 1024, 1024 ** 3),
    embeddingThreads: int('embeddingThreads', DEFAULT_SETTINGS.embeddingThreads, 0, 256),
    hoverEnabled: bool('hover.enabled', DEFAULT_SETTINGS.hoverEnabled),
    traceServer: trace(),
    backend: chosenBackend,
    milvusUri: milvusUri(chosenBackend),
    milvusDatabase: str('milvus.database', ''),
    milvusCollectionPrefix: str('milvus.collectionPrefix', ''),
  };
  return { settings, problems };
}

/**
 * loupe.exclude plus VS Code's `files.exclude` and `search.exclude` (objects of glob → true |
 * false | { when }), in that order, without repeats. Only `true` counts: `{ when: ... }` depends
 * on sibling files the scanner does not look at, and `false` switches off a default.
 */
export function mergeExcludes(loupeExclude: readonly string[], ...editorExcludes: unknown[]): string[] {
  const merged = new Set(loupeExclude);
  for (const setting of editorExcludes) {
    if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) continue;
    for (const [glob, on] of Object.entries(setting)) {
      if (on === true && glob.trim() !== '') merged.add(glob.trim());
    }
  }
  return [...merged];
}

/** True when a change between two readings needs the server restarted. */
export function needsServerRestart(before: LoupeSettings, after: LoupeSettings): boolean {
  return SERVER_SETTINGS.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
