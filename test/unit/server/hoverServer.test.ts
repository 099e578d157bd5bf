// textDocument/hover from the language server over --stdio, as any LSP editor asks it: "Similar in
// workspace" with file links, never to the hovered chunk; unsaved buffers count; and no hover is
// advertised when the client says it has its own (the VS Code extension).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { Method, type IndexStatus, type InitializationOptions } from '../../../src/protocol/requests';
import { copyWorkspace } from './indexerFixtures';
import { eventually, startStdioServer, type StdioServer } from './lspStdio';

const servers: StdioServer[] = [];

async function startServer(workspace: string | undefined, extra: Partial<InitializationOptions>): Promise<StdioServer> {
  const running = await startStdioServer({ workspace, options: extra });
  servers.push(running);
  return running;
}

type HoverAnswer = { contents: { kind: string; value: string } } | null;

/** The `(target)` of every markdown link, as file path and 1-based line. */
function links(markdown: string): Array<{ file: string; line: number }> {
  return [...markdown.matchAll(/\]\((file:[^)#]+)#L(\d+)\)/g)].map((m) => ({ file: decodeURIComponent(new URL(m[1]).pathname), line: Number(m[2]) }));
}

let ws: string;
let server: StdioServer;

before(async () => {
  ws = copyWorkspace();
  server = await startServer(ws, {});
  await eventually(
    () => server.conn.sendRequest(Method.status) as Promise<IndexStatus>,
    (s) => s.state === 'ready' && s.files > 0 && !!s.lastFlush,
    'the first pass never finished',
  );
});

after(async () => {
  for (const s of servers) await s.stop();
});

test('hovering a function shows "Similar in workspace" with links elsewhere, never to itself', async () => {
  assert.equal(server.capabilities.hoverProvider, true);
  const file = path.join(ws, 'src', 'math.ts');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('function circleArea'));
  const end = lines.findIndex((l, i) => i > line && l === '}');
  const hover = (await server.conn.sendRequest('textDocument/hover', {
    textDocument: { uri: pathToFileURL(file).href },
    position: { line, character: lines[line].indexOf('circleArea') + 2 },
  })) as HoverAnswer;
  assert.ok(hover, 'a hover came back');
  assert.equal(hover.contents.kind, 'markdown');
  assert.match(hover.contents.value, /Similar in workspace/);
  const targets = links(hover.contents.value);
  assert.ok(targets.length >= 1 && targets.length <= 3, `1 to 3 links: ${hover.contents.value}`);
  for (const t of targets) {
    assert.ok(fs.existsSync(t.file), `links to a real file: ${t.file}`);
    // The hovered function spans (0-based) line-1 (its doc comment) .. end; 1-based line .. end+1.
    assert.ok(!(t.file === file && t.line >= line && t.line <= end + 1), `links away from the hovered function: ${hover.contents.value}`);
  }
});

test('hovering a function that exists only in an unsaved buffer finds its chunk', async () => {
  const file = path.join(ws, 'src', 'math.ts');
  const uri = pathToFileURL(file).href;
  const text = `${fs.readFileSync(file, 'utf8')}\nexport function quokkaHelper(radius: number): number {\n  return Math.PI * radius * radius * 7;\n}\n`;
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('quokkaHelper'));
  await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
  // No wait for the edit debounce: the hover indexes the pending buffer itself.
  const hover = (await server.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line, character: lines[line].indexOf('quokkaHelper') },
  })) as HoverAnswer;
  assert.ok(hover, 'a hover came back');
  for (const t of links(hover.contents.value)) assert.ok(!(t.file === file && t.line >= line + 1 && t.line <= line + 3), `not the hovered chunk: ${hover.contents.value}`);
  // Whitespace is not a symbol: nothing to hover.
  const blank = lines.findIndex((l, i) => i > 0 && l === '');
  assert.equal(await server.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: blank, character: 0 } }), null);
  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

test('with clientHover: true the server does not advertise a hover', async () => {
  const other = await startServer(undefined, { clientHover: true });
  assert.equal(other.capabilities.hoverProvider, undefined);
});
