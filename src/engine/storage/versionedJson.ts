// Reading a JSON file that carries a `formatVersion` (the manifest, the catalog, the users): a
// missing file is undefined, a damaged or newer one is a StorageError naming the file.

import * as fs from 'node:fs/promises';
import { corruptFile, newerFormat, storageError } from './storageError';

export async function readVersionedJson(file: string, supported: number): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storageError('reading', file, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw corruptFile(file, `it is not valid JSON (${(err as Error).message})`);
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw corruptFile(file, 'it has no formatVersion');
  if (version > supported) throw newerFormat(file, version, supported);
  return value as Record<string, unknown>;
}
