// The workspace scanner's inputs and outputs.

export type SkipReason =
  | 'gitignore'
  | 'excluded'
  | 'too-large'
  | 'binary'
  | 'symlink-loop'
  | 'unreadable'
  | 'unsupported';

export const SKIP_REASONS: readonly SkipReason[] = [
  'gitignore',
  'excluded',
  'too-large',
  'binary',
  'symlink-loop',
  'unreadable',
  'unsupported',
];

export interface WorkspaceFolderRef {
  /** The folder's display name; chunks and results carry it (multi-root). */
  name: string;
  /** Absolute path on disk; a `file:` URI is accepted in its place. */
  absPath?: string;
  uri?: string;
}

export interface ScanOptions {
  /** Globs relative to the folder: files.exclude + search.exclude + loupe.exclude. */
  exclude: string[];
  /** Bytes; larger files are skipped as 'too-large'. */
  maxFileSize: number;
  /** Follow symlinked files and directories (VS Code's search.followSymlinks defaults to true). */
  followSymlinks?: boolean;
  /** Directory names skipped at any depth; defaults to ['.git', 'node_modules']. */
  alwaysSkipDirs?: string[];
}

export const DEFAULT_MAX_FILE_SIZE = 1_000_000;

export interface ScannedFile {
  absPath: string;
  /** Relative to its workspace folder, forward slashes. */
  relPath: string;
  folder: string;
  size: number;
  mtimeMs: number;
}

export interface ScanResult {
  files: ScannedFile[];
  skipped: Record<SkipReason, number>;
  /** Up to a few example paths per reason ("folder/relPath"), for a status message. */
  examples: Record<SkipReason, string[]>;
}
