// Entry of the in-VS-Code integration suite. Two launchers load it:
//  - code-server (test/e2e/suite.e2e.test.ts): the extension requires this file when
//    LOUPE_TEST_SUITE points at it, after activation (see src/extension/testHooks.ts);
//  - @vscode/test-electron (runElectron.ts) as extensionTestsPath, where VS Code can be downloaded.
// Both call run(); it rejects when a case failed.

import './extension.suite';
import './searchTool.suite';
import './hover.suite';
import { runCases } from './runner';

export async function run(): Promise<void> {
  const report = await runCases();
  if (report.failed > 0) {
    const names = report.tests.filter((t) => !t.ok).map((t) => t.name);
    throw new Error(`${report.failed} integration test(s) failed: ${names.join('; ')}`);
  }
}
