// Search quality on semble's code-search benchmark (62 repositories in 19 languages, ~1,250
// annotated queries; data in bench/quality/data). Each repository's benchmark root is indexed
// in this process by WorkspaceIndex (the editor's server code) and every query goes through
// WorkspaceSearch.search, the palette's path; NDCG@10 follows semble's protocol (ndcg.ts).
//
//   npm run bench:quality -- --repos DIR [--mirrors /work/.mirror] [--split dev|test|all]
//        [--only a,b] [--mode text|hybrid|semantic] [--model-path DIR --text-model ID]
//        [--misses FILE] [--baseline] [--dry-run]
//
// --baseline also runs, in the same process on the same index, the ranking Loupe had before its
// ranking stack (the store's BM25 top 10 for the query as typed), for NDCG and latency side by side.
// --mirrors checks out missing repositories from bare git mirrors (github owner+name/repo);
// the pinned revision where the mirror has it, else its newest commit (reported as unpinned).
// Appends a dated section to bench/RESULTS.md unless --dry-run; the published per-repo results
// (data/published.json) are averaged over the same repositories and shown beside Loupe's.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { SearchMode } from '../../src/protocol/requests';
import { IndexModels, type ModelSettings } from '../../src/server/indexer/models';
import { F } from '../../src/server/indexer/chunkSchema';
import { WorkspaceIndex } from '../../src/server/indexer/workspaceIndex';
import { WorkspaceSearch } from '../../src/server/search/workspaceSearch';
import { openStore } from '../../src/server/store/openStore';
import type { VectorStore } from '../../src/server/store/vectorStore';
import { appendToSection } from '../results';
import { repoRoot } from '../repoRoot';
import { checkoutFromMirror, dataDir, inSplit, loadRepos, loadTasks, readCheckout, type Category, type RepoSpec, type Split, type Task } from './dataset';
import { mean, percentile, queryNdcg, type RankedChunk } from './ndcg';

const K = 10;
/** Timed runs per query; the median is the query's latency (semble uses 5). */
const RUNS = 3;
const CATEGORIES: Category[] = ['architecture', 'semantic', 'symbol'];

interface Options {
  reposDir: string;
  mirrors?: string;
  split: Split;
  only?: Set<string>;
  mode: SearchMode;
  models?: ModelSettings;
  misses?: string;
  baseline: boolean;
  dryRun: boolean;
}

/** NDCG and latency of one ranking over a repository's queries. */
interface Scored {
  ndcg: number;
  byCategory: Partial<Record<Category, number>>;
  latencies: number[];
}

interface RepoResult {
  spec: RepoSpec;
  revision: string;
  pinned: boolean;
  files: number;
  chunks: number;
  indexSeconds: number;
  ndcg: number;
  byCategory: Partial<Record<Category, number>>;
  latencies: number[];
  queries: number;
  /** The pre-stack ranking on the same index (with --baseline). */
  plain?: Scored;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
    return v;
  };
  const reposDir = get('repos');
  if (!reposDir) throw new Error('usage: npm run bench:quality -- --repos DIR [--mirrors DIR] [--split dev|test|all] [--only a,b] [--mode text|hybrid|semantic]');
  const split = (get('split') ?? 'all') as Split;
  if (!['dev', 'test', 'all'].includes(split)) throw new Error(`--split: expected dev, test or all, got ${split}`);
  const mode = (get('mode') ?? 'text') as SearchMode;
  if (!['text', 'hybrid', 'semantic'].includes(mode)) throw new Error(`--mode: expected text, hybrid or semantic, got ${mode}`);
  const only = get('only');
  const modelPath = get('model-path');
  const textModel = get('text-model');
  if (mode !== 'text' && !textModel) throw new Error(`--mode ${mode} needs --text-model ID (and --model-path DIR)`);
  return {
    reposDir: path.resolve(reposDir),
    ...(get('mirrors') ? { mirrors: path.resolve(get('mirrors') as string) } : {}),
    split,
    ...(only ? { only: new Set(only.split(',').map((s) => s.trim())) } : {}),
    mode,
    ...(mode !== 'text' ? { models: { modelPath, textModel: textModel as string, imageModel: '', only: 'text' as const } } : {}),
    ...(get('misses') ? { misses: path.resolve(get('misses') as string) } : {}),
    baseline: argv.includes('--baseline'),
    dryRun: argv.includes('--dry-run'),
  };
}

/** Index one repository and run its queries; `misses` collects the queries that scored below 1. */
async function runRepo(spec: RepoSpec, opts: Options, misses: string[]): Promise<RepoResult | string> {
  let info = readCheckout(opts.reposDir, spec.name);
  if (!info && opts.mirrors) {
    const got = checkoutFromMirror(spec, opts.mirrors, opts.reposDir);
    if (typeof got === 'string') return got;
    info = got;
  }
  if (!info) return `not checked out in ${opts.reposDir} (pass --mirrors)`;
  const root = spec.benchmark_root ?? '';
  const absRoot = path.join(opts.reposDir, spec.name, root);
  if (!fs.existsSync(absRoot)) return `${absRoot} does not exist`;
  // An unpinned snapshot can predate the annotated layout (MessagePack-CSharp's mirror is from
  // 2021, its pin from later): with most target files absent every query scores 0, which measures
  // the snapshot, not the search, so such a repository is reported and left out of the means.
  const targetFiles = [...new Set(loadTasks(spec.name).flatMap((t) => t.targets.map((x) => x.path)))];
  const absent = targetFiles.filter((f) => !fs.existsSync(path.join(opts.reposDir, spec.name, f)));
  if (!info.pinned && absent.length * 2 > targetFiles.length) {
    return `unscorable: ${absent.length} of ${targetFiles.length} target files are not in the unpinned snapshot (${info.revision.slice(0, 10)})`;
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), `loupe-quality-${spec.name}-`));
  const models = opts.models ? await IndexModels.load(opts.models) : IndexModels.none('text-only benchmark', { textModel: '', imageModel: '' });
  if (opts.models && models.errors.text) throw new Error(`${spec.name}: ${models.errors.text}`);
  try {
    const index = await WorkspaceIndex.open({ folders: [{ name: spec.name, absPath: absRoot }], dataDir: data, models, maxRetries: 0, flushDelayMs: 60_000 });
    try {
      const started = performance.now();
      const report = await index.indexAll();
      const indexSeconds = (performance.now() - started) / 1000;
      // Queries are timed in the steady state a person typing later meets: the pass's background
      // flush done, segments sealed with their HNSW index (before it, growing segments are
      // scanned exactly while the build competes for the cores).
      await index.settled();
      const status = index.status();
      const tasks = loadTasks(spec.name);
      const search = new WorkspaceSearch(index.workspace);
      const scored = await scoreQueries(tasks, async (query) => {
        const result = await search.search({ query, mode: opts.mode, limit: K });
        if (result.error) throw new Error(`${spec.name}: query ${JSON.stringify(query)}: ${result.error.message}`);
        // Views are 0-based and folder-relative; the annotations are 1-based and repo-relative.
        return result.hits.map((h) => ({ path: root ? `${root}/${h.path}` : h.path, startLine: h.startLine + 1, endLine: h.endLine + 1 }));
      }, (task, score, hits) => {
        const targets = task.targets.map((t) => (t.startLine ? `${t.path}:${t.startLine}-${t.endLine}` : t.path)).join(', ');
        const got = hits.map((h, i) => `    ${i + 1}. ${h.path}:${h.startLine}-${h.endLine}`).join('\n');
        misses.push(`[${spec.name} ${task.category} ${score.toFixed(3)}] ${task.query}\n  targets: ${targets}\n${got}`);
      });
      let plain: Scored | undefined;
      if (opts.baseline) {
        const { store } = await openStore({ backend: 'embedded' }, { dataDir: data, folders: [{ absPath: absRoot }], readOnly: true });
        try {
          plain = await plainBm25(store, tasks, root);
        } finally {
          await store.close();
        }
      }
      return {
        ...(plain ? { plain } : {}),
        spec,
        revision: info.revision,
        pinned: info.pinned,
        files: report.indexed || status.files,
        chunks: status.chunks,
        indexSeconds,
        ...scored,
        queries: tasks.length,
      };
    } finally {
      await index.close();
    }
  } finally {
    await models.close();
    fs.rmSync(data, { recursive: true, force: true });
  }
}

/**
 * Runs every query RUNS times through `search` (the median is its latency) and scores the last
 * answer; `onMiss` sees the queries that scored below 1.
 */
async function scoreQueries(tasks: Task[], search: (query: string) => Promise<RankedChunk[]>, onMiss?: (task: Task, score: number, hits: RankedChunk[]) => void): Promise<Scored> {
  const perCategory = new Map<Category, number[]>();
  const scores: number[] = [];
  const latencies: number[] = [];
  for (const task of tasks) {
    const times: number[] = [];
    let hits: RankedChunk[] = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      hits = await search(task.query);
      times.push(performance.now() - t0);
    }
    latencies.push(percentile(times, 50));
    const score = queryNdcg(hits, task.targets, K);
    scores.push(score);
    perCategory.set(task.category, [...(perCategory.get(task.category) ?? []), score]);
    if (score < 1) onMiss?.(task, score, hits);
  }
  const byCategory: Partial<Record<Category, number>> = {};
  for (const [c, xs] of perCategory) byCategory[c] = mean(xs);
  return { ndcg: mean(scores), byCategory, latencies };
}

/** The ranking before the stack: BM25 over the chunk text for the query as typed, first 10. */
function plainBm25(store: VectorStore, tasks: Task[], root: string): Promise<Scored> {
  return scoreQueries(tasks, async (query) => {
    const found = await store.textSearch({ text: query, limit: K, outputFields: [F.path, F.startLine, F.endLine] });
    return found.map((h) => ({ path: root ? `${root}/${String(h.row[F.path])}` : String(h.row[F.path]), startLine: Number(h.row[F.startLine]), endLine: Number(h.row[F.endLine]) }));
  });
}

interface Published {
  source: string;
  methods: Record<string, Record<string, { ndcg10: number; by_category?: Partial<Record<Category, number>> }>>;
}

const f3 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(3));

function summaryRow(label: string, rows: Array<{ ndcg: number; byCategory: Partial<Record<Category, number>> }>): string {
  const cat = (c: Category) => mean(rows.map((r) => r.byCategory[c]).filter((x): x is number => x !== undefined));
  return `| ${label} | ${f3(mean(rows.map((r) => r.ndcg)))} | ${CATEGORIES.map((c) => f3(cat(c))).join(' | ')} |`;
}

function report(results: RepoResult[], skipped: string[], opts: Options, wallSeconds: number): string {
  const published = JSON.parse(fs.readFileSync(path.join(dataDir(), 'published.json'), 'utf8')) as Published;
  const names = new Set(results.map((r) => r.spec.name));
  const commit = (() => {
    try {
      return execFileSync('git', ['-C', repoRoot(), 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim().slice(0, 70);
    } catch {
      return 'unknown';
    }
  })();
  const dirty = (() => {
    try {
      return execFileSync('git', ['-C', repoRoot(), 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
    } catch {
      return '';
    }
  })();
  const lines: string[] = [];
  lines.push('', `### ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — mode ${opts.mode}${opts.models ? ` (${opts.models.textModel})` : ''}, split ${opts.split}, ${results.length} repos`, '');
  lines.push(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}. Commit ${commit}${dirty}. Wall time ${wallSeconds.toFixed(0)} s.`, '');
  lines.push('| method | overall | architecture | semantic | symbol |', '|---|---:|---:|---:|---:|');
  lines.push(summaryRow(`**Loupe ${opts.mode}**`, results));
  const plain = results.filter((r) => r.plain).map((r) => r.plain as Scored);
  if (plain.length) lines.push(summaryRow('Loupe before the ranking stack (plain BM25 top 10, same run)', plain));
  for (const [method, perRepo] of Object.entries(published.methods)) {
    const rows = [...names].map((n) => perRepo[n]).filter((r) => r !== undefined).map((r) => ({ ndcg: r.ndcg10, byCategory: r.by_category ?? {} }));
    if (rows.length) lines.push(summaryRow(`${method} (published${rows.length < names.size ? `, ${rows.length} of these repos` : ''})`, rows));
  }
  const allLat = results.flatMap((r) => r.latencies);
  const largest = [...results].sort((a, b) => b.chunks - a.chunks)[0];
  lines.push('');
  lines.push(
    `Queries ${results.reduce((s, r) => s + r.queries, 0)}; in-process query latency (median of ${RUNS} runs per query) p50 ${f1(percentile(allLat, 50))} ms, p95 ${f1(percentile(allLat, 95))} ms` +
      (largest ? `; largest repo ${largest.spec.name} (${largest.chunks} chunks): p50 ${f1(percentile(largest.latencies, 50))} ms, p95 ${f1(percentile(largest.latencies, 95))} ms` : '') +
      (largest?.plain ? ` (before the stack, same run: p50 ${f1(percentile(largest.plain.latencies, 50))} ms, p95 ${f1(percentile(largest.plain.latencies, 95))} ms)` : '') +
      `. Index time ${f1(results.reduce((s, r) => s + r.indexSeconds, 0))} s in all (median ${f2(percentile(results.map((r) => r.indexSeconds), 50))} s a repo).`,
  );
  const languages = [...new Set(results.map((r) => r.spec.language))].sort();
  lines.push('', '| language | repos | NDCG@10 |', '|---|---:|---:|');
  for (const l of languages) {
    const rs = results.filter((r) => r.spec.language === l);
    lines.push(`| ${l} | ${rs.length} | ${f3(mean(rs.map((r) => r.ndcg)))} |`);
  }
  const semble = published.methods['semble BM25 + ranking'] ?? {};
  lines.push('', '| repo | language | revision | queries | chunks | index s | p95 ms | NDCG@10 | arch | sem | sym | semble BM25+ranking |', '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const rev = `${r.revision.slice(0, 10)}${r.pinned ? '' : ' (unpinned: newest)'}`;
    lines.push(
      `| ${r.spec.name} | ${r.spec.language} | ${rev} | ${r.queries} | ${r.chunks} | ${f1(r.indexSeconds)} | ${f1(percentile(r.latencies, 95))} | ${f3(r.ndcg)} | ${CATEGORIES.map((c) => f3(r.byCategory[c])).join(' | ')} | ${f3(semble[r.spec.name]?.ndcg10)} |`,
    );
  }
  const unpinned = results.filter((r) => !r.pinned).map((r) => r.spec.name);
  lines.push('', `Unpinned (the mirror lacks the pinned revision; its newest commit was used): ${unpinned.length ? unpinned.join(', ') : 'none'}.`);
  if (skipped.length) lines.push(`Not run: ${skipped.join('; ')}.`);
  lines.push(`Published rows: ${published.source}, averaged over the same repositories.`);
  return `${lines.join('\n')}\n`;
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  fs.mkdirSync(opts.reposDir, { recursive: true });
  const specs = loadRepos().filter((s, i) => inSplit(i, opts.split) && (!opts.only || opts.only.has(s.name)));
  if (opts.only) for (const n of opts.only) if (!specs.some((s) => s.name === n)) throw new Error(`--only: no repository "${n}" in ${opts.split} split`);
  const started = performance.now();
  const results: RepoResult[] = [];
  const skipped: string[] = [];
  const misses: string[] = [];
  for (const spec of specs) {
    const r = await runRepo(spec, opts, misses);
    if (typeof r === 'string') {
      skipped.push(`${spec.name}: ${r}`);
      process.stderr.write(`${spec.name}: skipped, ${r}\n`);
      continue;
    }
    results.push(r);
    process.stderr.write(
      `${spec.name.padEnd(20)} ndcg@10 ${f3(r.ndcg)}  ${CATEGORIES.map((c) => `${c.slice(0, 4)} ${f3(r.byCategory[c])}`).join('  ')}  ${r.chunks} chunks, index ${f1(r.indexSeconds)} s, p95 ${f1(percentile(r.latencies, 95))} ms\n`,
    );
  }
  const text = report(results, skipped, opts, (performance.now() - started) / 1000);
  process.stdout.write(text);
  if (opts.misses) fs.writeFileSync(opts.misses, `${misses.join('\n\n')}\n`);
  if (!opts.dryRun && results.length) process.stderr.write(`appended to ${appendToSection('Search quality: semble code-search benchmark (bench:quality)', text)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
