// /v2/vectordb/jobs/import/*: create, list, get_progress. A job reads JSON row files (Milvus's
// import format: `{"rows": [...]}` or a plain array of rows) from the import folder — the stand-in
// for Milvus's bucket: `<data dir>/import/`, paths taken relative to it, never outside — checks
// every row of every file, and only then inserts, so a bad row fails the job with nothing stored.
// Jobs run in the background and are kept in memory (a restart forgets finished jobs).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { invalid } from '../errors';
import { checkRows } from '../schema/checkRows';
import type { Row } from '../schema/types';
import { type Route, collectionOf, ok } from './route';
import type { RestDatabase } from './route';

const MAX_FILE_BYTES = 512 * 1024 * 1024;
const BATCH = 1000;
const MAX_JOBS = 1000;

type JobState = 'Pending' | 'Importing' | 'Completed' | 'Failed';

interface Job {
  jobId: string;
  dbName: string;
  collectionName: string;
  files: string[];
  state: JobState;
  progress: number;
  reason: string;
  importedRows: number;
  totalRows: number;
  createdAt: number;
  completeTime: string;
}

const jobs = new Map<string, Job>();
let seq = 0;

export const importRoutes: Record<string, Route> = {
  create: async (db, body, ctx) => {
    const c = collectionOf(db, body);
    const partitionName = body.optStr('partitionName') || undefined;
    if (partitionName) c.partitions.check(partitionName);
    const groups = body.arr('files');
    if (groups.length === 0) throw invalid('files: give at least one file');
    const files = groups.map((g, i) => {
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== 1 || typeof list[0] !== 'string' || list[0] === '') throw invalid(`files[${i}]: a JSON import is one file path per entry, e.g. [["rows.json"]]`);
      if (!/\.json$/i.test(list[0])) throw invalid(`files[${i}]: "${list[0]}" is not a .json file; only JSON row files are imported`);
      return list[0];
    });
    const job: Job = {
      jobId: String(Date.now() * 1000 + (++seq % 1000)),
      dbName: ctx.dbName,
      collectionName: c.name,
      files,
      state: 'Pending',
      progress: 0,
      reason: '',
      importedRows: 0,
      totalRows: 0,
      createdAt: Date.now(),
      completeTime: '',
    };
    jobs.set(job.jobId, job);
    if (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value as string);
    void run(job, db, c.name, partitionName, ctx.importRoot);
    return ok({ jobId: job.jobId });
  },

  list: async (_db, body, ctx) => {
    const name = body.optStr('collectionName');
    const records = [...jobs.values()]
      .filter((j) => j.dbName === ctx.dbName && (!name || j.collectionName === name))
      .map((j) => ({ jobId: j.jobId, collectionName: j.collectionName, state: j.state, progress: j.progress, reason: j.reason }));
    return ok({ records });
  },

  get_progress: async (_db, body, ctx) => {
    const id = body.str('jobId');
    const j = jobs.get(id);
    if (!j || j.dbName !== ctx.dbName) throw invalid(`import job ${id} not found in database "${ctx.dbName}"`);
    return ok({
      jobId: j.jobId,
      collectionName: j.collectionName,
      state: j.state,
      progress: j.progress,
      reason: j.reason,
      importedRows: j.importedRows,
      totalRows: j.totalRows,
      completeTime: j.completeTime,
      details: j.files.map((fileName) => ({ fileName, state: j.state, progress: j.progress })),
    });
  },
};

async function run(job: Job, db: RestDatabase, collection: string, partition: string | undefined, root: string | undefined): Promise<void> {
  try {
    if (!root) throw new Error('this server has no data directory, so there is no import folder to read from');
    job.state = 'Importing';
    const c = db.collection(collection);
    const batches: Row[][] = [];
    for (const file of job.files) {
      const rows = await readRows(root, file);
      // Check everything before storing anything (ids are not drawn: this is only a check).
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        try {
          checkRows(c.schema, batch, () => 0, false);
        } catch (e) {
          throw new Error(`${file}: rows ${i}–${i + batch.length - 1}: ${(e as Error).message}`);
        }
        batches.push(batch);
      }
      job.totalRows += rows.length;
    }
    for (const batch of batches) {
      await c.insert(batch, partition);
      job.importedRows += batch.length;
      job.progress = Math.floor((100 * job.importedRows) / Math.max(1, job.totalRows));
    }
    job.progress = 100;
    job.state = 'Completed';
  } catch (e) {
    job.state = 'Failed';
    job.reason = (e as Error).message;
  } finally {
    job.completeTime = new Date().toISOString();
  }
}

async function readRows(root: string, file: string): Promise<Row[]> {
  // Like a bucket key: a leading slash is the folder's root, and nothing may climb out of it.
  const full = path.resolve(root, '.' + path.sep + file.replace(/^[/\\]+/, ''));
  if (full !== root && !full.startsWith(root + path.sep)) throw new Error(`"${file}" is outside the import folder ${root}`);
  const stat = await fs.stat(full).catch(() => undefined);
  if (!stat?.isFile()) throw new Error(`file "${file}" not found in the import folder ${root}`);
  if (stat.size > MAX_FILE_BYTES) throw new Error(`"${file}" is ${stat.size} bytes; the limit is ${MAX_FILE_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(full, 'utf8'));
  } catch (e) {
    throw new Error(`"${file}" is not valid JSON: ${(e as Error).message}`);
  }
  const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new Error(`"${file}" must hold {"rows": [...]} or an array of rows`);
  return rows as Row[];
}
