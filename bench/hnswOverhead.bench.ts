// Loupe's HNSW against raw hnswlib-node on the same graph, measured in alternating rounds so
// that load on a shared machine hits both sides alike: the ratio is the wrapper's cost (query
// check, distance conversion, result arrays). Run: `npm run bench:hnsw -- [--n 30000]`.

import * as os from 'node:os';
import { createIndex } from '../src/engine/index/factory';
import type { VectorIndex } from '../src/engine/index/types';
import { clusteredDataset } from '../test/support/synthetic';
import { appendToSection } from './results';

interface NativeHolder {
  native: { setEf(ef: number): void; searchKnn(q: number[], k: number): { neighbors: number[] } };
}

function main(): void {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const n = arg('--n', 30000);
  const dim = 384;
  const k = 10;
  const rounds = arg('--rounds', 9);
  const data = clusteredDataset({ n, dim, clusters: 256, intrinsicDim: 32, seed: 7 });
  const queries = data.sample(500, 8);
  const index = createIndex({ indexType: 'HNSW', metricType: 'L2', params: { M: 16, efConstruction: 200 } }, dim);
  const t0 = performance.now();
  index.add(Uint32Array.from({ length: n }, (_, i) => i), data.vectors);
  const buildS = (performance.now() - t0) / 1000;
  const native = (index as VectorIndex & NativeHolder).native;
  const qs: Float32Array[] = [];
  for (let i = 0; i < queries.length / dim; i++) qs.push(queries.subarray(i * dim, (i + 1) * dim));
  const asArrays = qs.map((q) => Array.from(q)); // a raw hnswlib user already holds number[]

  const lines: string[] = ['| ef | Loupe QPS (median) | raw QPS (median) | ratio per round (median) | min–max ratio |', '|---:|---:|---:|---:|---:|'];
  const verdicts: string[] = [];
  for (const ef of [32, 64, 128]) {
    const ours: number[] = [];
    const raw: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first so neither always gets the warmer cache.
      const order = r % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours'];
      const qps: Record<string, number> = {};
      for (const side of order) {
        const t = performance.now();
        if (side === 'ours') for (const q of qs) index.search(q, k, { ef });
        else {
          native.setEf(ef);
          for (const q of asArrays) native.searchKnn(q, k);
        }
        qps[side] = qs.length / ((performance.now() - t) / 1000);
      }
      ours.push(qps.ours);
      raw.push(qps.raw);
      ratios.push(qps.ours / qps.raw);
    }
    const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    lines.push(`| ${ef} | ${med(ours).toFixed(0)} | ${med(raw).toFixed(0)} | ${med(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} |`);
    verdicts.push(`ef=${ef}: ${med(ratios).toFixed(2)}×`);
    console.log(lines[lines.length - 1]);
  }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const load = os.loadavg()[0].toFixed(1);
  const section = [
    '',
    `### Loupe HNSW vs raw hnswlib-node, interleaved rounds (bench/hnswOverhead.bench.ts) — ${when} UTC, ${cpu}, ${os.cpus().length} cores, node ${process.version}, load ${load}`,
    '',
    `${n} × ${dim} clustered synthetic, M=16 efC=200 (build ${buildS.toFixed(1)} s), ${qs.length} queries, k=${k}, ${rounds} alternating rounds per ef; both sides search the same native graph.`,
    '',
    ...lines,
    '',
    `Target HNSW QPS ≥ 0.9× raw hnswlib-node: ${verdicts.every((v) => Number(v.split(': ')[1].replace('×', '')) >= 0.9) ? '**met**' : '**missed**'} (${verdicts.join(', ')}).`,
    '',
  ].join('\n');
  console.log(`appended to ${appendToSection('HNSW wrapper overhead', section)}`);
}

main();
