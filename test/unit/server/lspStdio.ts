// The language server started over --stdio as an editor starts it, for the tests that speak LSP
// to it: spawn, the client-side handlers a server may call, initialize with the fixture models,
// and a stop that never hangs.

import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { Method, type IndexStatus, type InitializationOptions } from '../../../src/protocol/requests';
import { MODEL_PATH, repoRoot, scratchDir } from './indexerFixtures';

const SERVER = path.resolve(__dirname, '..', '..', '..', 'src', 'server', 'main.js');

export interface StdioServer {
  proc: ChildProcess;
  conn: MessageConnection;
  capabilities: { hoverProvider?: unknown };
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The folder to open; none starts a server with no workspace. */
  workspace?: string;
  /** Merged over the fixture options (tiny models, one embedding thread). */
  options?: Partial<InitializationOptions>;
  settings?: Partial<InitializationOptions['settings']>;
  onStatus?: (s: IndexStatus) => void;
  onProgress?: (value: { kind: string }) => void;
}

export async function startStdioServer(o: StartOptions): Promise<StdioServer> {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_PATH: path.join(repoRoot(), 'node_modules') },
  });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(Method.statusChanged, (s: IndexStatus) => o.onStatus?.(s));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onNotification('$/progress', (p: { value: { kind: string } }) => o.onProgress?.(p.value));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const initializationOptions: InitializationOptions = {
    globalStoragePath: scratchDir('global'),
    ...(o.workspace ? { storagePath: scratchDir('storage') } : {}),
    ...o.options,
    settings: {
      modelPath: MODEL_PATH,
      textModel: 'tiny-text',
      imageModel: 'tiny-clip',
      exclude: [],
      maxFileSize: 1_048_576,
      embeddingThreads: 1,
      hoverEnabled: true,
      traceServer: 'off',
      ...o.settings,
    },
  };
  const init = (await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: o.workspace ? [{ uri: pathToFileURL(o.workspace).href, name: 'workspace' }] : null,
    capabilities: { window: { workDoneProgress: true }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    initializationOptions,
  })) as { capabilities: StdioServer['capabilities'] };
  await conn.sendNotification('initialized', {});
  const stop = async (): Promise<void> => {
    const exited = exitOf(proc);
    // A server that is stuck (or already gone) may never answer shutdown: give it a bound.
    await within(conn.sendRequest('shutdown'), 10_000).catch(() => undefined);
    await within(conn.sendNotification('exit'), 1_000).catch(() => undefined);
    await within(exited, 3_000).catch(() => undefined);
    proc.kill('SIGKILL');
    conn.dispose();
    release(proc);
  };
  return { proc, conn, capabilities: init.capabilities, stop };
}

/** Resolves when the process has exited, also when it had before this was called. */
export function exitOf(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** `promise`, or a rejection naming the bound after `ms`: no test waits on a silent server forever. */
export function within<T>(promise: Promise<T>, ms: number, what = 'the server'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Lets go of a stopped (or killed) server's pipes, so nothing of it keeps the test process alive. */
export function release(proc: ChildProcess): void {
  proc.stdin?.destroy();
  proc.stdout?.destroy();
}

/** Asks again until `ok` holds: the server works in the background (debounced edits, passes). */
export async function eventually<T>(ask: () => Promise<T>, ok: (value: T) => boolean, what: string, tries = 300): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await within(ask(), 30_000, `the server, asked about ${what}`);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}; last answer: ${JSON.stringify(last)}`);
}
