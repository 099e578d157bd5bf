// Shared by the storage tests: throwaway folders and child processes that run the compiled
// storage modules (to hold a lock, die mid-write, or hit a real file-size limit).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function scratchDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-storage-'));
  made.push(d);
  return d;
}

/** Absolute path of a compiled storage module, e.g. storageModule('wal'). */
export function storageModule(name: string): string {
  return path.resolve(__dirname, '../../../../src/engine/storage', `${name}.js`);
}

/**
 * Runs `code` (CommonJS) in a child node. With `fileSizeLimitKb`, the child runs under
 * `ulimit -f`, so writes past the limit fail with a real EFBIG (SIGXFSZ ignored).
 */
export function runChild(code: string, opts: { fileSizeLimitKb?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = opts.fileSizeLimitKb
    ? spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f ${opts.fileSizeLimitKb}; exec "$0" -e "$1"`, process.execPath, code], { encoding: 'utf8' })
    : spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `code` in a child node and resolves once it prints `line` on stdout. */
export function startChild(code: string, line: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(line)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before printing ${line}: ${out}`)));
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}
