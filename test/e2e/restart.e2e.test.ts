// Restarts in a real VS Code: after "Developer: Reload Window" (a new extension host, so a new
// language server) and after the language server is killed (vscode-languageclient starts a new
// one), the index on disk is reused — nothing re-embedded, nothing lost — and search answers at
// once. One code-server for both; the second test starts from the state the first left.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { IndexStatus } from '../../src/protocol/requests';
import { waitFor, waitForText, withCodeServer, type CodeServerSession } from './harness';
import { paletteSearch, waitForIndex } from './searchUi';

/**
 * Pids of this session's language servers: processes running dist/server.js from the session's
 * own extensions dir, so a server from another code-server on the machine never matches.
 */
function serverPids(s: CodeServerSession): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    if (cmdline.includes(s.extensionsDir) && cmdline.includes('dist/server.js')) pids.push(Number(entry));
  }
  return pids;
}

/** Until exactly one server runs and it is not `old`; returns its pid. */
function waitForNewServer(s: CodeServerSession, old: number, what: string): Promise<number> {
  return waitFor(() => {
    const pids = serverPids(s);
    return pids.length === 1 && pids[0] !== old ? pids[0] : undefined;
  }, 60_000, what);
}

/** Opens "Loupe: Show Index Status" and waits until it says `pattern`; returns its text. */
async function statusDocument(s: CodeServerSession, pattern: RegExp): Promise<string> {
  await s.runCommand('Loupe: Show Index Status');
  const editor = s.page.locator('.editor-instance .monaco-editor .view-lines');
  return waitForText(editor, pattern, 30_000);
}

function count(doc: string, row: string): number {
  const n = new RegExp(`${row}: +(\\d+)`).exec(doc)?.[1];
  assert.ok(n, `no "${row}:" row in the status document:\n${doc}`);
  return Number(n);
}

/** A palette search for "circle area" lists circleArea; closes the palette. */
async function searchFindsCircleArea(s: CodeServerSession, screenshot: string): Promise<void> {
  const q = await paletteSearch(s, 'circle area');
  await q.rows.filter({ hasText: 'circleArea' }).first().waitFor({ timeout: 15_000 });
  await s.screenshot(screenshot);
  await q.input.press('Escape');
}

test('restarts reuse the index on disk', { timeout: 240_000 }, async (t) => {
  await withCodeServer({ name: 'restart' }, async (s) => {
    await waitForIndex(s);
    const first = await statusDocument(s, /Last full pass: +[1-9]\d* files re-indexed/);
    assert.match(first, /Index: +built from scratch/);
    const files = count(first, 'Files');
    const chunks = count(first, 'Chunks');
    const [firstServer] = serverPids(s);
    assert.ok(firstServer, 'no language server process found');

    await t.test('Reload Window: a new server reuses the index; search answers at once', async () => {
      await s.runCommand('Developer: Reload Window');
      const server = await waitForNewServer(s, firstServer, 'a new language server after the reload');
      await s.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await s.statusBarItem('Loupe: ready').waitFor({ timeout: 60_000 });
      const doc = await statusDocument(s, /Last full pass: +0 files re-indexed/);
      assert.match(doc, /Index: +reused from disk/);
      assert.match(doc, new RegExp(`Last full pass: +0 files re-indexed, ${files} unchanged, 0 removed`));
      assert.equal(count(doc, 'Files'), files);
      assert.equal(count(doc, 'Chunks'), chunks);
      await s.screenshot('restart-reload-status');
      await searchFindsCircleArea(s, 'restart-reload-search');
      assert.deepEqual(serverPids(s), [server], 'the server changed during the search');
    });

    await t.test('a killed server is restarted, reuses the index and still finds circleArea', async () => {
      const [victim] = serverPids(s);
      assert.ok(victim, 'no language server process found');
      const killedAt = Date.now();
      process.kill(victim, 'SIGKILL');
      await waitForNewServer(s, victim, 'vscode-languageclient to start a new server');
      // The status bar said "ready" before the kill too: first wait until the extension heard the
      // new server finish its pass (status.json is rewritten on every status change).
      const statusFile = path.join(s.outDir, 'status.json');
      await s.waitForOut<{ status: IndexStatus }>(
        'status.json',
        (o) => fs.statSync(statusFile).mtimeMs > killedAt && o.status.state === 'ready' && o.status.lastPass !== undefined,
        60_000,
        'the new server to finish its first pass',
      );
      await s.statusBarItem('Loupe: ready').waitFor({ timeout: 15_000 });
      await s.screenshot('restart-crash-status-bar');
      const doc = await statusDocument(s, /Last full pass: +0 files re-indexed/);
      assert.match(doc, /State: +ready/);
      assert.match(doc, /Index: +reused from disk/);
      assert.match(doc, /Server: +running/);
      assert.equal(count(doc, 'Files'), files);
      assert.equal(count(doc, 'Chunks'), chunks);
      await s.screenshot('restart-crash-status');
      await searchFindsCircleArea(s, 'restart-crash-search');

      // It came back by itself, so no "server stopped, run Restart Server" error. The search was a
      // round trip through the extension host, so a notification sent before it is shown by now;
      // the Notifications center keeps it after its toast hides.
      await s.runCommand('Notifications: Show Notifications');
      const center = s.page.locator('.notifications-center');
      await center.waitFor({ state: 'visible' });
      await s.screenshot('restart-crash-notifications');
      const stopped = center.locator('.notification-list-item', { hasText: 'server stopped' });
      assert.equal(await stopped.count(), 0, 'a "server stopped" error is shown although the server restarted');
    });
  });
});
