// `npm run bench:cli`: how long each CLI command takes from process start to exit, for this
// build (dist/cli.js) beside a baseline commit built into a temporary folder, in one run with
// the runs interleaved (so machine load hits both alike). The baseline defaults to the last
// commit before the CLI loaded its modules on demand; --baseline REF picks another.
//
//   npm run bench:cli [-- --baseline REF] [--runs N]

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendToSection } from './results';
import { repoRoot } from './repoRoot';

/** main before issue 17: one eager 6.4 MB CommonJS bundle. */
const DEFAULT_BASELINE = '5946e8c';

interface Build {
  name: string;
  cli: string;
  data: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** `git archive` of ref into a temp folder, the repo's node_modules linked in, built with its own esbuild.mjs. */
function buildBaseline(root: string, ref: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-cli-'));
  const tar = path.join(dir, 'src.tar');
  execFileSync('git', ['-C', root, 'archive', '--format=tar', '-o', tar, ref]);
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'dist', 'cli.js');
}

function run(cli: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, LOUPE_NO_DOWNLOAD: '1' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${cli} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function main(): void {
  const root = repoRoot();
  const ref = arg('baseline', DEFAULT_BASELINE);
  const runs = Number(arg('runs', '15'));
  const baselineCommit = execFileSync('git', ['-C', root, 'rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() ? ' (uncommitted changes)' : '';
  const ws = path.join(root, 'test', 'fixtures', 'workspace');
  const models = ['--model-path', path.join(root, 'test', 'fixtures', 'models'), '--text-model', 'tiny-text', '--image-model', 'tiny-clip'];

  console.log(`building the baseline ${ref} (${baselineCommit}) …`);
  const builds: Build[] = [
    { name: `baseline ${baselineCommit}`, cli: buildBaseline(root, ref), data: fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-cli-old-')) },
    { name: `this build ${commit}${dirty}`, cli: path.join(root, 'dist', 'cli.js'), data: fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-cli-new-')) },
  ];
  for (const b of builds) run(b.cli, ['index', ws, '--data', b.data, ...models]); // each version its own index

  const commands: Array<{ label: string; args: (b: Build) => string[] }> = [
    { label: '`--help`', args: () => ['--help'] },
    { label: '`status`', args: (b) => ['status', ws, '--data', b.data] },
    { label: '`search --mode text`', args: (b) => ['search', ws, 'circle area', '--mode', 'text', '--data', b.data] },
    { label: '`search` (hybrid: loads the text model)', args: (b) => ['search', ws, 'circle area', '--data', b.data] },
  ];
  // The floor every command pays: Node starting and exiting with nothing to do.
  const floor = [...Array(runs)].map(() => run('-e', [''])).sort((x, y) => x - y);
  const times = new Map<string, number[]>();
  for (const c of commands) {
    for (const b of builds) run(b.cli, c.args(b)); // warm the file cache
    for (let i = 0; i < runs; i++) {
      for (const b of i % 2 ? [...builds].reverse() : builds) {
        const key = `${c.label}\0${b.name}`;
        times.set(key, [...(times.get(key) ?? []), run(b.cli, c.args(b))]);
      }
    }
  }

  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  const lines = [
    '',
    `### ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — commit ${commit}${dirty}`,
    '',
    `Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      `Wall time from spawn to exit, ${runs} runs each, interleaved; fixture workspace (test/fixtures/workspace, tiny models). ` +
      `Node alone (\`node -e ""\`): median ${quantile(floor, 0.5).toFixed(0)} ms. ` +
      `Command: \`npm run bench:cli${ref === DEFAULT_BASELINE ? '' : ` -- --baseline ${ref}`}\`.`,
    '',
    `| command | ${builds.map((b) => `${b.name} median / p90 ms`).join(' | ')} | speed-up (median) |`,
    `|---|${builds.map(() => '---:').join('|')}|---:|`,
  ];
  for (const c of commands) {
    const medians: number[] = [];
    const cells = builds.map((b) => {
      const sorted = [...(times.get(`${c.label}\0${b.name}`) ?? [])].sort((x, y) => x - y);
      medians.push(quantile(sorted, 0.5));
      return `${quantile(sorted, 0.5).toFixed(0)} / ${quantile(sorted, 0.9).toFixed(0)}`;
    });
    lines.push(`| ${c.label} | ${cells.join(' | ')} | ${(medians[0] / medians[1]).toFixed(2)}× |`);
  }
  const section = `${lines.join('\n')}\n`;
  console.log(section);
  const file = appendToSection('CLI start-up (bench/cli.bench.ts)', section);
  console.log(`appended to ${file}`);
  fs.rmSync(path.dirname(path.dirname(builds[0].cli)), { recursive: true, force: true });
  for (const b of builds) fs.rmSync(b.data, { recursive: true, force: true });
}

main();
