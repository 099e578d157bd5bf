// Runs the in-VS-Code integration suite (test/suite) inside code-server's extension host: the
// extension loads it after activation because LOUPE_TEST_SUITE points at it, and the suite writes
// its results to LOUPE_TEST_OUT/suite.json.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { SuiteReport } from '../suite/runner';
import { withCodeServer } from './harness';

test('integration suite passes inside the extension host', { timeout: 180_000 }, async () => {
  const suite = path.resolve(__dirname, '..', 'suite', 'index.js');
  await withCodeServer({ name: 'suite', env: { LOUPE_TEST_SUITE: suite } }, async (s) => {
    const report = await s.waitForOut<SuiteReport>('suite.json', () => true, 120_000, 'suite.json');
    await s.screenshot('suite-finished');
    const failures = report.tests.filter((t) => !t.ok).map((t) => `${t.name}:\n${t.error}`);
    assert.deepEqual(failures, [], failures.join('\n\n'));
    assert.ok(report.passed >= 7, `only ${report.passed} cases ran`);
  });
});
