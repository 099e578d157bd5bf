// The "Similar in workspace" hover through VS Code's hover API, inside the extension host: links
// are command links to loupe.openLocation only, the hovered chunk is never listed, and
// `loupe.hover.enabled: false` turns it off.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitForState } from './extension.suite';
import { test } from './runner';

async function loupeHover(uri: vscode.Uri, position: vscode.Position): Promise<string | undefined> {
  const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position)) as vscode.Hover[];
  const texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
  return texts.find((t) => t.includes('Similar in workspace'));
}

test('hover lists similar chunks elsewhere, with loupe.openLocation links', async () => {
  await waitForState('ready', 60_000);
  const [uri] = await vscode.workspace.findFiles('src/util.py');
  assert.ok(uri, 'src/util.py is not in the workspace');
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = doc.getText().split('\n').findIndex((l) => l.startsWith('def std_dev'));
  const md = await loupeHover(uri, new vscode.Position(line, 6));
  assert.ok(md, 'no Similar in workspace hover');
  const links = [...md.matchAll(/\]\((command:[^)]*)\)/g)].map((m) => m[1]);
  assert.ok(links.length >= 1 && links.length <= 3, `links: ${links.join(' ')}`);
  for (const link of links) {
    assert.match(link, /^command:loupe\.openLocation\?/);
    const [arg] = JSON.parse(decodeURIComponent(link.slice(link.indexOf('?') + 1))) as Array<{ uri: string; startLine: number; endLine: number }>;
    const self = arg.uri === uri.toString() && arg.startLine <= line && line <= arg.endLine;
    assert.equal(self, false, 'the hovered chunk itself is listed');
  }
});

test('loupe.hover.enabled: false turns the hover off', async () => {
  const config = vscode.workspace.getConfiguration('loupe');
  await config.update('hover.enabled', false, vscode.ConfigurationTarget.Global);
  try {
    const [uri] = await vscode.workspace.findFiles('src/math.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('function clamp'));
    assert.equal(await loupeHover(uri, new vscode.Position(line, 18)), undefined);
  } finally {
    await config.update('hover.enabled', undefined, vscode.ConfigurationTarget.Global);
  }
});
