// Shared steps for the search faces' e2e tests: wait for the index, type into the Loupe QuickPick,
// reach into the sidebar webview.

import type { FrameLocator, Locator } from 'playwright-core';
import type { IndexStatus } from '../../src/protocol/requests';
import type { CodeServerSession } from './harness';

interface StatusOut {
  serverRunning: boolean;
  status: IndexStatus;
}

/** Until the first indexing pass is done and files are in the index. */
export async function waitForIndex(s: CodeServerSession): Promise<IndexStatus> {
  const out = await s.waitForOut<StatusOut>(
    'status.json',
    (o) => o.serverRunning && o.status.state === 'ready' && o.status.chunks > 0,
    120_000,
    'the index to be ready',
  );
  await s.statusBarItem('Loupe: ready').waitFor({ timeout: 30_000 });
  return out.status;
}

export function quickInput(s: CodeServerSession): { input: Locator; title: Locator; rows: Locator } {
  const widget = s.page.locator('.quick-input-widget');
  return {
    input: widget.locator('input'),
    title: widget.locator('.quick-input-title'),
    rows: widget.locator('.quick-input-list .monaco-list-row'),
  };
}

/**
 * Runs `command` from the command palette and waits for the QuickPick it opens (its title
 * contains `title`). The palette can lose a command when an editor opening from the previous
 * step takes focus between typing and Enter (a driver race, not a product answer): then it is
 * run again; a third miss fails the test with a screenshot.
 */
export async function openQuickPick(s: CodeServerSession, command: string, title: string): Promise<ReturnType<typeof quickInput>> {
  const q = quickInput(s);
  const opened = q.title.filter({ hasText: title });
  for (let attempt = 1; ; attempt++) {
    await s.runCommand(command);
    if (await opened.waitFor({ timeout: 10_000 }).then(() => true, () => false)) return q;
    await s.screenshot(`palette-open-failure-${attempt}`);
    if (attempt === 3) throw new Error(`"${command}" did not open its QuickPick (see test-results/palette-open-failure-*.png)`);
  }
}

/** Opens "Loupe: Search Workspace" and types `query`; returns the QuickPick parts. */
export async function paletteSearch(s: CodeServerSession, query: string): Promise<ReturnType<typeof quickInput>> {
  const q = await openQuickPick(s, 'Loupe: Search Workspace', 'Loupe: Search Workspace');
  await q.input.fill(query);
  return q;
}

/** The sidebar page, after opening the Loupe view from the activity bar. */
export async function openSidebar(s: CodeServerSession): Promise<FrameLocator> {
  await s.page.locator('.activitybar .action-item a[aria-label^="Loupe"]').first().click();
  const frame = s.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('#query').waitFor({ timeout: 30_000 });
  return frame;
}
