// Crash runs: a writer does inserts, upserts, deletes, flushes and compactions with several in
// flight, it is SIGKILLed (at a seeded random moment, or at a named crash point via
// LOUPE_CRASH_AT), the store is reopened and checked against what the writer saw acknowledged
// (crashModel.ts): it opens with nothing damaged, every acknowledged write is there with the right
// content, deleted rows are gone, each operation in flight is wholly there or wholly absent, and
// vector and BM25 search work. Two writers: `engine` (crashWriter.ts, the Database API in a
// child) and `serve` (crashServer.ts in a child, driven from here by the Milvus SDK's HttpClient,
// as a `loupe serve` user would). Shared by test/unit/engine/crash*.test.ts and scripts/crash.ts.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ChildProcess, spawn } from 'node:child_process';
import { HttpClient } from '@zilliz/milvus2-sdk-node/dist/milvus/HttpClient';
import type { HttpCollectionCreateReq } from '@zilliz/milvus2-sdk-node/dist/milvus/types/Http';
import { Database } from '../../src/engine/database';
import { type Model, type ModelOp, applyOp, judge } from './crashModel';
import { OpSource, rng, runConcurrently } from './crashOps';
import { CRASH_COLLECTION, CRASH_DIM, crashStoreOptions, vecOf } from './crashWriter';

/** The named kill points a run can use (see src/engine/storage/crashPoint.ts). */
export const CRASH_POINTS = [
  'wal:after-sync',
  'flush:after-segment-write',
  'flush:after-index-write',
  'flush:after-manifest',
  'compact:after-merge',
  'index:after-build',
] as const;

export interface CrashCase {
  seed: number;
  /** Kill at this point (after passing it `skip` times); otherwise at a random moment. */
  crashAt?: string;
  skip?: number;
  /** Crash-and-reopen rounds on the same store (default 2). */
  rounds?: number;
  maxOps?: number;
  /** Operations in flight at once (default 1). */
  concurrency?: number;
  /** Who writes: the engine API in a child (default) or the SDK against a `loupe serve` child. */
  via?: 'engine' | 'serve';
}

export interface CrashOutcome {
  acked: number;
  rows: number;
  /** How each round ended: the crash point, 'random kill', or 'finished'. */
  endings: string[];
  /** Operations in flight at a kill, and how many of them turned out applied (whole). */
  inFlight: number;
  /** Flushes or compactions that started while another was in flight. */
  overlaps: number;
  inFlightApplied: number;
}

interface ChildRun {
  acked: ModelOp[];
  pending: ModelOp[];
  ending: string;
  /** Flushes or compactions started while another was still in flight. */
  overlaps: number;
}

const isCheckpoint = (op: ModelOp): boolean => op.k === 'flush' || op.k === 'compact';

/** Counts a flush or compaction that starts while another is in flight. */
function overlapsWith(started: Map<number, ModelOp>, op: ModelOp): number {
  return isCheckpoint(op) && [...started.values()].some(isCheckpoint) ? 1 : 0;
}

const TOKEN = 'crash-test-token';

function killTimer(c: CrashCase, round: number): number {
  const random = rng(c.seed * 7919 + round);
  // A named point kills the child itself; the timer is the fallback if it is never reached.
  return c.crashAt ? 8000 : (c.via === 'serve' ? 150 : 20) + Math.floor(random() * (c.via === 'serve' ? 1500 : 700));
}

function childEnv(c: CrashCase): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LOUPE_CRASH_AT;
  delete env.LOUPE_CRASH_SKIP;
  if (c.crashAt) {
    env.LOUPE_CRASH_AT = c.crashAt;
    env.LOUPE_CRASH_SKIP = String(c.skip ?? 0);
  }
  return env;
}

/** Reads `<letter> <rest>` lines from a child's stdout. */
function onLines(child: ChildProcess, each: (line: string) => void): void {
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      each(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
}

function ending(c: CrashCase, finished: boolean, timerFired: boolean): string {
  if (finished) return 'finished';
  if (timerFired) return c.crashAt ? `${c.crashAt} not reached; timer` : 'random kill';
  return c.crashAt as string;
}

function runEngineChild(dir: string, c: CrashCase, round: number, firstPk: number): Promise<ChildRun> {
  const maxOps = c.maxOps ?? 600;
  const child = spawn(process.execPath, [path.join(__dirname, 'crashWriter.js'), dir, String(c.seed * 100 + round), String(maxOps), String(firstPk), String(c.concurrency ?? 1)], {
    env: childEnv(c),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = new Map<number, ModelOp>();
  const acked: ModelOp[] = [];
  let overlaps = 0;
  let stderr = '';
  let error = '';
  let timer: NodeJS.Timeout | undefined;
  let timerFired = false;
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  onLines(child, (line) => {
    if (line === 'R') timer = setTimeout(() => {
      timerFired = true;
      child.kill('SIGKILL');
    }, killTimer(c, round));
    else if (line.startsWith('T ')) {
      const sp = line.indexOf(' ', 2);
      const op = JSON.parse(line.slice(sp + 1)) as ModelOp;
      overlaps += overlapsWith(started, op);
      started.set(Number(line.slice(2, sp)), op);
    } else if (line.startsWith('A ')) {
      const id = Number(line.slice(2));
      acked.push(started.get(id) as ModelOp);
      started.delete(id);
    } else if (line === 'D') child.kill('SIGKILL');
    else if (line.startsWith('E ')) error += line.slice(2) + '\n';
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (error || (signal !== 'SIGKILL' && code !== 0)) {
        reject(new Error(`seed ${c.seed}: the writer failed (code ${code}, signal ${signal}): ${error}${stderr}`));
        return;
      }
      resolve({ acked, pending: [...started.values()], ending: ending(c, acked.length >= maxOps, timerFired), overlaps });
    });
  });
}

const SERVE_SCHEMA = {
  collectionName: CRASH_COLLECTION,
  schema: {
    autoId: false,
    enableDynamicField: false,
    fields: [
      { fieldName: 'id', dataType: 'Int64', isPrimary: true },
      { fieldName: 'tag', dataType: 'VarChar', elementTypeParams: { max_length: 64, enable_analyzer: true } },
      { fieldName: 'sparse', dataType: 'SparseFloatVector' },
      { fieldName: 'vec', dataType: 'FloatVector', elementTypeParams: { dim: String(CRASH_DIM) } },
    ],
    functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['tag'], outputFieldNames: ['sparse'], params: {} }],
  },
  indexParams: [
    { fieldName: 'vec', indexName: 'vec', metricType: 'L2', indexType: 'HNSW', params: { M: 8, efConstruction: 32 } },
    { fieldName: 'sparse', indexName: 'sparse', metricType: 'BM25', indexType: 'SPARSE_INVERTED_INDEX' },
  ],
};

/** One operation through the SDK; a reply with a non-zero code is a failure. */
async function runSdkOp(client: HttpClient, op: ModelOp): Promise<void> {
  const collectionName = CRASH_COLLECTION;
  let reply: { code: number; message?: string };
  switch (op.k) {
    case 'insert':
    case 'upsert': {
      const data = op.rows.map(([id, tag]) => ({ id, tag, vec: vecOf(tag) }));
      reply = op.k === 'insert' ? await client.insert({ collectionName, data }) : await client.upsert({ collectionName, data });
      break;
    }
    case 'delete':
      reply = await client.delete({ collectionName, filter: op.filter ?? `id in [${op.pks.join(',')}]` });
      break;
    case 'flush':
      reply = await client.flushCollection({ collectionName });
      break;
    case 'compact':
      reply = await client.compactCollection({ collectionName });
      break;
  }
  if (reply.code !== 0) throw new Error(`code ${reply.code}: ${reply.message}`);
}

async function runServeChild(dir: string, c: CrashCase, round: number, firstPk: number, model: Model): Promise<ChildRun> {
  const maxOps = c.maxOps ?? 600;
  const child = spawn(process.execPath, [path.join(__dirname, 'crashServer.js'), dir, TOKEN], { env: childEnv(c), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let error = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = new Promise<number>((resolve) => onLines(child, (line) => {
    if (line.startsWith('P ')) resolve(Number(line.slice(2)));
    else if (line.startsWith('E ')) error += line.slice(2) + '\n';
  }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const first = await Promise.race([port, exited]);
  if (typeof first !== 'number') throw new Error(`seed ${c.seed}: the server did not start (code ${first.code}): ${error}${stderr}`);
  const client = new HttpClient({ endpoint: `http://127.0.0.1:${first}`, token: TOKEN, timeout: 20_000 });
  // Created on the first round, or on a later one when a kill stopped its creation (a named point
  // such as flush:after-manifest can be reached by createCollection itself).
  if (model.size === 0) {
    const serverDied = (): Promise<boolean> => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    try {
      const has = await client.hasCollection({ collectionName: CRASH_COLLECTION, dbName: 'default' });
      if (has.code !== 0) throw new Error(`hasCollection: ${JSON.stringify(has)}`);
      if (!(has.data as { has: boolean }).has) {
        const created = await client.createCollection(SERVE_SCHEMA as unknown as HttpCollectionCreateReq);
        if (created.code !== 0) throw new Error(`createCollection: ${JSON.stringify(created)}`);
      }
    } catch (err) {
      if (!(await serverDied())) throw err;
      return { acked: [], pending: [], ending: `${c.crashAt ?? 'kill'} while creating the collection`, overlaps: 0 };
    }
  }
  let timerFired = false;
  const timer = setTimeout(() => {
    timerFired = true;
    child.kill('SIGKILL');
  }, killTimer(c, round));
  const started = new Map<number, ModelOp>();
  const acked: ModelOp[] = [];
  let overlaps = 0;
  let failure: Error | undefined;
  await runConcurrently(new OpSource(rng(c.seed * 100 + round), firstPk), maxOps, c.concurrency ?? 4, (op) => runSdkOp(client, op),
    (id, op) => {
      overlaps += overlapsWith(started, op);
      started.set(id, op);
    },
    (id) => {
      acked.push(started.get(id) as ModelOp);
      started.delete(id);
    }).catch((err: Error) => (failure = err));
  // A request that failed because the server died is the kill; one that failed while it lives is a bug.
  const alive = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 3000))]);
  if (!alive) failure = undefined;
  child.kill('SIGKILL');
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (failure || error || (signal !== 'SIGKILL' && code !== 0)) {
    throw new Error(`seed ${c.seed}: the server or its client failed (code ${code}, signal ${signal}): ${failure?.message ?? ''}${error}${stderr}`);
  }
  return { acked, pending: [...started.values()], ending: ending(c, acked.length >= maxOps, timerFired), overlaps };
}

/** Reopens the store, checks it against the model and returns what it holds. */
async function verify(dir: string, seed: number, model: Model, pending: ModelOp[]): Promise<{ model: Model; applied: number }> {
  const db = await Database.open(dir, crashStoreOptions);
  try {
    const fail = (msg: string): never => {
      throw new Error(`seed ${seed}: ${msg}`);
    };
    const report = db.openReports()[CRASH_COLLECTION];
    if (report && report.damaged.length) fail(`damaged after a crash: ${JSON.stringify(report.damaged)}`);
    if (!db.hasCollection(CRASH_COLLECTION)) {
      if (model.size === 0) return { model, applied: 0 };
      fail('the collection is gone');
    }
    const c = db.collection(CRASH_COLLECTION);
    const rows = await c.query({ filter: 'id > 0', outputFields: ['id', 'tag', 'vec'], limit: 10_000_000 });
    const found: Model = new Map();
    for (const r of rows) {
      const pk = r.id as number;
      if (found.has(pk)) fail(`primary key ${pk} appears twice`);
      found.set(pk, r.tag as string);
      const want = vecOf(r.tag as string);
      const got = r.vec as number[];
      if (got.some((v, j) => v !== want[j])) fail(`row ${pk}: vector does not match its tag`);
    }
    let judged: { model: Model; applied: number };
    try {
      judged = judge(found, model, pending);
    } catch (err) {
      return fail((err as Error).message);
    }
    const now = judged.model;
    if (now.size > 0) {
      const [pk, tag] = [...now][Math.floor(now.size / 2)];
      const [hits] = await c.search({ data: [vecOf(tag)], annsField: 'vec', limit: 3, outputFields: ['tag'] });
      if (!hits.length || hits[0].distance > 1e-6 || hits[0].entity.tag !== tag) fail(`vector search for row ${pk} found ${JSON.stringify(hits[0])}`);
      const word = tag.split(' ')[1];
      const [text] = await c.search({ data: [word], annsField: 'sparse', limit: 5, outputFields: ['tag'] });
      if (!text.length || text.some((h) => !(h.entity.tag as string).split(' ').includes(word))) fail(`BM25 search for "${word}" found ${JSON.stringify(text)}`);
    }
    return judged;
  } finally {
    await db.close();
  }
}

export async function runCrashCase(c: CrashCase): Promise<CrashOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-crash-'));
  try {
    let model: Model = new Map();
    const out: CrashOutcome = { acked: 0, rows: 0, endings: [], inFlight: 0, inFlightApplied: 0, overlaps: 0 };
    for (let round = 0; round < (c.rounds ?? 2); round++) {
      const firstPk = round * 1_000_000 + 1;
      const run = c.via === 'serve' ? await runServeChild(dir, c, round, firstPk, model) : await runEngineChild(dir, c, round, firstPk);
      for (const op of run.acked) model = applyOp(model, op);
      const v = await verify(dir, c.seed, model, run.pending);
      model = v.model;
      out.acked += run.acked.length;
      out.endings.push(run.ending);
      out.inFlight += run.pending.filter((op) => !isCheckpoint(op)).length;
      out.overlaps += run.overlaps;
      out.inFlightApplied += v.applied;
    }
    out.rows = model.size;
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
