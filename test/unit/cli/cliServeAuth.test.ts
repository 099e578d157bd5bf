// `loupe serve` as a user starts it with users and gRPC: a first start prints root's password
// once, root:<password> then works over REST and gRPC, `--root-password` replaces it on a later
// start, and a too-short one is refused with a clear line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { HttpClient, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { scratchDir } from '../server/indexerFixtures';
import { CLI, CLI_ENV, loupe } from './cliRunner';

/** Starts `loupe serve`, waits for its start lines, returns them and a stop function. */
async function serve(args: string[]): Promise<{ out: string; stop(): Promise<void> }> {
  const server = spawn(process.execPath, [CLI, 'serve', ...args], { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (b: Buffer) => {
      text += b.toString();
      if (/Milvus gRPC API on /.test(text) && (/root password: /.test(text) || args.includes('--root-password'))) resolve(text);
    });
    server.once('exit', (code) => reject(new Error(`loupe serve exited with ${code}: ${text}`)));
  });
  return { out, stop: async () => (server.kill('SIGTERM'), exited) };
}

test('serve prints a root password on first start; root:<password> works over REST and gRPC; --root-password replaces it', async () => {
  const data = scratchDir('cli-serve-auth');
  const first = await serve(['--data', data, '--port', '0', '--grpc-port', '0', '--token', 'cli-auth-token']);
  let grpcClient: MilvusClient | undefined;
  try {
    const password = /root password: (\S+)/.exec(first.out)?.[1] as string;
    const rest = /Milvus REST API on (http:\/\/\S+)/.exec(first.out)?.[1] as string;
    const grpcAddress = /Milvus gRPC API on (\S+)/.exec(first.out)?.[1] as string;
    const http = new HttpClient({ endpoint: rest, token: `root:${password}` });
    assert.equal((await http.createDatabase({ dbName: 'team' })).code, 0);
    grpcClient = new MilvusClient({ address: grpcAddress, token: `root:${password}`, maxRetries: 0 });
    assert.deepEqual((await grpcClient.listDatabases()).db_names, ['default', 'team']);
  } finally {
    await grpcClient?.closeConnection();
    await first.stop();
  }

  const second = await serve(['--data', data, '--port', '0', '--grpc-port', '0', '--token', 'cli-auth-token', '--root-password', 'a-new-root-pw']);
  try {
    assert.doesNotMatch(second.out, /root password: /, 'printed on the first start only');
    const rest = /Milvus REST API on (http:\/\/\S+)/.exec(second.out)?.[1] as string;
    const http = new HttpClient({ endpoint: rest, token: 'root:a-new-root-pw' });
    assert.deepEqual((await http.listDatabases()).data, ['default', 'team'], 'the database made before the restart is still there');
  } finally {
    await second.stop();
  }

  const short = await loupe(['serve', '--data', data, '--port', '0', '--token', 't', '--root-password', '123']);
  assert.equal(short.code, 1);
  assert.match(short.stderr, /^loupe: root password must be a string of 6 to 256 characters/);
});
