// The extension in a real VS Code: it activates, starts its server, shows the index state in the
// status bar, logs its activation time, and shows the index status from the palette.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexStatus } from '../../src/protocol/requests';
import { waitForText, withCodeServer } from './harness';

interface StatusOut {
  activationMs: number;
  trusted: boolean;
  serverRunning: boolean;
  status: IndexStatus;
}

test('activates, reaches ready, logs activation time and shows the index status', { timeout: 180_000 }, async () => {
  await withCodeServer({ name: 'activation' }, async (s) => {
    // The status bar item goes starting → ready once the server answered.
    await s.statusBarItem('Loupe: ready').waitFor({ timeout: 60_000 });
    const out = s.readOut<StatusOut>('status.json');
    assert.ok(out, 'the extension wrote no status.json');
    assert.equal(out.serverRunning, true);
    assert.equal(out.status.state, 'ready');
    await s.screenshot('activation-status-bar');

    const output = await s.showOutputChannel('Loupe');
    const log = await waitForText(output, /Loupe server started in \d+ ms/);
    assert.match(log, /Loupe activated in \d+ ms/);
    await s.screenshot('activation-output-channel');

    await s.runCommand('Loupe: Show Index Status');
    const editor = s.page.locator('.editor-instance .monaco-editor .view-lines');
    const doc = await waitForText(editor, '# Loupe index status');
    for (const row of [/State: +ready/, /Files: +\d+/, /Chunks: +\d+/, /Server: +running/]) {
      assert.match(doc, row);
    }
    await s.page.locator('.tabs-container .tab', { hasText: 'Loupe Index Status' }).waitFor();
    await s.screenshot('activation-index-status');

    // Pause from the palette: the status bar follows the server's answer.
    await s.runCommand('Loupe: Pause Indexing');
    await s.statusBarItem('Loupe: paused').waitFor({ timeout: 15_000 });
    await waitForText(editor, /State: +paused/);
    await s.runCommand('Loupe: Resume Indexing');
    await s.statusBarItem('Loupe: ready').waitFor({ timeout: 15_000 });
  });
});
