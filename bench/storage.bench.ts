// Durable storage: flush time, index build time (in the worker), compaction time, and reopen +
// first query against the build time, for an n × 384 HNSW collection (default n = 100k).
// Target: reopen + first query ≤ 2% of the build time. Also reports the longest event-loop stall
// seen during each step (builds and compaction should not hold the main thread).
// WAL append throughput is bench/wal.bench.ts. Run: npm run bench:storage [-- --n 20000]
// Appends a table to bench/RESULTS.md under "## Storage".

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendToSection } from './results';
import { Database } from '../src/engine/database';
import type { CollectionSchema } from '../src/engine/schema/types';

const DIM = 384;
const schema: CollectionSchema = {
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'path', dataType: 'VarChar', maxLength: 200 },
    { name: 'vec', dataType: 'FloatVector', dim: DIM },
  ],
};
const HNSW = { indexType: 'HNSW' as const, metricType: 'COSINE' as const, params: { M: 16, efConstruction: 200 } };

/** Measures `fn` and the longest gap between 10 ms ticks while it runs (event-loop stall). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; stallMs: number; value: T }> {
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 10);
    last = now;
  }, 10);
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  clearInterval(tick);
  stall = Math.max(stall, performance.now() - last - 10);
  return { ms, stallMs: Math.max(0, stall), value };
}

function vector(i: number): number[] {
  // Pseudo-random but reproducible; clustered enough that HNSW has real work to do.
  let s = (i * 2654435761) >>> 0;
  return Array.from({ length: DIM }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5 + Math.sin(i % 97);
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const n = argv.includes('--n') ? Number(argv[argv.indexOf('--n') + 1]) : 100_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-storage-bench-'));
  const opts = { flushIntervalMs: 0, sealBytes: 2 ** 40, autoCompact: false };
  const rows: Array<[string, number, number]> = [];
  const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  try {
    let db = await Database.open(dir, opts);
    const c = await db.createCollection('chunks', schema);
    const ins = await timed(async () => {
      for (let from = 0; from < n; from += 1000) {
        const count = Math.min(1000, n - from);
        await c.insert(Array.from({ length: count }, (_, k) => ({ id: from + k, path: `src/file${from + k}.ts`, vec: vector(from + k) })));
      }
    });
    rows.push([`insert ${n.toLocaleString('en-US')} rows (WAL, batches of 1000)`, ins.ms, ins.stallMs]);
    const flush = await timed(() => c.flush());
    rows.push(['flush: seal + write segment (no index yet)', flush.ms, flush.stallMs]);
    const build = await timed(() => c.createIndex('vec', HNSW));
    rows.push([`HNSW build (M=16, efConstruction=200) in the worker + index file`, build.ms, build.stallMs]);
    const query = vector(12_345 % n);
    const [before] = await c.search({ data: [query], annsField: 'vec', limit: 10 });
    await db.close();

    const reopen = await timed(async () => {
      db = await Database.open(dir, opts);
      return db.collection('chunks').search({ data: [query], annsField: 'vec', limit: 10 });
    });
    const [hits] = reopen.value;
    // The reopened index must answer exactly as the one that was built.
    if (JSON.stringify(hits.map((h) => h.id)) !== JSON.stringify(before.map((h) => h.id))) {
      throw new Error(`first query after reopen differs: ${JSON.stringify(hits.map((h) => h.id))} vs ${JSON.stringify(before.map((h) => h.id))}`);
    }
    if (db.openReports().chunks.warnings.length) throw new Error(`reopen repaired something: ${db.openReports().chunks.warnings.join('; ')}`);
    rows.push(['reopen + first query', reopen.ms, reopen.stallMs]);

    const c2 = db.collection('chunks');
    await c2.delete({ filter: `id % 4 == 0` });
    const compact = await timed(() => c2.compact());
    rows.push(['compaction: drop 25% deleted rows, rebuild index in the worker, write', compact.ms, compact.stallMs]);
    await db.close();

    const ratio = reopen.ms / build.ms;
    const met = ratio <= 0.02;
    const lines = [
      '| step | time | longest event-loop stall |',
      '|---|---|---|',
      ...rows.map(([what, ms, stall]) => `| ${what} | ${fmt(ms)} | ${fmt(stall)} |`),
    ];
    const verdict = `Reopen + first query = ${(ratio * 100).toFixed(2)}% of the build time (target ≤ 2%): **${met ? 'met' : 'missed'}**.`;
    console.log([...lines, '', verdict].join('\n'));
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const section = [
      '',
      `### Flush, build, reopen, compaction: ${n.toLocaleString('en-US')} × ${DIM} HNSW (bench/storage.bench.ts) — ${when} UTC, ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${os.tmpdir()}`,
      '',
      ...lines,
      '',
      verdict,
      '',
    ].join('\n');
    const target = appendToSection('Storage', section);
    console.log(`appended to ${target}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
