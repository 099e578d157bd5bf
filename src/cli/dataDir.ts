// Where the CLI keeps a folder's index when --data is not given: one directory per folder under
// the user's cache ($XDG_CACHE_HOME/loupe or ~/.cache/loupe), named so two folders with the same
// name in different places never share one.

import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'loupe');
}

/** <cache>/loupe/<folder name>-<8 hex of the absolute path>. */
export function defaultDataDir(folderAbs: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(path.resolve(folderAbs)).digest('hex').slice(0, 8);
  const name = path.basename(folderAbs).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  return path.join(cacheRoot(env), `${name}-${hash}`);
}
