// The benchmark's data as committed under bench/quality/data (semble's repos.json and
// annotations, MIT, see data/LICENSE and data/SOURCE.md), and where each repository is checked out.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../repoRoot';
import type { Target } from './ndcg';

export interface RepoSpec {
  name: string;
  language: string;
  url: string;
  revision: string;
  /** The sub-folder that is indexed; absent means the whole checkout. */
  benchmark_root?: string;
}

export type Category = 'semantic' | 'architecture' | 'symbol';

export interface Task {
  query: string;
  category: Category;
  targets: Target[];
}

export type Split = 'dev' | 'test' | 'all';

export const dataDir = (): string => path.join(repoRoot(), 'bench', 'quality', 'data');

export function loadRepos(): RepoSpec[] {
  return JSON.parse(fs.readFileSync(path.join(dataDir(), 'repos.json'), 'utf8')) as RepoSpec[];
}

/** The dev split (for tuning) is every third repository of repos.json, from the first; test is the rest. */
export function inSplit(index: number, split: Split): boolean {
  if (split === 'all') return true;
  return (index % 3 === 0) === (split === 'dev');
}

interface RawTarget {
  path: string;
  start_line?: number | string | null;
  end_line?: number | string | null;
}
interface RawTask {
  query: string;
  relevant?: Array<string | RawTarget>;
  secondary?: Array<string | RawTarget>;
  category?: string;
}

function target(raw: string | RawTarget): Target {
  if (typeof raw === 'string') return { path: raw };
  const t: Target = { path: raw.path };
  if (raw.start_line != null && raw.end_line != null) {
    t.startLine = Number(raw.start_line);
    t.endLine = Number(raw.end_line);
  }
  return t;
}

/** semble's fallback when an annotation has no category (data.py infer_category). */
function inferCategory(query: string): Category {
  if (!query.trim().includes(' ')) return 'symbol';
  return query.toLowerCase().startsWith('how ') ? 'architecture' : 'semantic';
}

export function loadTasks(repo: string): Task[] {
  const file = path.join(dataDir(), 'annotations', `${repo}.json`);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawTask[];
  return raw.map((t) => ({
    query: t.query,
    category: (t.category as Category | undefined) ?? inferCategory(t.query),
    // Relevant and secondary count alike (semble's all_relevant).
    targets: [...(t.relevant ?? []), ...(t.secondary ?? [])].map(target),
  }));
}

/** What checkout.ts records next to each checked-out repository. */
export interface CheckoutInfo {
  revision: string;
  pinned: boolean;
}

export const checkoutInfoFile = (reposDir: string, name: string) => path.join(reposDir, `${name}.checkout.json`);

export function readCheckout(reposDir: string, name: string): CheckoutInfo | undefined {
  const file = checkoutInfoFile(reposDir, name);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as CheckoutInfo) : undefined;
}

/**
 * Checks `spec` out of a bare git mirror (`<mirrors>/<owner>+<name>/repo`, as the fetch tool
 * leaves them) into `<reposDir>/<name>`: the pinned revision when the mirror has it, else its
 * newest commit (recorded as unpinned). Only the benchmark root is extracted.
 */
export function checkoutFromMirror(spec: RepoSpec, mirrors: string, reposDir: string): CheckoutInfo | string {
  const slug = spec.url.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, '');
  const gitDir = path.join(mirrors, slug.replace('/', '+'), 'repo');
  if (!fs.existsSync(gitDir)) return `no mirror at ${gitDir}`;
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  let revision = spec.revision;
  let pinned = true;
  try {
    git('cat-file', '-e', `${revision}^{commit}`);
  } catch {
    // The newest commit of any branch that has the benchmark root (the default branch may have moved it).
    revision = git('log', '-1', '--all', '--format=%H', ...(spec.benchmark_root ? ['--', spec.benchmark_root] : [])).trim();
    if (!revision) return `the mirror has neither ${spec.revision} nor any commit with ${spec.benchmark_root}`;
    pinned = false;
  }
  const into = path.join(reposDir, spec.name);
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  const tar = path.join(reposDir, `.${spec.name}.tar`);
  try {
    git('archive', '--format=tar', '-o', tar, revision, ...(spec.benchmark_root ? [spec.benchmark_root] : []));
  } catch (err) {
    // A snapshot may list its largest files without their contents; what did arrive is kept.
    if (!fs.existsSync(tar)) return `git archive ${revision} failed: ${(err as Error).message.split('\n')[0]}`;
  }
  try {
    execFileSync('tar', ['-xf', tar, '-C', into], { stdio: 'ignore' });
  } catch {
    // A truncated archive (see above) still extracts up to the missing file.
  }
  fs.rmSync(tar);
  const info = { revision, pinned };
  fs.writeFileSync(checkoutInfoFile(reposDir, spec.name), JSON.stringify(info));
  return info;
}
