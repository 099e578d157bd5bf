// Filter throughput: compile a Milvus filter once, run it over 100k chunk-like rows.
// Run: npx tsc -p . --outDir /tmp/out && node /tmp/out/bench/expr.bench.js
// Prints a markdown table (compile µs, rows/s, rows kept) to paste under "## Filter expressions".

import * as os from 'node:os';
import { compileFilter } from '../src/engine/expr';
import type { CollectionSchema, Row } from '../src/engine/schema/types';

const N = 100_000;
const schema: CollectionSchema = {
  enableDynamicField: true,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimary: true },
    { name: 'path', dataType: 'VarChar' },
    { name: 'lang', dataType: 'VarChar' },
    { name: 'line', dataType: 'Int32' },
    { name: 'size', dataType: 'Int64', nullable: true },
    { name: 'meta', dataType: 'JSON' },
    { name: 'tags', dataType: 'Array', elementType: 'VarChar' },
    { name: 'embedding', dataType: 'FloatVector', dim: 4 },
  ],
};
const LANGS = ['ts', 'py', 'go', 'rs', 'md'];

function makeRows(): Row[] {
  return Array.from({ length: N }, (_, i) => ({
    id: i,
    path: `src/${LANGS[i % 5]}/file${i % 997}.${LANGS[i % 5]}`,
    lang: LANGS[i % 5],
    line: i % 4000,
    size: i % 11 === 0 ? null : (i * 7919) % 20_000,
    meta: { kind: i % 3 === 0 ? 'function' : 'class', depth: i % 7 },
    tags: i % 2 === 0 ? ['export', 'async'] : ['internal'],
    $meta: { author: i % 13 === 0 ? 'ada' : 'bob' },
  }));
}

const FILTERS = [
  'lang == "ts"',
  'lang in ["ts", "py"] and 100 < line < 2000',
  'path like "src/ts/%" and size is not null',
  'meta["kind"] == "function" and meta["depth"] >= 3',
  'array_contains(tags, "async") or author == "ada"',
  'not (size * 2 > 10000 or line % 7 == 0)',
  'path like "%file1_.%"',
];

function main(): void {
  const rows = makeRows();
  const lines = [
    `### Filter expressions (bench/expr.bench.ts) — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus()[0]?.model.split(' ')[0] ?? 'cpu'}, ${os.cpus().length} cores, node ${process.version}`,
    '',
    `| filter | compile µs | rows/s (${N / 1000}k rows) | rows kept |`,
    '|---|---|---|---|',
  ];
  for (const text of FILTERS) {
    const c0 = process.hrtime.bigint();
    const reps = 200;
    for (let i = 0; i < reps; i++) compileFilter(text, schema);
    const compileUs = Number(process.hrtime.bigint() - c0) / 1e3 / reps;
    const keep = compileFilter(text, schema);
    let kept = 0;
    for (const r of rows) if (keep(r)) kept++; // warm-up
    const rounds = 10;
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < rounds; k++) for (const r of rows) if (keep(r)) kept++;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rate = Math.round((N * rounds) / seconds);
    lines.push(`| \`${text}\` | ${compileUs.toFixed(1)} | ${rate.toLocaleString('en-US')} | ${kept / (rounds + 1)} |`);
  }
  console.log(lines.join('\n'));
}

main();
