// Checks the client's initializationOptions. The VS Code extension validates settings values
// (src/extension/config.ts); this guards the shape, for any other LSP client (`loupe lsp`).

import type { InitializationOptions, LoupeSettings } from '../protocol/requests';

const FIELD_TYPES: Record<keyof LoupeSettings, 'string' | 'number' | 'boolean' | 'string[]'> = {
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
  return {
    settings: s as LoupeSettings,
    globalStoragePath: o.globalStoragePath,
    ...(typeof o.storagePath === 'string' ? { storagePath: o.storagePath } : {}),
  };
}
