// Runs the compiled `loupe` CLI as a child process, as a user would: exit code, stdout, stderr.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MODEL_PATH, repoRoot } from '../server/indexerFixtures';

const run = promisify(execFile);
// The compiled CLI next to this compiled test: <out>/test/unit/cli → <out>/src/cli/main.js.
export const CLI = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');
/** NODE_PATH lets a build in a scratch out dir find the repo's node_modules. */
// LOUPE_NO_DOWNLOAD: tests never reach for the network; the download test (cliDownload) turns it off.
export const CLI_ENV = { ...process.env, NODE_PATH: path.join(repoRoot(), 'node_modules'), LOUPE_MODEL_PATH: '', LOUPE_NO_DOWNLOAD: '1' };
export const TINY = ['--model-path', MODEL_PATH, '--text-model', 'tiny-text', '--image-model', 'tiny-clip'];

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function loupe(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...CLI_ENV, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
