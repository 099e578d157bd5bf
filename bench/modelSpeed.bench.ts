// Embedding speed of Loupe's built-in static code model beside the tiny MiniLM-shaped ONNX model
// (same BERT graph layout as all-MiniLM-L6-v2, far fewer layers, so a generous stand-in for
// MiniLM's speed), on the same real code chunks (Loupe's own src/, cut by its chunker), in one
// run: chunks/s on one core (main thread, and through EmbedPool's worker), query latency, and
// the RSS the loaded table costs.
//
//   npm run bench:embed            (node out/bench/modelSpeed.bench.js [rounds=3])
// Appends a row to bench/RESULTS.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chunkFile } from '../src/server/chunk';
import { EmbedPool } from '../src/server/embed/embedPool';
import { StaticEmbedder } from '../src/server/embed/staticEmbedder';
import { TextEmbedder } from '../src/server/embed/textEmbedder';
import { BUILTIN_TEXT_MODEL } from '../src/protocol/defaultModels';
import { repoRoot } from './repoRoot';
import { appendToSection } from './results';

async function codeChunks(): Promise<string[]> {
  const root = path.join(repoRoot(), 'src');
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name.endsWith('.ts')) {
        const chunks = await chunkFile({ absPath: full, relPath: path.relative(root, full), folder: 'src', bytes: fs.readFileSync(full) });
        out.push(...chunks.map((c) => c.text));
      }
    }
  };
  await walk(root);
  return out;
}

const QUERIES = [
  'where are search results ranked',
  'parse the filter expression',
  'retry when the worker crashes',
  'how does the write ahead log recover after a crash',
  'split camelCase identifiers',
  'read settings from the configuration',
];

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function rate(count: number, run: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const chunks = await codeChunks();
  const meanChars = chunks.reduce((s, c) => s + c.length, 0) / chunks.length;

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const model = StaticEmbedder.load();
  model.embedSync(chunks.slice(0, 100));
  const rssDelta = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

  // bare: batches of 32 on this thread (one core)
  const batches: string[][] = [];
  for (let i = 0; i < chunks.length; i += 32) batches.push(chunks.slice(i, i + 32));
  // a fresh model: the first pass fills the tokenizer's identifier cache (as a first index does)
  const coldModel = StaticEmbedder.load();
  const coldRate = await rate(chunks.length, () => {
    for (const b of batches) coldModel.embedSync(b);
  });
  const bareRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    bareRates.push(
      await rate(chunks.length, () => {
        for (const b of batches) model.embedSync(b);
      }),
    );
  }

  // query latency: one short query at a time
  const latencies: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const q = QUERIES[i % QUERIES.length];
    const t = process.hrtime.bigint();
    model.embedSync([q]);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }

  // through the worker pool, as the indexer calls it: one request per file-ish group of 8
  const pool = await EmbedPool.start({ text: { modelId: BUILTIN_TEXT_MODEL }, threads: 1 });
  const runPool = async () => {
    const pending: Promise<Float32Array[]>[] = [];
    for (let i = 0; i < chunks.length; i += 8) pending.push((await pool.submit('text', chunks.slice(i, i + 8))).vectors);
    await Promise.all(pending);
  };
  await runPool();
  const poolRates: number[] = [];
  for (let r = 0; r < rounds; r++) poolRates.push(await rate(chunks.length, runPool));
  const poolLatencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    await (await pool.submit('text', [QUERIES[i % QUERIES.length]], { urgent: true })).vectors;
    poolLatencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await pool.close();

  // the tiny MiniLM-shaped ONNX model, same chunks (a slice: it is much slower), one thread
  const tiny = await TextEmbedder.load({
    modelId: 'tiny-text',
    dtype: 'fp32',
    modelPath: path.join(repoRoot(), 'test', 'fixtures', 'models'),
    allowDownload: false,
    threads: 1,
    batchSize: 32,
  });
  const slice = chunks.slice(0, Math.min(chunks.length, 640));
  await tiny.embed(slice.slice(0, 64));
  const tinyRates: number[] = [];
  for (let r = 0; r < rounds; r++) tinyRates.push(await rate(slice.length, () => tiny.embed(slice).then(() => undefined)));
  await tiny.dispose();

  const bare = median(bareRates);
  const viaPool = median(poolRates);
  const tinyRate = median(tinyRates);
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  console.log(
    `${chunks.length} chunks (mean ${meanChars.toFixed(0)} chars): static ${bare.toFixed(0)}/s bare (first pass ${coldRate.toFixed(0)}/s), ${viaPool.toFixed(0)}/s via pool; ` +
      `tiny ONNX ${tinyRate.toFixed(0)}/s; query p50 ${median(latencies).toFixed(3)} ms, p99 ${percentile(latencies, 0.99).toFixed(3)} ms ` +
      `(via pool p50 ${median(poolLatencies).toFixed(3)} ms); model RSS +${rssDelta.toFixed(0)} MB`,
  );
  const heading = 'Embedding speed: built-in static model vs tiny ONNX model (bench/modelSpeed.bench.ts)';
  const results = path.join(repoRoot(), 'bench', 'RESULTS.md');
  const fresh = !fs.existsSync(results) || !fs.readFileSync(results, 'utf8').includes(`## ${heading}`);
  const tableHead =
    '| date (UTC) | machine | chunks | static chunks/s (1 core; first pass) | static via pool | tiny ONNX chunks/s (1 thread) | static/tiny | query p50 / p99 ms | via pool p50 ms | model RSS |\n|---|---|---|---|---|---|---|---|---|---|\n';
  appendToSection(
    heading,
    (fresh ? `\n${tableHead}` : '') +
    `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${cpu}, ${os.availableParallelism()} cores, node ${process.version}, load ${os.loadavg()[0].toFixed(1)} | ` +
      `${chunks.length} of Loupe's src/ (mean ${meanChars.toFixed(0)} chars) | ${bare.toFixed(0)} (${coldRate.toFixed(0)}) | ${viaPool.toFixed(0)} | ${tinyRate.toFixed(0)} | ` +
      `${(bare / tinyRate).toFixed(0)}× | ${median(latencies).toFixed(3)} / ${percentile(latencies, 0.99).toFixed(3)} | ${median(poolLatencies).toFixed(3)} | +${rssDelta.toFixed(0)} MB |\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
