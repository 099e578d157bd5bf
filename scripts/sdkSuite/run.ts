// npm run sdk:suite — runs the official Milvus Node SDK's own test files against `loupe serve`
// and prints pass/fail per case. The SDK source is a local checkout named by MILVUS_SDK_DIR
// (fetched by you, never committed here); jest and ts-jest are installed once into a cache
// folder (LOUPE_SDK_RUNNER_DIR, default <tmp>/loupe-sdk-runner).
//
// Each spec file gets a fresh `loupe serve` on 127.0.0.1 with a temp data dir and token. The SDK
// tests import `milvus/` (its source) and `test/tools/ip.ts` (a fixed address); jest maps both to
// our two stand-ins: the installed SDK package with the token filled in, and the server address.
//
//   MILVUS_SDK_DIR=~/src/milvus-sdk-node npm run sdk:suite [-- test/http/fetch.spec.ts ...]
//
// By default it runs the HTTP files twice: as shipped (a database of their own, created in
// their set-up over gRPC) and with the default database (their `cloud: true` branch, which
// skips that set-up). With LOUPE_SDK_SKIP_GRPC_SETUP=1 the shipped files run in the same
// skip-set-up form and the runner creates their database over REST first, and says so.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'out', 'src', 'cli', 'main.js');
const RUNNER_PACKAGES = ['jest@29', 'ts-jest@29', 'typescript@5', 'node-fetch@2', 'long@5', '@types/jest@29', '@babel/plugin-transform-modules-commonjs@7'];
const HTTP_FILES = ['test/http/fetch.spec.ts', 'test/http/node-fetch.spec.ts'];

interface Run {
  label: string;
  /** The spec file jest runs (inside the SDK checkout). */
  file: string;
  /** A database to create over REST before the run (the skipped gRPC set-up). */
  createDb?: string;
  generated?: boolean;
}

interface CaseResult {
  title: string;
  status: string;
  failure?: string;
}

async function main(): Promise<number> {
  const sdkDir = process.env.MILVUS_SDK_DIR;
  if (!sdkDir || !fs.existsSync(path.join(sdkDir, 'test', 'http', 'test.ts'))) {
    console.error('sdk:suite: set MILVUS_SDK_DIR to a checkout of github.com/milvus-io/milvus-sdk-node (one with test/http/test.ts)');
    return 2;
  }
  if (!fs.existsSync(CLI)) {
    console.error(`sdk:suite: ${CLI} is missing; run npm run compile`);
    return 2;
  }
  const runnerDir = process.env.LOUPE_SDK_RUNNER_DIR ?? path.join(os.tmpdir(), 'loupe-sdk-runner');
  ensureRunner(runnerDir);

  const args = process.argv.slice(2);
  const skipGrpcSetup = process.env.LOUPE_SDK_SKIP_GRPC_SETUP === '1';
  const runs: Run[] = args.length > 0 ? args.map((file) => ({ label: file, file })) : httpRuns(sdkDir, skipGrpcSetup);
  if (skipGrpcSetup) console.log('note: the SDK set-up that creates a database over gRPC is skipped; the runner creates it over REST');

  const totals: Array<[string, number, number]> = [];
  try {
    for (const run of runs) {
      const results = await runOne(sdkDir, runnerDir, run).catch((e: Error) => {
        console.log(`\n== ${run.label}: did not run: ${e.message.split('\n').slice(0, 3).join(' ')}`);
        return [] as CaseResult[];
      });
      const passed = results.filter((r) => r.status === 'passed').length;
      console.log(`\n== ${run.label}: ${passed}/${results.length} passed`);
      for (const r of results) {
        console.log(`  ${r.status === 'passed' ? 'PASS' : 'FAIL'}  ${r.title}`);
        if (r.failure) console.log(`        ${r.failure}`);
      }
      totals.push([run.label, passed, results.length]);
    }
  } finally {
    for (const run of runs) if (run.generated) fs.rmSync(path.join(sdkDir, run.file), { force: true });
  }
  console.log('\n== totals');
  for (const [label, passed, total] of totals) console.log(`  ${passed}/${total}  ${label}`);
  return 0;
}

/** Each HTTP file as shipped (its own database) and against the default database. */
function httpRuns(sdkDir: string, skipGrpcSetup: boolean): Run[] {
  const runs: Run[] = [];
  for (const file of HTTP_FILES) {
    const src = fs.readFileSync(path.join(sdkDir, file), 'utf8');
    const database = /database:\s*'([^']+)'/.exec(src)?.[1];
    if (skipGrpcSetup && database) {
      runs.push({ label: `${file} (database "${database}", gRPC set-up skipped)`, ...variant(sdkDir, file, src, `'${database}'`), createDb: database });
    } else {
      runs.push({ label: `${file} (database "${database}")`, file });
    }
    runs.push({ label: `${file} (default database)`, ...variant(sdkDir, file, src, 'undefined') });
  }
  return runs;
}

/**
 * A copy of a spec file taking its `cloud: true` branch (no gRPC database set-up) with the given
 * database; written beside the original so its imports resolve, removed after the run.
 */
function variant(sdkDir: string, file: string, src: string, database: string): { file: string; generated: true } {
  const text = src
    .replace(/database:\s*'[^']*'/, `database: ${database}`)
    .replace(/cloud:\s*false/, 'cloud: true')
    .replace(/desc:\s*'([^']*)'/, `desc: '$1 (loupe: database ${database.replace(/'/g, '')})'`);
  const out = file.replace(/\.spec\.ts$/, `.loupe-${database === 'undefined' ? 'default' : 'db'}.spec.ts`);
  fs.writeFileSync(path.join(sdkDir, out), `// generated by Loupe's sdk:suite runner; removed after the run\n${text}`);
  return { file: out, generated: true };
}

function ensureRunner(dir: string): void {
  if (fs.existsSync(path.join(dir, 'node_modules', '@babel', 'plugin-transform-modules-commonjs', 'package.json'))) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'loupe-sdk-runner', private: true }));
  console.log(`installing ${RUNNER_PACKAGES.join(' ')} into ${dir}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', ...RUNNER_PACKAGES], { cwd: dir, stdio: 'inherit' });
}

async function runOne(sdkDir: string, runnerDir: string, run: Run): Promise<CaseResult[]> {
  const token = randomBytes(12).toString('hex');
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-sdk-data-'));
  const port = await freePort();
  const grpcPort = await freePort();
  const server = spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', String(port), '--token', token, '--grpc-port', String(grpcPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const serverLog: string[] = [];
  server.stdout?.on('data', (b: Buffer) => serverLog.push(b.toString()));
  server.stderr?.on('data', (b: Buffer) => serverLog.push(b.toString()));
  try {
    await waitForPort(port, server);
    await waitForPort(grpcPort, server);
    const address = `127.0.0.1:${port}`;
    if (run.createDb) await createDatabaseOverRest(address, token, run.createDb);
    const outFile = path.join(data, 'jest-results.json');
    const config = jestConfig(sdkDir, runnerDir);
    const jest = path.join(runnerDir, 'node_modules', 'jest', 'bin', 'jest.js');
    const child = spawn(
      process.execPath,
      [jest, '--config', JSON.stringify(config), '--runInBand', '--json', `--outputFile=${outFile}`, '--runTestsByPath', path.join(sdkDir, run.file)],
      { cwd: sdkDir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOUPE_SDK_TOKEN: token, LOUPE_SDK_ADDRESS: `127.0.0.1:${grpcPort}`, LOUPE_SDK_HTTP: address, NODE_ENV: 'dev' } },
    );
    const stderr: string[] = [];
    child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString()));
    // A file whose cases wait on something never served would hold the run for long; cap it.
    const capMs = Number(process.env.LOUPE_SDK_FILE_TIMEOUT_MS ?? 600_000);
    const cap = setTimeout(() => child.kill('SIGKILL'), capMs);
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    clearTimeout(cap);
    if (!fs.existsSync(outFile)) throw new Error(`jest wrote no results for ${run.file} (stopped after ${capMs} ms, or it failed to start):\n${stderr.join('').slice(-1500)}`);
    const report = JSON.parse(fs.readFileSync(outFile, 'utf8')) as JestReport;
    const cases = report.testResults.flatMap((f) =>
      f.assertionResults.map((a) => ({
        title: a.title,
        status: a.status,
        ...(a.status === 'passed' ? {} : { failure: firstLine(a.failureMessages.join('\n')) }),
      })),
    );
    if (cases.length === 0) throw new Error(`no cases ran in ${run.file}: ${report.testResults.map((f) => f.message).join('\n').slice(0, 1500)}`);
    return cases;
  } finally {
    server.kill('SIGTERM');
    await new Promise<void>((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', () => resolve())));
    fs.rmSync(data, { recursive: true, force: true });
    if (process.env.LOUPE_SDK_SERVER_LOG) console.log(serverLog.join(''));
  }
}

interface JestReport {
  testResults: Array<{ message: string; assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>;
}

function jestConfig(sdkDir: string, runnerDir: string): Record<string, unknown> {
  const shim = path.join(__dirname, 'sdkShim.js');
  const address = path.join(__dirname, 'sdkAddress.js');
  return {
    rootDir: sdkDir,
    testEnvironment: 'node',
    testTimeout: 60_000,
    testRegex: '\\.spec\\.ts$',
    moduleFileExtensions: ['js', 'ts', 'json', 'node'],
    // The SDK's own sources are replaced by the installed package; type checks are the SDK's business.
    transform: {
      '^.+\\.ts$': [path.join(runnerDir, 'node_modules', 'ts-jest'), { diagnostics: false, isolatedModules: true }],
      // uuid (an SDK dependency) ships ES modules only, which jest cannot load untransformed.
      '/uuid/.+\\.js$': [path.join(runnerDir, 'node_modules', 'babel-jest'), { plugins: [path.join(runnerDir, 'node_modules', '@babel', 'plugin-transform-modules-commonjs')] }],
    },
    transformIgnorePatterns: ['/node_modules/(?!uuid/)'],
    moduleNameMapper: {
      '^(\\.\\./)+milvus$': shim,
      '^\\./ip$': address,
      // The SDK needs lru-cache 9+; pin it to the copy node resolves for the SDK, not one of jest's own.
      '^lru-cache$': require.resolve('lru-cache', { paths: [path.join(REPO, 'node_modules', '@zilliz', 'milvus2-sdk-node')] }),
    },
    moduleDirectories: ['node_modules', path.join(runnerDir, 'node_modules'), path.join(REPO, 'node_modules')],
  };
}

async function createDatabaseOverRest(address: string, token: string, dbName: string): Promise<void> {
  const res = await fetch(`http://${address}/v2/vectordb/databases/create`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ dbName }),
  });
  const body = (await res.json()) as { code: number; message?: string };
  if (body.code !== 0) console.log(`note: creating database "${dbName}" over REST failed: ${body.code} ${body.message}`);
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 3).join(' | ').slice(0, 400);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`loupe serve exited with ${server.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`loupe serve did not listen on ${port}`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`sdk:suite: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
