// The rules that keep a path out of the index, for one workspace folder: always-skipped folders
// (.git, node_modules), exclude globs, and .gitignore files at every level (each one's patterns
// relative to its own folder, deeper files overriding shallower ones, as git does).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { compileGlobs } from './glob';

export const DEFAULT_ALWAYS_SKIP_DIRS = ['.git', 'node_modules'];

export interface IgnoreRulesOptions {
  exclude: readonly string[];
  alwaysSkipDirs?: readonly string[];
}

export class IgnoreRules {
  private readonly excluded: (relPath: string) => boolean;
  private readonly alwaysSkip: ReadonlySet<string>;
  /** Folder (relative, '' for the root) → its .gitignore, or null when it has none. */
  private readonly gitignores = new Map<string, Promise<Ignore | null>>();

  constructor(
    readonly root: string,
    options: IgnoreRulesOptions,
  ) {
    this.excluded = compileGlobs(options.exclude);
    this.alwaysSkip = new Set(options.alwaysSkipDirs ?? DEFAULT_ALWAYS_SKIP_DIRS);
  }

  /** Whether `relPath` itself is ignored, assuming its parent folders were already let through (the walk). */
  async classify(relPath: string, isDir: boolean): Promise<'excluded' | 'gitignore' | undefined> {
    if (isDir && this.alwaysSkip.has(path.posix.basename(relPath))) return 'excluded';
    if (this.excluded(relPath)) return 'excluded';
    if (await this.gitignored(relPath, isDir)) return 'gitignore';
    return undefined;
  }

  /** Same answer the scan would give, for one path: its parent folders are checked too. */
  async isIgnored(relPath: string, isDir = false): Promise<'excluded' | 'gitignore' | undefined> {
    const parts = relPath.split('/');
    for (let k = 1; k < parts.length; k++) {
      const reason = await this.classify(parts.slice(0, k).join('/'), true);
      if (reason) return reason;
    }
    return this.classify(relPath, isDir);
  }

  /** Drop cached .gitignore contents (call when a .gitignore is created, changed or deleted). */
  forgetGitignore(dirRelPath?: string): void {
    if (dirRelPath === undefined) this.gitignores.clear();
    else this.gitignores.delete(dirRelPath);
  }

  private async gitignored(relPath: string, isDir: boolean): Promise<boolean> {
    const parts = relPath.split('/');
    let ignored = false;
    for (let k = 0; k < parts.length; k++) {
      const dir = parts.slice(0, k).join('/');
      const rules = await this.gitignoreOf(dir);
      if (!rules) continue;
      const sub = parts.slice(k).join('/') + (isDir ? '/' : '');
      const verdict = rules.test(sub);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }

  private gitignoreOf(dir: string): Promise<Ignore | null> {
    let pending = this.gitignores.get(dir);
    if (!pending) {
      pending = this.loadGitignore(dir);
      this.gitignores.set(dir, pending);
    }
    return pending;
  }

  private async loadGitignore(dir: string): Promise<Ignore | null> {
    const sources = [path.join(this.root, dir, '.gitignore')];
    if (dir === '') sources.unshift(path.join(this.root, '.git', 'info', 'exclude'));
    const texts = await Promise.all(sources.map((file) => fs.readFile(file, 'utf8').catch(() => '')));
    const text = texts.join('\n');
    if (!text.trim()) return null;
    const rules = ignore();
    for (const line of text.split(/\r?\n/)) {
      // A pattern the library cannot compile (e.g. `\\[`) would throw on every later test and
      // stop the scan; git ignores a pattern it cannot use, and so do we.
      try {
        ignore().add(line).test('probe/');
        rules.add(line);
      } catch {
        continue;
      }
    }
    return rules;
  }
}
