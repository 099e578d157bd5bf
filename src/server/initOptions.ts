// Checks the client's initializationOptions. The VS Code extension validates settings values
// (src/extension/config.ts); this guards the shape, for any other LSP client (`loupe lsp`).

import type { InitializationOptions, LoupeSettings } from '../protocol/requests';

type Required = Exclude<keyof LoupeSettings, keyof typeof OPTIONAL_TYPES>;

/** Newer settings, optional for clients that predate them. */
const OPTIONAL_TYPES = { backend: 'string', milvusUri: 'string', milvusDatabase: 'string', milvusCollectionPrefix: 'string' } as const;

const FIELD_TYPES: Record<Required, 'string' | 'number' | 'boolean' | 'string[]'> = {
  modelPath: 'string',
  textModel: 'string',
  imageModel: 'string',
  exclude: 'string[]',
  maxFileSize: 'number',
  embeddingThreads: 'number',
  hoverEnabled: 'boolean',
  traceServer: 'string',
};

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? 'string[]' : 'array';
  return v === null ? 'null' : typeof v;
}

/** Returns the options or throws an Error naming the first bad field. */
export function parseInitializationOptions(raw: unknown): InitializationOptions {
  const where = 'initializationOptions';
  if (typeof raw !== 'object' || raw === null) {
    throw new Error(`${where} must be an object with settings and globalStoragePath, got ${typeOf(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  if (typeof o.globalStoragePath !== 'string' || o.globalStoragePath === '') {
    throw new Error(`${where}.globalStoragePath must be a folder path, got ${JSON.stringify(o.globalStoragePath)}`);
  }
  if (o.storagePath !== undefined && typeof o.storagePath !== 'string') {
    throw new Error(`${where}.storagePath must be a folder path when given, got ${typeOf(o.storagePath)}`);
  }
  const s = o.settings;
  if (typeof s !== 'object' || s === null) {
    throw new Error(`${where}.settings must be an object, got ${typeOf(s)}`);
  }
  for (const [field, expected] of Object.entries(FIELD_TYPES)) {
    const actual = typeOf((s as Record<string, unknown>)[field]);
    if (actual !== expected) {
      throw new Error(`${where}.settings.${field} must be a ${expected}, got ${actual}`);
    }
  }
  for (const [field, expected] of Object.entries(OPTIONAL_TYPES)) {
    const value = (s as Record<string, unknown>)[field];
    if (value !== undefined && typeOf(value) !== expected) throw new Error(`${where}.settings.${field} must be a ${expected} when given, got ${typeOf(value)}`);
  }
  const backend = (s as LoupeSettings).backend;
  if (backend !== undefined && backend !== 'embedded' && backend !== 'milvus') {
    throw new Error(`${where}.settings.backend must be "embedded" or "milvus", got ${JSON.stringify(backend)}`);
  }
  if (backend === 'milvus' && !(s as LoupeSettings).milvusUri) throw new Error(`${where}.settings.milvusUri: the Milvus backend needs a server address`);
  if (o.milvusToken !== undefined && typeof o.milvusToken !== 'string') throw new Error(`${where}.milvusToken must be a string when given, got ${typeOf(o.milvusToken)}`);
  if (o.clientHover !== undefined && typeof o.clientHover !== 'boolean') throw new Error(`${where}.clientHover must be true or false when given, got ${typeOf(o.clientHover)}`);
  return {
    settings: s as LoupeSettings,
    globalStoragePath: o.globalStoragePath,
    ...(typeof o.storagePath === 'string' ? { storagePath: o.storagePath } : {}),
    ...(typeof o.milvusToken === 'string' && o.milvusToken ? { milvusToken: o.milvusToken } : {}),
    ...(typeof o.clientHover === 'boolean' ? { clientHover: o.clientHover } : {}),
  };
}
