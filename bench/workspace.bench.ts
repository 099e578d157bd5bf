// A real 10,000-file workspace from empty to searchable (BM25 + dense), with the shipped text
// model (loupe/code-v1) beside the tiny ONNX test model (MiniLM-shaped, transformers.js) in the
// same run, rounds interleaved so machine load hits both alike. The files are the published
// sources of npm packages (`npm pack` into a temp folder, never committed; none of them is a
// repository of semble's benchmark), copied until there are N of them.
//
//   npm run bench:workspace [-- --files N] [--rounds R] [--dry-run]
//
// "Searchable" is when indexAll resolves: every chunk is embedded, written and found by search;
// "flushed" adds the background flush the pass leaves running (seal, HNSW build, segment files).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_TEXT_MODEL, DEFAULT_IMAGE_MODEL } from '../src/protocol/defaultModels';
import { IndexModels, type ModelSettings } from '../src/server/indexer/models';
import { WorkspaceIndex } from '../src/server/indexer/workspaceIndex';
import { WorkspaceSearch } from '../src/server/search/workspaceSearch';
import { appendToSection } from './results';
import { repoRoot } from './repoRoot';

/** Code-heavy packages with many files; none is in bench/quality/data/repos.json. */
const PACKAGES = ['date-fns@2.30.0', 'core-js@3.39.0', 'rxjs@7.8.1', 'lodash@4.17.21', 'ramda@0.30.1', '@babel/types@7.26.0', 'sequelize@6.37.5'];
const CODE = /\.(?:[cm]?[jt]sx?|md|json)$/;
const TARGET_SECONDS = 15;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** npm pack the packages, then copy their code files into `root` until there are `n`. */
function makeWorkspace(work: string, root: string, n: number): number {
  const tarballs = path.join(work, 'tarballs');
  const unpacked = path.join(work, 'unpacked');
  fs.mkdirSync(tarballs, { recursive: true });
  const names = execFileSync('npm', ['pack', ...PACKAGES, '--silent'], { cwd: tarballs, encoding: 'utf8' }).trim().split('\n');
  let copied = 0;
  for (const [i, tgz] of names.entries()) {
    const into = path.join(unpacked, String(i));
    fs.mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(tarballs, tgz.trim()), '-C', into, '--strip-components=1']);
    const files = (fs.readdirSync(into, { recursive: true }) as string[]).filter((f) => CODE.test(f)).sort();
    for (const rel of files) {
      if (copied >= n) return copied;
      const to = path.join(root, PACKAGES[i].replace(/@[^@/]*$/, '').replace('/', '__'), rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(into, rel), to);
      copied++;
    }
  }
  return copied;
}

interface Run {
  searchable: number;
  flushed: number;
  files: number;
  chunks: number;
  semanticHits: number;
}

async function indexOnce(root: string, settings: ModelSettings, dataDir: string): Promise<Run> {
  const start = process.hrtime.bigint();
  const models = await IndexModels.load({ ...settings, only: 'text' });
  if (models.errors.text) throw new Error(models.errors.text);
  const index = await WorkspaceIndex.open({ folders: [{ name: 'ws', absPath: root }], dataDir, models });
  try {
    await index.indexAll();
    const searchable = seconds(start);
    // Dense search must answer, or the figure is a text-only index.
    const r = await new WorkspaceSearch(index.workspace).search({ query: 'parse a date from a string', mode: 'semantic', limit: 10 });
    if (r.error) throw new Error(`semantic search: ${r.error.message}`);
    await index.settled();
    const { files, chunks } = index.status();
    return { searchable, flushed: seconds(start), files, chunks, semanticHits: r.hits.length };
  } finally {
    await index.close();
    await models.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const nFiles = arg('files', 10_000);
  const rounds = arg('rounds', 3);
  const root = repoRoot();
  const fixtures = path.join(root, 'test', 'fixtures', 'models');
  const contenders: Array<{ name: string; settings: ModelSettings }> = [
    { name: `${BUILTIN_TEXT_MODEL} (shipped static model)`, settings: { textModel: BUILTIN_TEXT_MODEL, imageModel: DEFAULT_IMAGE_MODEL } },
    { name: 'tiny-text (ONNX, MiniLM-shaped, transformers.js)', settings: { modelPath: fixtures, textModel: 'tiny-text', imageModel: 'tiny-clip' } },
  ];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-workspace-bench-'));
  const loadBefore = os.loadavg();
  try {
    const ws = path.join(work, 'ws');
    const files = makeWorkspace(work, ws, nFiles);
    console.log(`workspace: ${files} files from ${PACKAGES.join(', ')}`);
    const runs = new Map<string, Run[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const c of contenders) {
        const run = await indexOnce(ws, c.settings, path.join(work, `data-${round}-${runs.get(c.name)!.length}-${c.settings.textModel.replace('/', '_')}`));
        runs.get(c.name)!.push(run);
        console.log(`${c.name}: searchable ${run.searchable.toFixed(1)} s, flushed ${run.flushed.toFixed(1)} s, ${run.chunks} chunks`);
      }
    }
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
    const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
    const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const rows = contenders.map((c) => {
      const rs = runs.get(c.name)!;
      const s = median(rs.map((r) => r.searchable));
      return `| ${c.name} | ${rs[0].files.toLocaleString('en-US')} / ${rs[0].chunks.toLocaleString('en-US')} | ${s.toFixed(1)} | ${median(rs.map((r) => r.flushed)).toFixed(1)} | ${rs[0].semanticHits} | ${s <= TARGET_SECONDS ? 'met' : 'missed'} |`;
    });
    const section = [
      '',
      `### ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — commit ${commit}`,
      '',
      `${cpu}, ${os.availableParallelism()} cores, node ${process.version}; load average ${load(loadBefore)} before, ${load(os.loadavg())} after. ` +
        `${files.toLocaleString('en-US')} files from ${PACKAGES.join(', ')} (npm pack). Median of ${rounds} rounds, interleaved; each round from an empty data folder, models loaded inside the timing. Command: \`npm run bench:workspace\`.`,
      '',
      `| text model | files / chunks | empty → searchable (s) | … and flushed (s) | semantic hits for a test query | ≤ ${TARGET_SECONDS} s |`,
      '|---|---:|---:|---:|---:|---|',
      ...rows,
      '',
    ].join('\n');
    console.log(section);
    if (!process.argv.includes('--dry-run')) console.log(`appended to ${appendToSection('A workspace from empty to searchable (bench/workspace.bench.ts)', section)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
