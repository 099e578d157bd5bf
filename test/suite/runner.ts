// A tiny test runner for inside the extension host, where node:test is not available as a
// process-level runner. Runs registered cases in order; writes results to LOUPE_TEST_OUT/suite.json
// (read by test/e2e/suite.e2e.test.ts) and rejects if any failed (read by @vscode/test-electron).

import * as fs from 'node:fs';
import * as path from 'node:path';

interface Case {
  name: string;
  fn: () => Promise<void> | void;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface SuiteReport {
  passed: number;
  failed: number;
  tests: CaseResult[];
}

const cases: Case[] = [];
const CASE_TIMEOUT_MS = 90_000;

export function test(name: string, fn: Case['fn']): void {
  cases.push({ name, fn });
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function runCases(): Promise<SuiteReport> {
  const tests: CaseResult[] = [];
  for (const c of cases) {
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(c.fn), CASE_TIMEOUT_MS, c.name);
      tests.push({ name: c.name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      const err = e as Error;
      tests.push({ name: c.name, ok: false, ms: Date.now() - t0, error: err.stack ?? err.message });
    }
  }
  const report = { passed: tests.filter((t) => t.ok).length, failed: tests.filter((t) => !t.ok).length, tests };
  const out = process.env.LOUPE_TEST_OUT;
  if (out) {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'suite.json.tmp'), JSON.stringify(report, null, 2));
    fs.renameSync(path.join(out, 'suite.json.tmp'), path.join(out, 'suite.json'));
  }
  for (const t of tests) console.log(`${t.ok ? 'ok' : 'not ok'} - ${t.name} (${t.ms} ms)${t.error ? `\n${t.error}` : ''}`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  return report;
}
