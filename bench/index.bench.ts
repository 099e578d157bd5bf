// Indexing on real code and at workspace scale, with the tiny test models:
//   1. scan + chunk: files/s and chunks/s over the published sources of a few npm packages
//      (fetched with `npm pack` into a temp folder, never committed);
//   2. embedding throughput of the whole pipeline (WorkspaceIndex.indexAll: read, chunk, embed in
//      the worker pool, write, flush) against the bare text model on the same chunk texts;
//   3. edit-to-searchable latency on a synthetic 10k-file workspace: write a file with a new
//      distinctive word, updateFile, search until the word finds it; median and p95 of 20 edits;
//   4. peak RSS of the process (the embedding worker threads included).
//
//   npm run bench:index      (or: npx tsc -p . && node out/bench/index.bench.js [files=10000] [edits=20] [--dry-run])
// Appends a dated section to bench/RESULTS.md (not with --dry-run).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chunkFileWithReport } from '../src/server/chunk';
import { TextEmbedder } from '../src/server/embed/textEmbedder';
import { textInput } from '../src/server/indexer/chunkRows';
import { IndexModels, chooseDtype, type ModelSettings } from '../src/server/indexer/models';
import { WorkspaceIndex } from '../src/server/indexer/workspaceIndex';
import { WorkspaceSearch } from '../src/server/search/workspaceSearch';
import { WorkspaceScanner } from '../src/server/scan/scanner';
import { repoRoot } from './repoRoot';

/** Well-known packages, ~3,500 files: many small modules (lodash, rxjs) and a few big bundles (react-dom, vue). */
const PACKAGES = ['express@4.21.2', 'lodash@4.17.21', 'zod@3.23.8', 'vue@3.5.13', 'rxjs@7.8.1', 'react-dom@18.3.1'];
const THREADS = 1;
const TARGET_RATIO = 0.8;
const TARGET_LATENCY_MS = 1000;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

/** npm pack each package into `dir/<name>/` (the tarball's package/ folder, stripped). */
function fetchPackages(dir: string): void {
  const tarballs = path.join(dir, '.tarballs');
  fs.mkdirSync(tarballs, { recursive: true });
  const names = execFileSync('npm', ['pack', ...PACKAGES, '--silent'], { cwd: tarballs, encoding: 'utf8' }).trim().split('\n');
  for (const [i, tgz] of names.entries()) {
    const into = path.join(dir, PACKAGES[i].replace(/@[^@]*$/, ''));
    fs.mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(tarballs, tgz.trim()), '-C', into, '--strip-components=1']);
  }
  fs.rmSync(tarballs, { recursive: true });
}

interface ChunkPass {
  files: number;
  chunks: number;
  texts: string[];
  scanSeconds: number;
  chunkSeconds: number;
}

async function scanAndChunk(root: string): Promise<ChunkPass> {
  const scanner = new WorkspaceScanner([{ name: 'packages', absPath: root }]);
  let start = process.hrtime.bigint();
  const { files } = await scanner.scan();
  const scanSeconds = seconds(start);
  start = process.hrtime.bigint();
  const texts: string[] = [];
  for (const f of files) {
    const bytes = fs.readFileSync(f.absPath);
    const { chunks } = await chunkFileWithReport({ absPath: f.absPath, relPath: f.relPath, folder: f.folder, bytes });
    for (const c of chunks) texts.push(textInput(c));
  }
  return { files: files.length, chunks: texts.length, texts, scanSeconds, chunkSeconds: seconds(start) };
}

interface PipelineRun {
  /** Texts per second until indexAll resolves: every chunk embedded, written and searchable. */
  rate: number;
  embedded: number;
  seconds: number;
  /** Until the flush the pass started in the background is done too (segment sealed, HNSW built, files written). */
  settledSeconds: number;
}

/** The pipeline's rate: text inputs embedded per second of a full indexAll (text model only, as the bare run). */
async function pipelineRate(root: string, settings: ModelSettings, dataDir: string): Promise<PipelineRun> {
  const models = await IndexModels.load({ ...settings, only: 'text' });
  if (models.errors.text) throw new Error(models.errors.text);
  const index = await WorkspaceIndex.open({ folders: [{ name: 'packages', absPath: root }], dataDir, models });
  try {
    const start = process.hrtime.bigint();
    const report = await index.indexAll();
    const s = seconds(start);
    await index.settled();
    return { rate: report.embedded.texts / s, embedded: report.embedded.texts, seconds: s, settledSeconds: seconds(start) };
  } finally {
    await index.close();
    await models.close();
  }
}

async function bareRate(texts: string[], settings: ModelSettings): Promise<number> {
  const bare = await TextEmbedder.load({
    modelId: settings.textModel,
    dtype: chooseDtype([settings.modelPath], settings.textModel, 'model'),
    modelPath: settings.modelPath,
    allowDownload: false,
    threads: THREADS,
    batchSize: 32, // EmbedPool's batch
  });
  try {
    await bare.embed(texts.slice(0, 64)); // warm-up
    const start = process.hrtime.bigint();
    await bare.embed(texts);
    return texts.length / seconds(start);
  } finally {
    await bare.dispose();
  }
}

function syntheticFile(i: number, extra = ''): string {
  return (
    `// module ${i}: generated for the edit-latency benchmark.\n\n` +
    `export function compute${i}(values: number[]): number {\n  let total = 0;\n  for (const v of values) total += v * ${i % 97};\n  return total / Math.max(1, values.length);\n}\n\n` +
    `export class Store${i} {\n  private items = new Map<string, number>();\n\n  put(key: string, value: number): void {\n    this.items.set(key, value + ${i});\n  }\n\n` +
    `  get(key: string): number | undefined {\n    return this.items.get(key);\n  }\n}\n${extra}`
  );
}

/** A word no other file has (letters only, so the BM25 analyzer keeps it whole). */
function distinctiveWord(k: number): string {
  const letters = [...k.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
  return `quokkazeph${letters}marmot`;
}

interface EditLatency {
  indexSeconds: number;
  files: number;
  chunks: number;
  latencies: number[];
}

async function editLatency(root: string, nFiles: number, edits: number, settings: ModelSettings, dataDir: string): Promise<EditLatency> {
  for (let i = 0; i < nFiles; i++) {
    const file = path.join(root, 'src', `d${Math.floor(i / 100)}`, `file${i}.ts`);
    if (i % 100 === 0) fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, syntheticFile(i));
  }
  const models = await IndexModels.load(settings);
  const index = await WorkspaceIndex.open({ folders: [{ name: 'synthetic', absPath: root }], dataDir, models });
  try {
    let start = process.hrtime.bigint();
    await index.indexAll();
    const indexSeconds = seconds(start);
    const { files, chunks } = index.status();
    const latencies: number[] = [];
    for (let k = 0; k < edits; k++) {
      const i = Math.floor(((k + 0.5) * nFiles) / edits);
      const rel = `src/d${Math.floor(i / 100)}/file${i}.ts`;
      const word = distinctiveWord(k);
      start = process.hrtime.bigint();
      fs.writeFileSync(path.join(root, rel), syntheticFile(i, `\nexport function ${word}(): string {\n  return 'edited';\n}\n`));
      await index.updateFile(path.join(root, rel));
      // Searchable means a search finds it; poll in case a write becomes visible only later.
      for (;;) {
        const r = await new WorkspaceSearch(index.workspace).search({ query: word, mode: 'hybrid', limit: 10 });
        if (r.error) throw new Error(`search for ${word}: ${r.error.message}`);
        if (r.hits.some((h) => h.path === rel)) break;
        if (seconds(start) > 30) throw new Error(`${rel} was not searchable by ${word} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      latencies.push(seconds(start) * 1000);
    }
    return { indexSeconds, files, chunks, latencies };
  } finally {
    await index.close();
    await models.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const nFiles = Number(args[0] ?? 10_000);
  const edits = Number(args[1] ?? 20);
  const record = !process.argv.includes('--dry-run');
  const root = repoRoot();
  const settings: ModelSettings = {
    modelPath: path.join(root, 'test', 'fixtures', 'models'),
    textModel: 'tiny-text',
    imageModel: 'tiny-clip',
    threads: THREADS,
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-index-bench-'));
  const loadBefore = os.loadavg();
  try {
    const packages = path.join(work, 'packages');
    console.log(`fetching ${PACKAGES.join(', ')} …`);
    fetchPackages(packages);

    const pass = await scanAndChunk(packages);
    const rssAfterChunk = peakRssMb();
    console.log(`scan: ${pass.files} files in ${pass.scanSeconds.toFixed(2)} s; chunk: ${pass.chunks} chunks in ${pass.chunkSeconds.toFixed(2)} s`);

    const pipeline = await pipelineRate(packages, settings, path.join(work, 'data-packages'));
    const bare = await bareRate(pass.texts, settings);
    const ratio = pipeline.rate / bare;
    const rssAfterPipeline = peakRssMb();
    if (pipeline.embedded !== pass.chunks) console.warn(`the pipeline embedded ${pipeline.embedded} texts, the chunk pass made ${pass.chunks}`);
    console.log(`pipeline ${pipeline.rate.toFixed(0)} texts/s (${pipeline.embedded} in ${pipeline.seconds.toFixed(1)} s), bare ${bare.toFixed(0)}/s, ratio ${ratio.toFixed(2)}`);

    const edit = await editLatency(path.join(work, 'synthetic'), nFiles, edits, settings, path.join(work, 'data-synthetic'));
    const median = percentile(edit.latencies, 50);
    const p95 = percentile(edit.latencies, 95);
    console.log(`${nFiles}-file workspace indexed in ${edit.indexSeconds.toFixed(1)} s; edit-to-searchable median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);

    const section = resultsSection({ pass, pipeline, bare, ratio, edit, median, p95, nFiles, edits, loadBefore, loadAfter: os.loadavg(), rssAfterChunk, rssAfterPipeline, rssPeak: peakRssMb() });
    if (record) fs.appendFileSync(path.join(root, 'bench', 'RESULTS.md'), section);
    console.log(section);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface Results {
  pass: ChunkPass;
  pipeline: PipelineRun;
  bare: number;
  ratio: number;
  edit: EditLatency;
  median: number;
  p95: number;
  nFiles: number;
  edits: number;
  loadBefore: number[];
  loadAfter: number[];
  rssAfterChunk: number;
  rssAfterPipeline: number;
  rssPeak: number;
}

function resultsSection(r: Results): string {
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  const scanChunk = r.pass.scanSeconds + r.pass.chunkSeconds;
  const modelSeconds = r.pipeline.embedded / r.bare;
  return [
    '',
    `## Indexing (bench/index.bench.ts) — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${cpu}, ${os.availableParallelism()} cores, ${n(os.totalmem() / 2 ** 30, 1)} GB, node ${process.version}; ` +
      `load average (1/5/15 min) ${load(r.loadBefore)} before, ${load(r.loadAfter)} after. Tiny test models (tiny-text, tiny-clip, fp32), ${THREADS} ONNX thread.`,
    `Real code: ${PACKAGES.join(', ')} (npm pack) — ${n(r.pass.files)} files, ${n(r.pass.chunks)} chunks.`,
    '',
    '| measure | result | target | verdict |',
    '|---|---|---|---|',
    `| scan | ${n(r.pass.files / r.pass.scanSeconds)} files/s (${n(r.pass.scanSeconds, 2)} s) | | |`,
    `| chunk (read + tree-sitter / headings / windows) | ${n(r.pass.files / r.pass.chunkSeconds)} files/s, ${n(r.pass.chunks / r.pass.chunkSeconds)} chunks/s | | |`,
    `| scan + chunk | ${n(r.pass.files / scanChunk)} files/s, ${n(r.pass.chunks / scanChunk)} chunks/s | | |`,
    `| bare text model, same chunk texts, batch 32 | ${n(r.bare)} texts/s | | |`,
    `| pipeline: indexAll, text model only (scan, chunk, embed in the pool, write; searchable when it resolves) | ${n(r.pipeline.rate)} texts/s (${n(r.pipeline.embedded)} in ${n(r.pipeline.seconds, 1)} s) | | |`,
    `| pipeline / bare | ${r.ratio.toFixed(2)}× | ≥ ${TARGET_RATIO}× | ${verdict(r.ratio >= TARGET_RATIO)} |`,
    `| … including the flush the pass leaves running (seal, HNSW build in a worker, segment files) | ${n(r.pipeline.embedded / r.pipeline.settledSeconds)} texts/s (${n(r.pipeline.settledSeconds, 1)} s), ${(r.pipeline.embedded / r.pipeline.settledSeconds / r.bare).toFixed(2)}× bare | | |`,
    `| time beyond the model's | the pass ${n(r.pipeline.seconds, 1)} s, the model alone ≈ ${n(modelSeconds, 1)} s at the bare rate: ${n(r.pipeline.seconds - modelSeconds, 1)} s more (the scan and first group before the worker starts; chunking, BM25 and writes on the main thread sharing the cores with it) | | |`,
    `| synthetic workspace: full index, text + CLIP | ${n(r.edit.files)} files, ${n(r.edit.chunks)} chunks in ${n(r.edit.indexSeconds, 1)} s | | |`,
    `| edit-to-searchable (write, updateFile, hybrid search finds the new word), ${r.edits} edits | median ${n(r.median)} ms, p95 ${n(r.p95)} ms | ≤ ${TARGET_LATENCY_MS} ms | ${verdict(r.p95 <= TARGET_LATENCY_MS)} |`,
    `| peak RSS | ${n(r.rssAfterChunk)} MB after chunking, ${n(r.rssAfterPipeline)} MB after the pipeline run, ${n(r.rssPeak)} MB overall | | |`,
    '',
  ].join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
