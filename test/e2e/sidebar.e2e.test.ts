// The Loupe sidebar in a real VS Code: filtered search (language control + raw Milvus
// expression), results by file with line ranges and the server's matched terms in <mark>, a
// file's further chunks on request, an invalid expression's error inline, image search by text
// and by a chosen image file with thumbnails, keyboard navigation, HTML in a file shown as text
// (marked, never injected), state kept across hide/show, and screenshots in a light and a dark
// theme. One code-server.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { withCodeServer } from './harness';
import { openSidebar, quickInput, waitForIndex } from './searchUi';

/** Clears the form, then types the query; the page searches after a short pause. */
async function sidebarSearch(
  frame: FrameLocator,
  form: { query: string; mode?: string; language?: string; expr?: string },
  expectResults = true,
): Promise<void> {
  // The filter controls hide in image mode: set them first, in a text mode.
  await frame.locator('#mode').selectOption('hybrid');
  await frame.locator('#language').selectOption(form.language ?? '');
  await frame.locator('#expr').fill(form.expr ?? '');
  await frame.locator('#mode').selectOption(form.mode ?? 'hybrid');
  await frame.locator('#query').fill(form.query);
  await frame.locator('#query').press('Enter');
  // The title names the query of the answer on screen; earlier answers are not it.
  if (expectResults) await frame.locator('#title', { hasText: form.query }).waitFor({ timeout: 15_000 });
}

test('sidebar: filters, expression errors, images, safety, themes', { timeout: 300_000 }, async (t) => {
  await withCodeServer({ name: 'sidebar', settings: { 'workbench.colorTheme': 'Default Light Modern' } }, async (s) => {
    await waitForIndex(s);
    const { page } = s;
    const frame = await openSidebar(s);
    await frame.locator('#status', { hasText: /\d+ files · \d+ chunks · \d+ images/ }).waitFor({ timeout: 15_000 });

    await t.test('language control + raw expression show only matching results', async () => {
      await sidebarSearch(frame, { query: 'mean values', language: 'python', expr: 'kind == "function"' });
      const hits = frame.locator('.hit');
      await hits.first().waitFor({ timeout: 15_000 });
      const files = await frame.locator('.file-path').allInnerTexts();
      assert.ok(files.length > 0);
      assert.deepEqual([...new Set(files)], ['src/util.py']);
      const kinds = await frame.locator('.hit-kind').allInnerTexts();
      assert.ok(kinds.every((k) => k === 'function'), `kinds: ${kinds.join(', ')}`);
      // Matched terms are highlighted.
      assert.ok((await frame.locator('.snippet mark').count()) > 0, 'no highlighted terms');
      await frame.locator('#status', { hasText: /last query \d+ ms/ }).waitFor();
      await s.screenshot('sidebar-light');

      // Keyboard: down from the query box to the first result, Enter opens it at its range.
      const firstLines = await frame.locator('.hit-lines').first().innerText();
      await frame.locator('#query').press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: 'util.py' }).waitFor({ timeout: 10_000 });
      const start = /L(\d+)/.exec(firstLines)?.[1];
      await s.statusBarItem(new RegExp(`Ln ${start}, Col 1`)).waitFor({ timeout: 10_000 });
    });

    await t.test('results read by file: files once each, chunks with their lines, the matched terms marked', async () => {
      await sidebarSearch(frame, { query: 'circle area', mode: 'text' });
      await frame.locator('.hit').first().waitFor({ timeout: 15_000 });
      const paths = await frame.locator('.file .file-path').allInnerTexts();
      assert.ok(paths.includes('src/math.ts'), paths.join(', '));
      assert.equal(new Set(paths).size, paths.length, `a file is listed twice: ${paths.join(', ')}`);
      for (const l of await frame.locator('.hit-lines').allInnerTexts()) assert.match(l, /^L\d+(–\d+)?$/);
      // The server's ranges: circleArea's parts in its name, only the query's words in snippets.
      const area = frame.locator('.hit', { has: frame.locator('.hit-symbol', { hasText: 'circleArea' }) }).first();
      assert.deepEqual(await area.locator('.hit-symbol mark').allInnerTexts(), ['circle', 'Area']);
      const marks = await frame.locator('.snippet mark').allInnerTexts();
      assert.ok(marks.length > 0, 'no highlighted terms');
      assert.ok(marks.every((m) => ['circle', 'area'].includes(m.toLowerCase())), `marked: ${marks.join(', ')}`);
      await s.screenshot('sidebar-by-file');
    });

    await t.test('a file with many matching chunks shows its best ones and the rest on request', async () => {
      // Every chunk of src/math.ts says "math", "number" or "export" (four of them).
      await sidebarSearch(frame, { query: 'math number export', mode: 'text', language: 'typescript' });
      const file = frame.locator('.file', { has: frame.locator('.file-path', { hasText: 'src/math.ts' }) });
      await file.locator('.hit').first().waitFor({ timeout: 15_000 });
      const total = await file.locator('.hit').count();
      assert.ok(total > 3, `src/math.ts has ${total} chunks on the page`);
      assert.equal(await file.locator('.file-count').innerText(), `${total} chunks`);
      assert.equal(await file.locator('.hit:visible').count(), 3);
      assert.equal(await file.locator('.file-more').innerText(), `${total - 3} more in this file`);
      await file.locator('.file-more').click();
      assert.equal(await file.locator('.hit:visible').count(), total);
      assert.equal(await file.locator('.file-more').count(), 0);
      await s.screenshot('sidebar-file-expanded');
    });

    await t.test('"more like this" lists other chunks like a result', async () => {
      await sidebarSearch(frame, { query: 'standard deviation', language: 'python' });
      const hit = frame.locator('.hit').first();
      const place = await hit.getAttribute('title');
      assert.ok(place, 'a result without its place');
      await hit.hover();
      await hit.locator('.more').click();
      await frame.locator('#title', { hasText: `Like ${place.replace(/–/g, '-')}` }).waitFor({ timeout: 15_000 });
      await frame.locator('.hit').first().waitFor();
      const places = await frame.locator('.hit').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
      assert.ok(!places.includes(place), `${place} is listed as like itself`);
    });

    await t.test('an invalid expression shows its error inline with the position', async () => {
      await sidebarSearch(frame, { query: 'mean', expr: 'kind == ' }, false);
      const error = frame.locator('#expr-error');
      await error.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await error.innerText(), /filter:.*position \d+/s);
      assert.equal(await frame.locator('.hit').count(), 0);
      await s.screenshot('sidebar-expr-error');
    });

    await t.test('image search by text shows thumbnails', async () => {
      await sidebarSearch(frame, { query: 'a red square', mode: 'image' });
      const thumb = frame.locator('.image-hit img.thumb').first();
      await thumb.waitFor({ timeout: 15_000 });
      const captions = await frame.locator('.image-hit .caption').allInnerTexts();
      assert.ok(captions.includes('assets/red-square.png'), `captions: ${captions.join(', ')}`);
      // The thumbnail really loaded through the webview resource URI (CSP and roots allow it).
      await frame.locator('.image-hit img.thumb').first().evaluate((img) =>
        // Runs in the page, where img is an HTMLImageElement; the test compiles without DOM types.
        (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0
          ? true
          : new Promise((ok, fail) => {
          img.addEventListener('load', () => ok(true));
          img.addEventListener('error', () => fail(new Error('the thumbnail did not load')));
        }),
      );
      await s.screenshot('sidebar-images-by-text');
    });

    await t.test('image search by choosing the fixture image', async () => {
      await frame.locator('#choose-image').click();
      // code-server shows VS Code's own file dialog: a path box in the quick input.
      const q = quickInput(s);
      await q.input.waitFor({ state: 'visible', timeout: 10_000 });
      // It first fills in the workspace folder and lists it; typing before that would be replaced.
      await q.rows.filter({ hasText: 'assets' }).first().waitFor({ timeout: 10_000 });
      await q.input.fill(path.join(s.workspace, 'assets', 'blue-circle.png'));
      // The dialog lists the folder and settles on the typed file before it accepts it.
      await q.rows.filter({ hasText: 'blue-circle.png' }).first().waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300);
      await q.input.press('Enter');
      await frame.locator('#title', { hasText: 'Images like assets/blue-circle.png' }).waitFor({ timeout: 15_000 }).catch(async (e: Error) => {
        await s.screenshot('sidebar-choose-failure');
        throw e;
      });
      const first = frame.locator('.image-hit .caption').first();
      await first.waitFor({ timeout: 15_000 });
      assert.equal(await first.innerText(), 'assets/blue-circle.png', 'the chosen image is its own nearest neighbour');
      await s.screenshot('sidebar-images-by-image');
    });

    await t.test('image search by pasting an image', async () => {
      const b64 = fs.readFileSync(path.join(s.workspace, 'assets', 'red-square.png')).toString('base64');
      // What a paste of an image file delivers to the page (written as a string: the test has no DOM types).
      await frame.locator('body').evaluate(`(() => {
        const bytes = Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }));
      })()`);
      await frame.locator('#title', { hasText: 'Images like pasted.png' }).waitFor({ timeout: 15_000 });
      assert.equal(await frame.locator('.image-hit .caption').first().innerText(), 'assets/red-square.png');
    });

    await t.test('HTML in a file renders as text, nothing is injected', async () => {
      await sidebarSearch(frame, { query: 'raw HTML script alert onerror', mode: 'text' });
      const snippet = frame.locator('.snippet', { hasText: '<script>alert(1)</script>' }).first();
      await snippet.waitFor({ timeout: 15_000 });
      assert.match(await snippet.innerText(), /<img src=x onerror=alert\(1\)>/);
      // Only the page's own script (and VS Code's webview glue) exist; nothing came from the file.
      const injected = await frame.locator('#results').evaluate((results) => ({
        images: results.querySelectorAll('img').length,
        scripts: results.querySelectorAll('script').length,
        withHandlers: results.querySelectorAll('[onerror],[onload],[onclick]').length,
        alertScripts: [...results.ownerDocument.scripts].filter((x) => x.textContent?.includes('alert(1)')).length,
      }));
      assert.deepEqual(injected, { images: 0, scripts: 0, withHandlers: 0, alertScripts: 0 });
      // The matched words inside the HTML are marked, and the marks hold text only.
      const marked = await snippet.locator('mark').allInnerTexts();
      assert.ok(marked.map((m) => m.toLowerCase()).includes('script'), `marked: ${marked.join(', ')}`);
      assert.ok(marked.every((m) => ['raw', 'html', 'script', 'alert', 'onerror'].includes(m.toLowerCase())), `marked: ${marked.join(', ')}`);
      assert.equal(await snippet.locator('mark *').count(), 0);
      await s.screenshot('sidebar-html-as-text');
    });

    await t.test('the form and results survive hiding the view; dark theme', async () => {
      await sidebarSearch(frame, { query: 'circle area', language: 'typescript' });
      await frame.locator('.hit-symbol', { hasText: 'circleArea' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
      await page.locator('.explorer-folders-view').waitFor();
      const again = await openSidebar(s);
      assert.equal(await again.locator('#query').inputValue(), 'circle area');
      assert.equal(await again.locator('#language').inputValue(), 'typescript');
      await again.locator('.hit-symbol', { hasText: 'circleArea' }).first().waitFor({ timeout: 10_000 });

      await s.runCommand('Preferences: Color Theme');
      const q = quickInput(s);
      await q.input.fill('Default Dark Modern');
      await q.rows.filter({ hasText: 'Default Dark Modern' }).first().click();
      // VS Code tells the webview its theme through the body's class and the CSS variables.
      await again.locator('body.vscode-dark').waitFor({ timeout: 15_000 }).catch(async (e: Error) => {
        await s.screenshot('sidebar-dark-failure');
        throw e;
      });
      await s.screenshot('sidebar-dark');
    });
  });
});
