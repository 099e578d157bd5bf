// The chat tool, invoked the way a chat participant does (vscode.lm.invokeTool), inside the
// extension host: its text names the hit's place and symbol; a bad filter comes back as text.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitForState } from './extension.suite';
import { test } from './runner';

async function invoke(input: object): Promise<string> {
  const result = await vscode.lm.invokeTool('loupe_search', { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

test('the loupe_search chat tool is registered with the declared name', () => {
  assert.ok(vscode.lm.tools.some((t) => t.name === 'loupe_search'), `tools: ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
});

test('loupe_search returns the hits as text, filters and limit applied', async () => {
  const status = await waitForState('ready', 60_000);
  assert.ok(status.chunks > 0, 'nothing indexed');
  const text = await invoke({ query: 'circle area', filter: 'language == "typescript"', limit: 2 });
  assert.match(text, /^2 results for "circle area"/);
  assert.match(text, /src\/math\.ts:\d+-\d+ \(function circleArea, typescript\)/);
  assert.doesNotMatch(text, /util\.py|\.md:/);
});

test('loupe_search reports a filter error with its position', async () => {
  const text = await invoke({ query: 'area', filter: 'kind ==' });
  assert.match(text, /^Loupe search failed: filter: .*position 7/);
});
