// The CLI writing into a pipe, as scripts use it: a large answer arrives whole however slowly the
// reader reads, and a reader that leaves early is not met with a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { scratchDir } from '../server/indexerFixtures';
import { CLI, CLI_ENV, loupe } from './cliRunner';

/** 260 files of two functions each, all about widgets: 520 chunks a text search for "widget" finds. */
function widgetWorkspace(): string {
  const ws = path.join(scratchDir('pipe-ws'), 'widgets');
  for (let i = 0; i < 260; i++) {
    const n = String(i).padStart(4, '0');
    const dir = path.join(ws, 'src', 'components', `group_${Math.floor(i / 20)}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `widget_module_${n}.ts`),
      `export function renderWidgetNumber${n}(widget: Widget): string {\n  return widget.title + ' widget ${n}';\n}\n\n` +
        `export function resizeWidgetNumber${n}(widget: Widget, width: number): Widget {\n  return { ...widget, width };\n}\n`,
    );
  }
  return ws;
}

interface SlowRead {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * A reader process that does not touch its stdin for half a second, then reads it a chunk at a
 * time with a pause after each, and copies it to its stdout for the test to check.
 */
const SLOW_READER = `setTimeout(() => process.stdin.on('data', (c) => {
  process.stdout.write(c);
  process.stdin.pause();
  setTimeout(() => process.stdin.resume(), 10);
}), 500);`;

/**
 * Runs `loupe … | slow-reader` through sh: a real pipe(2) with its 64 KiB buffer (Node's own
 * child pipes are socket pairs, whose larger buffers would hide the bug). The CLI's exit code
 * comes back as the last line of stderr.
 */
async function runIntoSlowReader(args: string[]): Promise<SlowRead> {
  const script = '{ "$0" "$@"; echo "exit $?" >&2; } | "$0" -e "$SLOW_READER"';
  const sh = spawn('sh', ['-c', script, process.execPath, CLI, ...args], { env: { ...CLI_ENV, SLOW_READER }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  sh.stdout.on('data', (c: Buffer) => chunks.push(c));
  let stderr = '';
  sh.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((done, fail) => sh.on('error', fail).on('close', () => done()));
  const exit = /exit (\d+)\n$/.exec(stderr);
  return { code: exit ? Number(exit[1]) : null, stdout: Buffer.concat(chunks), stderr };
}

describe('loupe writing into a pipe', () => {
  let ws: string;
  let data: string;
  before(async () => {
    ws = widgetWorkspace();
    data = scratchDir('pipe-data');
    const indexed = await loupe(['index', ws, '--data', data, '--model-path', scratchDir('no-models')]);
    assert.equal(indexed.code, 0, indexed.stderr);
  });

  it('a search answer over 64 KiB arrives whole to a slow reader and parses as JSON', async () => {
    const r = await runIntoSlowReader(['search', ws, 'widget', '--data', data, '--mode', 'text', '--limit', '500', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length > 80 * 1024, `the answer should exceed the 64 KiB pipe buffer, got ${r.stdout.length} bytes`);
    const answer = JSON.parse(r.stdout.toString('utf8')) as { hits: Array<{ path: string }> };
    assert.equal(answer.hits.length, 500);
    assert.ok(answer.hits.every((h) => /^src\/components\/group_\d+\/widget_module_\d{4}\.ts$/.test(h.path)));
  });

  it('a reader that closes the pipe early (| head -c 1000) ends the CLI quietly, without a stack trace', async () => {
    const script = '{ "$0" "$@"; echo "exit $?" >&2; } | head -c 1000';
    const args = ['search', ws, 'widget', '--data', data, '--mode', 'text', '--limit', '500', '--json'];
    const sh = spawn('sh', ['-c', script, process.execPath, CLI, ...args], { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    sh.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    sh.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((done) => sh.on('close', () => done()));
    assert.equal(stdout.length, 1000);
    assert.match(stderr, /exit 0\n$/);
    assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
  });
});
