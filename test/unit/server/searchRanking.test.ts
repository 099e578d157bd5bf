// The ranking a person notices, on a small workspace indexed for real (embedded store, BM25, the
// tiny text model for hybrid): the definition of a name comes before its uses, a test file
// does not outrank what it tests, one file does not fill the page, a one-letter name is found,
// prose finds code that words it differently, and a filter holds through every stage.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { SearchHitView, SearchParams } from '../../../src/protocol/requests';
import { IndexModels } from '../../../src/server/indexer/models';
import { WorkspaceIndex } from '../../../src/server/indexer/workspaceIndex';
import { TINY_MODELS, scratchDir, searchOf } from './indexerFixtures';

const FILES: Record<string, string> = {
  // The definition: mentioned once here, many times by its users.
  'src/handlerStack.ts': [
    '/** Composes middleware around a transport. */',
    'export class HandlerStack {',
    '  private readonly layers: Array<(next: unknown) => unknown> = [];',
    '  push(layer: (next: unknown) => unknown): void {',
    '    this.layers.push(layer);',
    '  }',
    '}',
  ].join('\n'),
  'src/client.ts': Array.from({ length: 6 }, (_, i) =>
    [`export function makeClient${i}(stack: HandlerStack): HandlerStack {`, '  // a HandlerStack per client, HandlerStack reused', `  stack.push((next) => next);`, '  return stack;', '}', ''].join('\n'),
  ).join('\n'),
  // The tests say the name more often than anyone.
  'test/handlerStack.test.ts': Array.from({ length: 4 }, (_, i) =>
    [`test('HandlerStack ${i}', () => {`, '  const s = new HandlerStack(); // HandlerStack HandlerStack', '  s.push((n) => n);', '});', ''].join('\n'),
  ).join('\n'),
  'README.md': '# HandlerStack\n\nHandlerStack is the HandlerStack. Use a HandlerStack to compose HandlerStack layers.\n',
  // Flask-style one-letter global, and a user of it.
  'app/globals.py': ['from .local import LocalProxy', '', 'g: "AppGlobals" = LocalProxy("g")', ''].join('\n'),
  'app/views.py': ['from .globals import g', '', 'def index():', '    return g.user', ''].join('\n'),
  // A file where every function matches, and a smaller one that matches too.
  'src/tokens.py': Array.from({ length: 14 }, (_, i) => [`def token_parser_${i}(text):`, `    """Parse tokens of kind ${i}."""`, '    return text.split()', ''].join('\n')).join('\n'),
  'src/lexer.py': ['def lex(text):', '    """Parse tokens with a lexer."""', '    return list(text)', ''].join('\n'),
  // Prose that paraphrases: "registering" / "handlers" against "Registers" / "handler".
  'src/events.ts': ['/** Registers a handler for an event name. */', 'export function on(name: string, handler: () => void): void {', '  bus.set(name, handler);', '}'].join('\n'),
  // A type named in prose ("Job interface"), and a file that talks about jobs far more.
  'src/job.ts': ['export interface Job {', '  cancel(): void;', '}'].join('\n'),
  'src/jobs.ts': [
    '/** The lifecycle of a job through the Job interface: a scope starts each job, tracks the job lifecycle, and cancels every job. */',
    'export function launchJobs(count: number): number {',
    '  // job lifecycle through the interface: start job, watch job, cancel job',
    '  return count;',
    '}',
  ].join('\n'),
  'src/noise.ts': ['export function unrelated(): number {', '  return 42;', '}'].join('\n'),
};

let models: IndexModels;
let index: WorkspaceIndex;

before(async () => {
  const root = scratchDir('ranking-ws');
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  models = await IndexModels.load(TINY_MODELS);
  index = await WorkspaceIndex.open({ folders: [{ name: 'ws', absPath: root }], dataDir: scratchDir('ranking-data'), models });
  await index.indexAll();
});

after(async () => {
  await index?.close();
  await models?.close();
});

async function search(query: string, extra: Partial<SearchParams> = {}): Promise<SearchHitView[]> {
  const r = await searchOf(index).search({ query, mode: 'text', limit: 10, ...extra });
  assert.equal(r.error, undefined, r.error?.message);
  return r.hits;
}

for (const mode of ['text', 'hybrid'] as const) {
  test(`${mode}: an exact symbol query puts its definition first, above its uses, its tests and the README`, async () => {
    const hits = await search('HandlerStack', { mode });
    assert.equal(hits[0]?.path, 'src/handlerStack.ts');
    assert.ok(hits[0].startLine <= 1 && hits[0].endLine >= 1, `the first hit covers the class line, got ${hits[0].startLine}-${hits[0].endLine}`);
    const rank = (p: string) => hits.findIndex((h) => h.path === p);
    assert.ok(rank('test/handlerStack.test.ts') > rank('src/handlerStack.ts'));
    assert.ok(rank('README.md') === -1 || rank('README.md') > rank('src/handlerStack.ts'));
  });
}

test('a one-letter name the BM25 analyzer drops is found where it is assigned', async () => {
  const hits = await search('g');
  assert.equal(hits[0]?.path, 'app/globals.py');
});

test('a test file does not outrank the implementation it tests', async () => {
  const hits = await search('handler stack push layer');
  const impl = hits.findIndex((h) => h.path === 'src/handlerStack.ts');
  const tests = hits.findIndex((h) => h.path === 'test/handlerStack.test.ts');
  assert.ok(impl >= 0 && (tests === -1 || impl < tests), `implementation ${impl}, test ${tests}`);
});

test('one file does not fill the first page', async () => {
  const hits = await search('parse tokens', { limit: 5 });
  assert.ok(hits.some((h) => h.path === 'src/lexer.py'), hits.map((h) => h.path).join(', '));
  assert.ok(new Set(hits.map((h) => h.path)).size >= 2);
});

test('a prose query finds the function whose doc comment words it differently', async () => {
  const hits = await search('registering event handlers');
  assert.equal(hits[0]?.path, 'src/events.ts');
});

test('a prose query that names a type ("Job interface") finds its definition above a file about jobs', async () => {
  const hits = await search('Job interface and job lifecycle');
  assert.equal(hits[0]?.path, 'src/job.ts', hits.map((h) => h.path).join(', '));
});

for (const mode of ['text', 'hybrid'] as const) {
  test(`${mode}: a filter holds through every ranking stage, the name lookup included`, async () => {
    const py = await search('HandlerStack', { mode, filter: 'language == "python"' });
    assert.ok(py.every((h) => h.language === 'python'), py.map((h) => h.path).join(', '));
    const tests = await search('HandlerStack path:test/**', { mode });
    assert.ok(tests.length > 0 && tests.every((h) => h.path.startsWith('test/')), tests.map((h) => h.path).join(', '));
    const one = await search('g', { mode, filter: 'path == "app/views.py"' });
    assert.ok(one.every((h) => h.path === 'app/views.py'));
  });
}
