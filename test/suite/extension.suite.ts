// Integration cases that run inside VS Code's extension host against the installed extension,
// through its commands and the `vscode` API.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexStatus } from '../../src/protocol/requests';
import { test } from './runner';

const EXTENSION_ID = 'loupe-dev.loupe';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    views?: Record<string, Array<{ id: string }>>;
    configuration: { properties: Record<string, { default?: unknown; description?: string; markdownDescription?: string }> };
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext;
}

/** The status the extension last wrote to LOUPE_TEST_OUT (the only status channel besides the UI). */
export async function waitForState(state: IndexStatus['state'], ms = 20_000): Promise<IndexStatus> {
  const out = process.env.LOUPE_TEST_OUT;
  assert.ok(out, 'LOUPE_TEST_OUT is not set');
  const t0 = Date.now();
  let last: IndexStatus | undefined;
  while (Date.now() - t0 < ms) {
    const file = path.join(out, 'status.json');
    if (fs.existsSync(file)) {
      last = (JSON.parse(fs.readFileSync(file, 'utf8')) as { status: IndexStatus }).status;
      if (last.state === state) return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`state did not become ${state} within ${ms} ms; last: ${JSON.stringify(last)}`);
}

test('the extension is active', async () => {
  const ext = extension();
  if (!ext.isActive) await ext.activate();
  assert.equal(ext.isActive, true);
});

test('every contributed command is registered, and no undeclared loupe.* command', async () => {
  const manifest = extension().packageJSON as Manifest;
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  // VS Code adds `<view id>.focus`, `.open`, ... for every contributed view; those are not ours.
  const views = Object.values(manifest.contributes.views ?? {}).flat().map((v) => `${v.id}.`);
  const registered = (await vscode.commands.getCommands(true))
    .filter((c) => c.startsWith('loupe.') && !views.some((v) => c.startsWith(v)))
    .sort();
  assert.deepEqual(registered, declared);
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'Loupe', `${c.command} has no Loupe category`);
});

test('every loupe.* setting has a description and a default that VS Code knows', () => {
  const props = (extension().packageJSON as Manifest).contributes.configuration.properties;
  const config = vscode.workspace.getConfiguration();
  for (const [key, prop] of Object.entries(props)) {
    assert.ok(prop.description ?? prop.markdownDescription, `${key} has no description`);
    assert.ok('default' in prop, `${key} has no default`);
    assert.deepEqual(config.inspect(key)?.defaultValue, prop.default, `${key}: VS Code has another default`);
  }
});

test('the server reaches ready and reports counts', async () => {
  const status = await waitForState('ready', 60_000);
  for (const n of [status.files, status.chunks, status.images]) assert.ok(Number.isInteger(n) && n >= 0);
});

test('pause and resume go through the server and come back with its status', async () => {
  const paused = (await vscode.commands.executeCommand('loupe.pause')) as IndexStatus | undefined;
  assert.equal(paused?.state, 'paused');
  await waitForState('paused');
  const resumed = (await vscode.commands.executeCommand('loupe.resume')) as IndexStatus | undefined;
  assert.ok(resumed && resumed.state !== 'paused', `still paused: ${JSON.stringify(resumed)}`);
  await waitForState('ready', 60_000);
});

test('Show Index Status opens the status document with the server state', async () => {
  await waitForState('ready', 60_000);
  await vscode.commands.executeCommand('loupe.showStatus');
  const doc = vscode.window.activeTextEditor?.document;
  assert.equal(doc?.uri.scheme, 'loupe-status');
  assert.match(doc.getText(), /State: +ready/);
  assert.match(doc.getText(), /Server: +running/);
});

test('Restart Server starts a new server that reaches ready', async () => {
  const status = (await vscode.commands.executeCommand('loupe.restartServer')) as IndexStatus;
  assert.ok(!['error', 'paused', 'untrusted'].includes(status.state), `after restart: ${JSON.stringify(status)}`);
  await waitForState('ready', 60_000);
});
