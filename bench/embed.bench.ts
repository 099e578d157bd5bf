// Embeddings per second: the text model called directly on the main thread ("bare") versus the
// same chunks through EmbedPool's worker thread. Uses the tiny generated model, so it measures
// the pool's overhead (queueing, messages, transfers), not model quality or real-model speed.
//
//   npx tsc -p . && node out/bench/embed.bench.js [chunks=3000] [threads=1]
// Appends a line to bench/RESULTS.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbedPool } from '../src/server/embed/embedPool';
import { TextEmbedder } from '../src/server/embed/textEmbedder';
import { repoRoot } from './repoRoot';

const WORDS = (
  'the function returns a vector index for each file and the search query finds similar code ' +
  'import export class interface const let async await error result data model token line path'
).split(' ');

/** Code-like chunks of 40–200 words (deterministic). */
function makeChunks(n: number): string[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: n }, () => {
    const len = 40 + (next() % 160);
    return Array.from({ length: len }, () => WORDS[next() % WORDS.length]).join(' ');
  });
}

async function timed(run: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const count = await run();
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 3000);
  const threads = Number(process.argv[3] ?? 1);
  const batchSize = 32;
  const modelPath = path.join(repoRoot(), 'test', 'fixtures', 'models');
  const settings = { modelId: 'tiny-text', dtype: 'fp32' as const, maxLength: 256, batchSize };
  const source = { modelPath, allowDownload: false };
  const chunks = makeChunks(n);

  const bare = await TextEmbedder.load({ ...settings, ...source, threads });
  const pool = await EmbedPool.start({ text: settings, source, threads, batchSize, maxQueue: 512 });

  const runBare = async () => {
    for (let i = 0; i < chunks.length; i += batchSize) await bare.embed(chunks.slice(i, i + batchSize));
    return chunks.length;
  };
  // An indexer's pattern: one request per file (8 chunks), submitted as fast as back-pressure allows.
  const runPool = async () => {
    const pending: Promise<Float32Array[]>[] = [];
    for (let i = 0; i < chunks.length; i += 8) pending.push((await pool.submit('text', chunks.slice(i, i + 8))).vectors);
    await Promise.all(pending);
    return chunks.length;
  };

  await runBare();
  await runPool(); // warm-up
  const bareRates: number[] = [];
  const poolRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    bareRates.push(await timed(runBare));
    poolRates.push(await timed(runPool));
  }
  await pool.close();
  await bare.dispose();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const bareRate = median(bareRates);
  const poolRate = median(poolRates);
  const ratio = poolRate / bareRate;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  const line =
    `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${cpu}, ${os.availableParallelism()} cores, ` +
    `node ${process.version} | tiny-text fp32, ${n} chunks of 40–200 words, batch ${batchSize}, ${threads} thread(s) | ` +
    `${bareRate.toFixed(0)} | ${poolRate.toFixed(0)} | ${ratio.toFixed(2)}× |`;
  console.log(`bare ${bareRate.toFixed(0)}/s, pool ${poolRate.toFixed(0)}/s, pool/bare ${ratio.toFixed(2)} (target >= 0.8)`);

  appendRow(path.join(repoRoot(), 'bench', 'RESULTS.md'), line);
}

/** Adds a row to this benchmark's table in RESULTS.md (creating the section once), wherever it is. */
function appendRow(file: string, row: string): void {
  const title = '## Embedding: bare model vs EmbedPool (bench/embed.bench.ts)';
  const header = '| date (UTC) | machine | workload | bare emb/s | pool emb/s | pool/bare |\n|---|---|---|---|---|---|';
  const lines = (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n').trimEnd().split('\n');
  const at = lines.indexOf(title);
  if (at < 0) {
    lines.push('', title, '', header, row);
  } else {
    let end = lines.indexOf(header.split('\n')[0], at) + 2; // first row after the separator
    while (end < lines.length && lines[end].startsWith('|')) end++;
    lines.splice(end, 0, row);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
