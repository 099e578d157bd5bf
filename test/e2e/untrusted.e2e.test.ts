// In an untrusted workspace (Restricted Mode) Loupe must not start its server, so nothing is
// scanned or embedded; the status bar and a notification say why. Granting trust starts it.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { IndexStatus } from '../../src/protocol/requests';
import { withCodeServer } from './harness';

interface StatusOut {
  trusted: boolean;
  serverRunning: boolean;
  status: IndexStatus;
}

test('untrusted workspace: indexing is off until trusted', { timeout: 180_000 }, async () => {
  await withCodeServer({ name: 'untrusted', trust: false }, async (s) => {
    await s.statusBarItem('Loupe: off (untrusted)').waitFor({ timeout: 60_000 });
    await s.page
      .locator('.notifications-toasts', { hasText: 'nothing is indexed until you trust it' })
      .waitFor({ timeout: 15_000 });
    await s.screenshot('untrusted-status-bar');

    const out = s.readOut<StatusOut>('status.json');
    assert.ok(out, 'the extension wrote no status.json');
    assert.equal(out.trusted, false);
    assert.equal(out.serverRunning, false, 'the server must not run in an untrusted workspace');
    assert.equal(out.status.state, 'untrusted');
    assert.equal(out.status.files, 0);
    // Nothing was written where the index lives (the extension's storageUri).
    const storage = path.join(s.userDataDir, 'User', 'workspaceStorage');
    const indexDirs = fs.existsSync(storage)
      ? fs.readdirSync(storage).filter((d) => fs.existsSync(path.join(storage, d, 'loupe-dev.loupe')))
      : [];
    assert.deepEqual(indexDirs, [], 'an index folder was created in an untrusted workspace');

    // Control commands refuse, with the same explanation.
    await s.runCommand('Loupe: Reindex Workspace');
    await s.page
      .locator('.notifications-toasts', { hasText: 'Loupe is off in this untrusted workspace' })
      .first()
      .waitFor({ timeout: 15_000 });

    // Trusting the folder starts the server (workspace.onDidGrantWorkspaceTrust).
    await s.runCommand('Workspaces: Manage Workspace Trust');
    await s.page.getByRole('button', { name: 'Trust', exact: true }).first().click();
    await s.statusBarItem('Loupe: ready').waitFor({ timeout: 60_000 });
    const after = await s.waitForOut<StatusOut>('status.json', (o) => o.serverRunning, 15_000, 'server running');
    assert.equal(after.trusted, true);
    const created = fs.readdirSync(storage).filter((d) => fs.existsSync(path.join(storage, d, 'loupe-dev.loupe')));
    assert.equal(created.length, 1, 'once trusted, the server keeps its index in storageUri');
    await s.screenshot('untrusted-then-trusted');
  });
});
