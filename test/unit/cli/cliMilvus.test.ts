// The CLI on the Milvus backend, as a user runs it: `loupe serve` in one process (random ports,
// a token), `loupe index --backend milvus` and `loupe search --backend milvus --json` in others —
// over REST (http://…) and over gRPC (host:port, the SDK's MilvusClient against Loupe's gRPC door).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, scratchDir } from '../server/indexerFixtures';
import { CLI, CLI_ENV, TINY, loupe } from './cliRunner';

const TOKEN = 'cli-milvus-token';

for (const door of ['REST', 'gRPC'] as const) {
  test(`loupe serve + index --backend milvus + search --backend milvus --json, over ${door}`, async () => {
    const served = scratchDir('cli-serve');
    const server = spawn(process.execPath, [CLI, 'serve', '--data', served, '--port', '0', '--token', TOKEN], { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      const uri = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = door === 'REST' ? /Milvus REST API on (http:\/\/\S+)/.exec(out) : /Milvus gRPC API on (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        server.once('exit', (code) => reject(new Error(`loupe serve exited with ${code}: ${out}`)));
      });
      const ws = copyWorkspace();
      const data = scratchDir('cli-milvus-data');
      const milvus = ['--backend', 'milvus', '--milvus-uri', uri, '--milvus-token', TOKEN];
      const where = door === 'REST' ? /http:\/\/127\.0\.0\.1:\d+/ : /127\.0\.0\.1:\d+/;

      const indexed = await loupe(['index', ws, '--data', data, ...TINY, ...milvus]);
      assert.equal(indexed.code, 0, indexed.stderr);
      assert.match(indexed.stdout, new RegExp(`index: \\d+ files, \\d+ chunks, \\d+ images in milvus ${where.source}`));
      assert.equal(fs.existsSync(path.join(data, 'db')), false, 'no local database with the Milvus backend');

      for (const mode of ['hybrid', 'text', 'dense']) {
        const found = await loupe(['search', ws, 'circleArea', '--data', data, '--json', '--limit', '3', '--mode', mode, ...milvus]);
        assert.equal(found.code, 0, found.stderr);
        const { hits } = JSON.parse(found.stdout) as { hits: Array<{ path: string; symbol: string }> };
        if (mode === 'dense') {
          assert.ok(hits.length > 0, `dense: ${found.stdout}`);
          continue;
        }
        assert.equal(hits[0]?.path, 'src/math.ts', `${mode}: ${found.stdout}`);
        assert.equal(hits[0]?.symbol, 'circleArea');
      }
      const filtered = await loupe(['search', ws, 'mean of values', '--data', data, '--json', '--filter', "language == 'python'", ...milvus]);
      assert.equal(filtered.code, 0, filtered.stderr);
      const pyHits = (JSON.parse(filtered.stdout) as { hits: Array<{ language: string }> }).hits;
      assert.ok(pyHits.length > 0 && pyHits.every((h) => h.language === 'python'), `filter over ${door}: ${filtered.stdout}`);

      const again = await loupe(['index', ws, '--data', data, ...milvus]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /indexed 0 file\(s\), \d+ unchanged/, 'the second run finds every file on the server already');

      const wrongToken = await loupe(['search', ws, 'circleArea', '--data', data, '--backend', 'milvus', '--milvus-uri', uri, '--milvus-token', 'nope']);
      assert.equal(wrongToken.code, 1);
      assert.match(wrongToken.stderr, door === 'REST' ? /^loupe: milvus http:\/\/127\.0\.0\.1:\d+ .*rejected the credentials/ : /^loupe: milvus 127\.0\.0\.1:\d+ .*(rejected the credentials|auth)/);

      const noUri = await loupe(['search', ws, 'circleArea', '--data', data, '--backend', 'milvus']);
      assert.equal(noUri.code, 2);
      assert.match(noUri.stderr, /--backend milvus needs --milvus-uri URI/);
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  });
}
