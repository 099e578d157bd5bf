// The palette and editor faces in a real VS Code: "Loupe: Search Workspace" with filter
// shortcuts, a shortcut error in the title, the answer read by file (file rows in rank order,
// chunks with their lines under them), the "Similar in workspace" hover and its link, and live
// updates (edit + save is found, a deleted file's results go). One code-server for all.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { waitFor, withCodeServer } from './harness';
import { openQuickPick, paletteSearch, quickInput, waitForIndex } from './searchUi';

test('palette search, shortcut errors, hover, live updates', { timeout: 300_000 }, async (t) => {
  await withCodeServer({ name: 'palette' }, async (s) => {
    await waitForIndex(s);
    const { page } = s;

    await t.test('a filter shortcut finds the symbol; accept opens it at its line', async () => {
      const q = await paletteSearch(s, 'lang:ts kind:function circle area');
      const row = q.rows.filter({ hasText: 'circleArea' }).first();
      await row.waitFor({ timeout: 15_000 });
      const description = await row.locator('.label-description').innerText();
      const line = /math\.ts:(\d+)/.exec(description)?.[1];
      assert.ok(line, `no math.ts:line in "${description}"`);
      // Only TypeScript functions: no Python or Markdown hit slipped through.
      const all = (await q.rows.allInnerTexts()).join('\n');
      assert.doesNotMatch(all, /util\.py|\.md:/);
      await s.screenshot('palette-search');
      await q.input.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: 'math.ts' }).waitFor();
      await s.statusBarItem(new RegExp(`Ln ${line}, Col 1`)).waitFor({ timeout: 10_000 });
    });

    await t.test('a shortcut that does not parse shows its error in the title', async () => {
      const q = await paletteSearch(s, 'area since:banana');
      await q.title.filter({ hasText: 'is not a duration' }).waitFor({ timeout: 15_000 }).catch(async (e: Error) => {
        await s.screenshot('palette-error-failure');
        throw e;
      });
      await s.screenshot('palette-error');
      await q.input.press('Escape');
    });

    await t.test('the answer reads by file: files in rank order, each with its chunks and their lines', async () => {
      const q = await paletteSearch(s, 'circle area');
      await q.rows.filter({ hasText: 'circleArea' }).first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300); // the list settles on the last answer
      const rows = await q.rows.evaluateAll((els) =>
        els.map((e) => ({ label: e.querySelector('.label-name')?.textContent ?? '', description: e.querySelector('.label-description')?.textContent ?? '' })),
      );
      await s.screenshot('palette-by-file');
      const isFile = (r: { description: string }) => /^\d+ chunks?$/.test(r.description);
      assert.ok(rows.length > 1 && isFile(rows[0]), `the first row is not a file: ${JSON.stringify(rows[0])}`);
      const files: string[] = [];
      let current = '';
      let left = 0;
      for (const r of rows) {
        if (isFile(r)) {
          assert.equal(left, 0, `${current} lists fewer chunks than it says`);
          assert.ok(!files.includes(r.label), `${r.label} is listed twice`);
          files.push(r.label);
          current = r.label;
          left = Number(/^\d+/.exec(r.description)?.[0]);
          continue;
        }
        // A chunk of the file above: its name and lines, e.g. math.ts:5–9 · function.
        assert.match(r.description, /^[^:]+:\d+(–\d+)? · \w+$/);
        assert.equal(r.description.split(':')[0], current.split('/').pop(), `${r.label} (${r.description}) is not under its file ${current}`);
        left--;
      }
      assert.ok(files.includes('src/math.ts'), files.join(', '));
      await q.input.press('Escape');
    });

    await t.test('Search Images lists image hits; accept opens the image', async () => {
      const q = await openQuickPick(s, 'Loupe: Search Images', 'Loupe: Search Images');
      await q.input.fill('a red square');
      const row = q.rows.filter({ hasText: 'red-square.png' }).first();
      await row.waitFor({ timeout: 15_000 });
      await s.screenshot('palette-images');
      await row.click();
      await page.locator('.tabs-container .tab.active', { hasText: 'red-square.png' }).waitFor({ timeout: 10_000 });
    });

    await t.test('Find Similar to Selection from the editor context menu', async () => {
      await s.openFile('math.ts');
      const word = page.locator('.editor-instance .monaco-editor .view-lines span', { hasText: /^perimeter$/ }).first();
      await word.click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-label', { hasText: 'Find Similar to Selection' }).first();
      await item.hover();
      await item.click();
      // A click that lands while the menu still animates in is dropped; the hovered item takes Enter.
      await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => page.keyboard.press('Enter'));
      const q = quickInput(s);
      await q.title.filter({ hasText: /Loupe: Similar to src\/math\.ts:\d+/ }).waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
        await s.screenshot('palette-similar-failure');
        throw e;
      });
      await q.rows.first().waitFor({ timeout: 15_000 });
      const rows = await q.rows.allInnerTexts();
      assert.ok(rows.length > 0 && !rows[0].includes('$(error)'), `rows: ${rows.join(' | ')}`);
      assert.ok(!rows.some((r) => /perimeter/.test(r) && /math\.ts:2[5-7]/.test(r)), 'the selected method itself is listed');
      await s.screenshot('palette-similar');
      await q.input.press('Escape');
    });

    await t.test('hover shows Similar in workspace; its link opens the other place', async () => {
      await s.openFile('util.py');
      const word = page.locator('.editor-instance .monaco-editor .view-lines span', { hasText: /^std_dev$/ }).first();
      await word.hover();
      const hover = page.locator('.monaco-hover', { hasText: 'Similar in workspace' });
      await hover.waitFor({ timeout: 20_000 });
      const link = hover.locator('a', { hasText: /:\d+/ }).first();
      const target = await link.innerText();
      assert.doesNotMatch(await hover.innerText(), /util\.py:1[4-7]\b/, 'the hovered chunk itself is listed');
      await s.screenshot('hover-similar');
      const [, file, startLine] = /([^/\s]+):(\d+)/.exec(target) ?? [];
      assert.ok(file, `unexpected link text ${target}`);
      await link.click();
      await page.locator('.tabs-container .tab.active', { hasText: file }).waitFor({ timeout: 10_000 });
      await s.statusBarItem(new RegExp(`Ln ${startLine}, Col`)).waitFor({ timeout: 10_000 });
    });

    await t.test('an edited and saved file is found; a deleted file is gone', async () => {
      await s.openFile('README.md');
      const editor = page.locator('.editor-instance .monaco-editor textarea').first();
      await editor.focus();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nThe quokka marmalade recipe lives here.\n');
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });

      const found = await waitFor(async () => {
        // lang:md keeps README.md's rows in view (code files' chunks would fill the first screen
        // of a hybrid answer grouped by file); the row shows the line that matched.
        const q = await paletteSearch(s, 'quokka marmalade lang:md');
        const row = q.rows.filter({ hasText: 'README.md' }).filter({ hasText: 'quokka marmalade recipe' }).first();
        const ok = await row.waitFor({ timeout: 2_000 }).then(() => true, () => false);
        await q.input.press('Escape');
        return ok || undefined;
      }, 20_000, 'the saved text to be found');
      assert.equal(found, true);

      fs.rmSync(path.join(s.workspace, 'src', 'util.py'));
      await waitFor(async () => {
        const q = await paletteSearch(s, 'mean of values lang:py');
        await q.title.filter({ hasText: /results in/ }).waitFor({ timeout: 5_000 });
        await page.waitForTimeout(300);
        const rows = (await q.rows.allInnerTexts()).join('\n');
        await q.input.press('Escape');
        return rows.includes('util.py') ? undefined : true;
      }, 20_000, 'util.py to leave the results');
    });
  });
});
