// `npm run test:electron`: runs the integration suite in a VS Code downloaded by
// @vscode/test-electron. Needs network access to VS Code's download servers; on machines without
// it (like our CI) use the code-server route instead: `npm run test:e2e` runs the same suite.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../repoRoot';

async function main(): Promise<void> {
  const root = repoRoot();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electron-'));
  const workspace = path.join(root, 'test', 'fixtures', 'workspace');
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'index.js'),
    extensionTestsEnv: { LOUPE_TEST_OUT: out },
    launchArgs: [fs.existsSync(workspace) ? workspace : out, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((e: Error) => {
  console.error(`test:electron failed: ${e.message}`);
  process.exit(1);
});
