// WAL append throughput: rows/s for 384-dim rows, one row or 1000 rows per append, appended with
// sequential awaits or by 64 concurrent appenders (where group commit batches fsyncs).
// Run: npx tsc -p . --outDir /tmp/out && node /tmp/out/bench/wal.bench.js
// Prints a markdown table and appends it to bench/RESULTS.md under "## Storage".

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendToSection } from './results';
import { WriteAheadLog } from '../src/engine/storage/wal';
import type { WalOp } from '../src/engine/storage/walRecord';

const DIM = 384;

function makeOp(firstId: number, rows: number): WalOp {
  const vectors = new Float32Array(rows * DIM);
  for (let i = 0; i < vectors.length; i++) vectors[i] = Math.sin(i + firstId);
  return {
    type: 'insert',
    rows: Array.from({ length: rows }, (_, i) => ({ id: firstId + i, path: `src/file${firstId + i}.ts`, line: i })),
    vectors: { embedding: vectors },
  };
}

interface Case { batch: number; appenders: number; appendsEach: number }

async function run(c: Case): Promise<{ rowsPerSec: number; appendsPerSec: number; fsyncs: number; mbPerSec: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-wal-bench-'));
  try {
    const { wal } = await WriteAheadLog.open(dir);
    // Encoding is part of an append's cost, but building the rows is not: make them first.
    const ops = Array.from({ length: c.appenders }, (_, a) => makeOp(a * 1_000_000, c.batch));
    const start = process.hrtime.bigint();
    await Promise.all(ops.map(async (op) => {
      for (let i = 0; i < c.appendsEach; i++) await wal.append(op);
    }));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const appends = c.appenders * c.appendsEach;
    const result = {
      rowsPerSec: (appends * c.batch) / seconds,
      appendsPerSec: appends / seconds,
      fsyncs: wal.stats.batches,
      mbPerSec: wal.stats.bytes / 1e6 / seconds,
    };
    await wal.close();
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cases: Array<Case & { label: string }> = [
    { label: 'sequential awaits', batch: 1, appenders: 1, appendsEach: 2000 },
    { label: '64 concurrent appenders', batch: 1, appenders: 64, appendsEach: 100 },
    { label: 'sequential awaits', batch: 1000, appenders: 1, appendsEach: 30 },
    { label: '64 concurrent appenders', batch: 1000, appenders: 64, appendsEach: 1 },
  ];
  const lines = [
    '| rows per append | appenders | appends | rows/s | appends/s | fsyncs | appends per fsync | MB/s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cases) {
    const r = await run(c);
    const appends = c.appenders * c.appendsEach;
    lines.push(`| ${c.batch} | ${c.label} | ${appends} | ${Math.round(r.rowsPerSec).toLocaleString('en-US')} | ${Math.round(r.appendsPerSec).toLocaleString('en-US')} | ${r.fsyncs} | ${(appends / r.fsyncs).toFixed(1)} | ${r.mbPerSec.toFixed(0)} |`);
    console.log(lines[lines.length - 1]);
  }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '',
    `### WAL append, ${DIM}-dim rows, fsync per batch (bench/wal.bench.ts) — ${when} UTC, ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${os.tmpdir()}`,
    '',
    ...lines,
    '',
  ].join('\n');
  const target = appendToSection('Storage', section);
  console.log(`appended to ${target}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
