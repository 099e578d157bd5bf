// The index's data directory: the database, plus one small JSON file with what the database does
// not know — which folders and models built it and what the last full pass skipped — so a later
// `loupe status` or `loupe search` in another process can report and reuse them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SkipReason as ScanSkipReason } from '../scan/types';
import type { SkipReason } from '../../protocol/requests';

export const STATE_FILE = 'loupe-index.json';

export interface IndexState {
  version: 1;
  folders: Array<{ name: string; absPath: string }>;
  modelPath?: string;
  textModel: string;
  imageModel: string;
  /** ISO time the last full pass finished. */
  lastIndexed?: string;
  skipped: Partial<Record<SkipReason, number>>;
  /** A few "path: why" lines, for a status message. */
  skipExamples: string[];
  /**
   * Files that are indexed but have no rows (empty, or every chunk failed to embed): remembered
   * by hash so an unchanged one is not chunked and embedded again on every pass.
   */
  rowlessFiles?: Array<{ folder: string; path: string; fileHash: string; skip?: FileSkip }>;
}

/** Why a file that is on disk has no rows. */
export interface FileSkip {
  reason: SkipReason;
  message: string;
}

export function databaseDir(dataDir: string): string {
  return path.join(dataDir, 'db');
}

export function readIndexState(dataDir: string): IndexState | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, STATE_FILE), 'utf8')) as IndexState;
    return parsed && parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined; // absent or unreadable: the database is still the truth about its rows
  }
}

export async function writeIndexState(dataDir: string, state: IndexState): Promise<void> {
  const file = path.join(dataDir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.mkdir(dataDir, { recursive: true });
  await fs.promises.writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await fs.promises.rename(tmp, file);
}

/** The scanner's and chunkers' reasons in the protocol's words. */
export function protocolSkipReason(reason: ScanSkipReason): SkipReason {
  switch (reason) {
    case 'gitignore':
      return 'gitignored';
    case 'too-large':
      return 'tooLarge';
    case 'symlink-loop':
      return 'excluded';
    default:
      return reason;
  }
}
