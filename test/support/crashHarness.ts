// Runs crashWriter.ts in a child, kills it (at a seeded random moment, or at a named crash point
// via LOUPE_CRASH_AT), reopens the store and checks it against what the child acknowledged:
// it opens with nothing damaged, every acknowledged write is there with the right content,
// deleted rows are gone, the one operation in flight is either wholly there or wholly absent,
// and vector and BM25 search work. Shared by test/unit/engine/crash.test.ts and scripts/crash.ts.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Database } from '../../src/engine/database';
import { CRASH_COLLECTION, type ModelOp, crashStoreOptions, rng, vecOf } from './crashWriter';

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
}

export interface CrashOutcome {
  acked: number;
  rows: number;
  /** How each round ended: the crash point, 'random kill', or 'finished'. */
  endings: string[];
  /** Rounds where the operation in flight turned out to be applied. */
  inFlightApplied: number;
}

type Model = Map<number, string>;

function applyOp(model: Model, op: ModelOp): Model {
  const m = new Map(model);
  if (op.k === 'insert' || op.k === 'upsert') for (const [pk, tag] of op.rows) m.set(pk, tag);
  if (op.k === 'delete') for (const pk of op.pks) m.delete(pk);
  return m;
}

function childScript(): string {
  return path.join(__dirname, 'crashWriter.js');
}

interface ChildRun { acked: ModelOp[]; pending: ModelOp | undefined; ending: string }

function runChild(dir: string, c: CrashCase, round: number, firstPk: number): Promise<ChildRun> {
  const random = rng(c.seed * 7919 + round);
  const env = { ...process.env };
  delete env.LOUPE_CRASH_AT;
  delete env.LOUPE_CRASH_SKIP;
  if (c.crashAt) {
    env.LOUPE_CRASH_AT = c.crashAt;
    env.LOUPE_CRASH_SKIP = String(c.skip ?? 0);
  }
  const child = spawn(process.execPath, [childScript(), dir, String(c.seed * 100 + round), String(c.maxOps ?? 600), String(firstPk)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: ModelOp[] = [];
  let pending: ModelOp | undefined;
  let buf = '';
  let stderr = '';
  let error = '';
  let timer: NodeJS.Timeout | undefined;
  let timerFired = false;
  // A named point kills the child itself; the timer is the fallback if it is never reached.
  const killAfter = c.crashAt ? 8000 : 20 + Math.floor(random() * 700);
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === 'R') timer = setTimeout(() => {
        timerFired = true;
        child.kill('SIGKILL');
      }, killAfter);
      else if (line.startsWith('T ')) pending = JSON.parse(line.slice(2)) as ModelOp;
      else if (line === 'A') {
        acked.push(pending as ModelOp);
        pending = undefined;
      } else if (line === 'D') child.kill('SIGKILL');
      else if (line.startsWith('E ')) error += line.slice(2) + '\n';
    }
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (error || (signal !== 'SIGKILL' && code !== 0)) {
        reject(new Error(`seed ${c.seed}: the writer failed (code ${code}, signal ${signal}): ${error}${stderr}`));
        return;
      }
      const ending = acked.length >= (c.maxOps ?? 600) ? 'finished' : timerFired ? (c.crashAt ? `${c.crashAt} not reached; timer` : 'random kill') : (c.crashAt as string);
      resolve({ acked, pending, ending });
    });
  });
}

/** Reopens the store and checks it; returns the contents found. */
async function verify(dir: string, seed: number, model: Model, pending: ModelOp | undefined): Promise<{ model: Model; applied: boolean }> {
  const db = await Database.open(dir, crashStoreOptions);
  try {
    const fail = (msg: string): never => {
      throw new Error(`seed ${seed}: ${msg}`);
    };
    const report = db.openReports()[CRASH_COLLECTION];
    if (report && report.damaged.length) fail(`damaged after a crash: ${JSON.stringify(report.damaged)}`);
    if (!db.hasCollection(CRASH_COLLECTION)) {
      if (model.size === 0) return { model, applied: false };
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
    const same = (a: Model, b: Model): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    const withPending = pending ? applyOp(model, pending) : model;
    let applied = false;
    if (same(found, model)) applied = false;
    else if (same(found, withPending)) applied = true;
    else {
      const missing = [...model].filter(([k, v]) => found.get(k) !== v).slice(0, 5);
      const extra = [...found].filter(([k, v]) => model.get(k) !== v).slice(0, 5);
      fail(`contents differ from the acknowledged writes (in flight: ${JSON.stringify(pending)}); ` +
        `expected ${model.size} rows, found ${found.size}; wrong or missing: ${JSON.stringify(missing)}; unexpected: ${JSON.stringify(extra)}`);
    }
    const now = applied ? withPending : model;
    if (now.size > 0) {
      const [pk, tag] = [...now][Math.floor(now.size / 2)];
      const [hits] = await c.search({ data: [vecOf(tag)], annsField: 'vec', limit: 3, outputFields: ['tag'] });
      if (!hits.length || hits[0].distance > 1e-6 || hits[0].entity.tag !== tag) fail(`vector search for row ${pk} found ${JSON.stringify(hits[0])}`);
      const word = tag.split(' ')[1];
      const [text] = await c.search({ data: [word], annsField: 'sparse', limit: 5, outputFields: ['tag'] });
      if (!text.length || text.some((h) => !(h.entity.tag as string).split(' ').includes(word))) fail(`BM25 search for "${word}" found ${JSON.stringify(text)}`);
    }
    return { model: now, applied };
  } finally {
    await db.close();
  }
}

export async function runCrashCase(c: CrashCase): Promise<CrashOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-crash-'));
  try {
    let model: Model = new Map();
    const out: CrashOutcome = { acked: 0, rows: 0, endings: [], inFlightApplied: 0 };
    for (let round = 0; round < (c.rounds ?? 2); round++) {
      const run = await runChild(dir, c, round, round * 1_000_000 + 1);
      for (const op of run.acked) model = applyOp(model, op);
      const v = await verify(dir, c.seed, model, run.pending);
      model = v.model;
      out.acked += run.acked.length;
      out.endings.push(run.ending);
      if (v.applied) out.inFlightApplied++;
    }
    out.rows = model.size;
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
