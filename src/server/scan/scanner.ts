// Walks the workspace folders and lists the files worth indexing, counting everything it leaves
// out by reason. The same rules answer single-file questions (file-change events) via checkFile.

import * as fs from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isImagePath } from '../chunk/detectLanguage';
import { BINARY_SNIFF_BYTES, hasUnsupportedExtension, looksBinary } from './fileKind';
import { IgnoreRules } from './ignoreRules';
import {
  DEFAULT_MAX_FILE_SIZE,
  SKIP_REASONS,
  type ScanOptions,
  type ScanResult,
  type ScannedFile,
  type SkipReason,
  type WorkspaceFolderRef,
} from './types';

/** Images may be bigger than text files; their pixel count is checked when they are decoded. */
export const MAX_IMAGE_FILE_SIZE = 20_000_000;
const EXAMPLES_PER_REASON = 5;
/** Files checked at once within one directory. */
const FILE_CHECK_BATCH = 32;

export type FileVerdict = { file: ScannedFile } | { skipped: SkipReason; detail?: string };

/** One folder's walk: real paths of folders seen (to stop symlink loops) and what it found. */
interface Walk {
  folder: Folder;
  visited: Set<string>;
  symlinkedDirs: Array<{ relPath: string; realDir: string }>;
  out: ScannedFile[];
  skip: (reason: SkipReason, where: string) => void;
}

interface Folder {
  name: string;
  root: string;
  rules: IgnoreRules;
}

export function scanWorkspace(folders: readonly WorkspaceFolderRef[], options: Partial<ScanOptions> = {}): Promise<ScanResult> {
  return new WorkspaceScanner(folders, options).scan();
}

export class WorkspaceScanner {
  private readonly folders: Folder[];
  private readonly options: ScanOptions;

  constructor(folders: readonly WorkspaceFolderRef[], options: Partial<ScanOptions> = {}) {
    this.options = {
      exclude: options.exclude ?? [],
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      followSymlinks: options.followSymlinks ?? true,
      alwaysSkipDirs: options.alwaysSkipDirs,
    };
    this.folders = folders.map((f) => {
      const root = folderPath(f);
      return { name: f.name, root, rules: new IgnoreRules(root, this.options) };
    });
  }

  async scan(): Promise<ScanResult> {
    const result: ScanResult = {
      files: [],
      skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
      examples: Object.fromEntries(SKIP_REASONS.map((r) => [r, []])) as unknown as Record<SkipReason, string[]>,
    };
    const skip = (reason: SkipReason, where: string): void => {
      result.skipped[reason]++;
      if (result.examples[reason].length < EXAMPLES_PER_REASON) result.examples[reason].push(where);
    };
    for (const folder of this.folders) {
      let real: string;
      try {
        real = await fs.realpath(folder.root);
      } catch {
        skip('unreadable', `${folder.name}/`);
        continue;
      }
      const walk: Walk = { folder, visited: new Set([real]), symlinkedDirs: [], out: result.files, skip };
      await this.walk(walk, '', real);
      // Symlinked folders last, so a folder reachable both directly and via a link is listed under its own path.
      for (let linked = walk.symlinkedDirs.shift(); linked; linked = walk.symlinkedDirs.shift()) {
        if (walk.visited.has(linked.realDir)) {
          skip('symlink-loop', `${folder.name}/${linked.relPath}/ → ${linked.realDir}`);
          continue;
        }
        walk.visited.add(linked.realDir);
        await this.walk(walk, linked.relPath, linked.realDir);
      }
    }
    return result;
  }

  /** The verdict the scan would give one file (for file-change events). */
  async checkFile(absPath: string): Promise<FileVerdict> {
    const folder = this.folderOf(absPath);
    if (!folder) return { skipped: 'excluded', detail: 'outside every workspace folder' };
    const relPath = toRelPath(folder.root, absPath);
    const ignored = await folder.rules.isIgnored(relPath);
    if (ignored) return { skipped: ignored };
    let stats: Stats;
    try {
      stats = await fs.stat(absPath);
    } catch (err) {
      return { skipped: 'unreadable', detail: (err as Error).message };
    }
    return this.checkStats(folder, relPath, absPath, stats);
  }

  /** Whether a path in a folder is kept out by gitignore or exclude rules (ancestors included). */
  isIgnored(folderName: string, relPath: string): Promise<'excluded' | 'gitignore' | undefined> {
    const folder = this.folders.find((f) => f.name === folderName);
    return folder ? folder.rules.isIgnored(relPath) : Promise.resolve('excluded');
  }

  /** A .gitignore changed: forget what was read from it. */
  forgetGitignore(gitignoreAbsPath: string): void {
    const folder = this.folderOf(gitignoreAbsPath);
    folder?.rules.forgetGitignore(path.posix.dirname(toRelPath(folder.root, gitignoreAbsPath)).replace(/^\.$/, ''));
  }

  private folderOf(absPath: string): Folder | undefined {
    const inside = this.folders.filter((f) => {
      const rel = path.relative(f.root, absPath);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    return inside.sort((a, b) => b.root.length - a.root.length)[0]; // nested folders: the innermost
  }

  private async walk(walk: Walk, dirRel: string, dirReal: string): Promise<void> {
    const { folder, skip } = walk;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(folder.root, dirRel), { withFileTypes: true });
    } catch {
      skip('unreadable', `${folder.name}/${dirRel}/`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files: Array<{ relPath: string; absPath: string }> = [];
    for (const entry of entries) {
      const relPath = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      const absPath = path.join(folder.root, relPath);
      const where = `${folder.name}/${relPath}`;
      let isDir = entry.isDirectory();
      let realDir = isDir ? path.join(dirReal, entry.name) : '';
      const isLink = entry.isSymbolicLink();
      if (isLink) {
        if (!this.options.followSymlinks) {
          skip('excluded', `${where} (symlink; followSymlinks is off)`);
          continue;
        }
        try {
          isDir = (await fs.stat(absPath)).isDirectory();
          if (isDir) realDir = await fs.realpath(absPath);
        } catch {
          skip('unreadable', `${where} (broken symlink)`);
          continue;
        }
      } else if (!isDir && !entry.isFile()) {
        continue; // sockets, fifos, devices
      }
      const ignored = await folder.rules.classify(relPath, isDir);
      if (ignored) {
        skip(ignored, isDir ? `${where}/` : where);
        continue;
      }
      if (!isDir) {
        files.push({ relPath, absPath });
        continue;
      }
      if (isLink) {
        walk.symlinkedDirs.push({ relPath, realDir });
        continue;
      }
      walk.visited.add(realDir);
      await this.walk(walk, relPath, realDir);
    }
    for (let i = 0; i < files.length; i += FILE_CHECK_BATCH) {
      const batch = files.slice(i, i + FILE_CHECK_BATCH);
      const verdicts = await Promise.all(batch.map((f) => this.checkPath(folder, f.relPath, f.absPath)));
      verdicts.forEach((v, j) => {
        if ('file' in v) walk.out.push(v.file);
        else skip(v.skipped, `${folder.name}/${batch[j].relPath}`);
      });
    }
  }

  private async checkPath(folder: Folder, relPath: string, absPath: string): Promise<FileVerdict> {
    try {
      return await this.checkStats(folder, relPath, absPath, await fs.stat(absPath));
    } catch (err) {
      return { skipped: 'unreadable', detail: (err as Error).message };
    }
  }

  /** Extension, size and content checks, after the ignore rules let the path through. */
  private async checkStats(folder: Folder, relPath: string, absPath: string, stats: Stats): Promise<FileVerdict> {
    if (!stats.isFile()) return { skipped: 'unsupported', detail: 'not a regular file' };
    if (hasUnsupportedExtension(relPath)) return { skipped: 'unsupported' };
    const image = isImagePath(relPath);
    const limit = image ? Math.max(MAX_IMAGE_FILE_SIZE, this.options.maxFileSize) : this.options.maxFileSize;
    if (stats.size > limit) return { skipped: 'too-large', detail: `${stats.size} bytes > ${limit}` };
    if (!image && stats.size > 0) {
      try {
        if (looksBinary(await readHead(absPath))) return { skipped: 'binary' };
      } catch (err) {
        return { skipped: 'unreadable', detail: (err as Error).message };
      }
    }
    return { file: { absPath, relPath, folder: folder.name, size: stats.size, mtimeMs: stats.mtimeMs } };
  }
}

async function readHead(absPath: string): Promise<Buffer> {
  const handle = await fs.open(absPath, 'r');
  try {
    const buffer = Buffer.alloc(BINARY_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, BINARY_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function folderPath(folder: WorkspaceFolderRef): string {
  if (folder.absPath) return path.resolve(folder.absPath);
  if (folder.uri?.startsWith('file:')) return fileURLToPath(folder.uri);
  throw new Error(`workspace folder "${folder.name}" has no file path (uri: ${folder.uri ?? 'none'}); only local folders can be indexed`);
}

function toRelPath(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/');
}
