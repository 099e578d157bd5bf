// `loupe index` downloads the models it is told to use on first use, from a local test server
// in the Hugging Face URL layout (never the real hub), and --no-download / LOUPE_NO_DOWNLOAD
// forbid it with a message that says so.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MODEL_PATH, copyWorkspace, scratchDir } from '../server/indexerFixtures';
import { loupe } from './cliRunner';

const MODELS = ['--text-model', 'loupe-test/tiny-text', '--image-model', 'loupe-test/tiny-clip'];

describe('loupe index: model download on first use (local hub server)', () => {
  let server: http.Server;
  let hub: string;
  let failing = false;
  const requests: string[] = [];
  before(async () => {
    // /loupe-test/<model>/resolve/main/<file> → test/fixtures/models/<model>/<file>. The fixtures
    // have only full-precision weights, as some hub repositories do: *_quantized.onnx is a 404.
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (failing) return void res.writeHead(503).end('maintenance');
      const m = /^\/loupe-test\/([^/]+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m && path.join(MODEL_PATH, m[1], m[2]);
      if (!file || !fs.existsSync(file)) return void res.writeHead(404).end();
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('downloads into $XDG_CACHE_HOME/loupe/models with progress on stderr, then works offline from there', async () => {
    const cache = scratchDir('dl-cache');
    const env = { XDG_CACHE_HOME: cache, HF_ENDPOINT: hub, LOUPE_NO_DOWNLOAD: '' };
    const ws = copyWorkspace();
    const indexed = await loupe(['index', ws, ...MODELS], env);
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.match(indexed.stdout, /semantic search: on \(loupe-test\/tiny-text\)/, indexed.stderr);
    assert.match(indexed.stdout, /image search: on \(loupe-test\/tiny-clip\)/, indexed.stderr);
    assert.match(indexed.stderr, /loupe: downloading loupe-test\/tiny-text\/onnx\/model\.onnx/);
    assert.match(indexed.stderr, /loupe: downloaded loupe-test\/tiny-clip\/onnx\/vision_model\.onnx/);
    for (const file of ['tiny-text/onnx/model.onnx', 'tiny-text/tokenizer.json', 'tiny-clip/onnx/text_model.onnx']) {
      assert.ok(fs.existsSync(path.join(cache, 'loupe', 'models', 'loupe-test', file)), `${file} in the cache`);
    }

    // The hub is down now: search and a fresh index of another folder use the cache alone.
    failing = true;
    try {
      const seen = requests.length;
      // Dense mode fails unless the text model loads (from the cache, in a fresh process).
      const found = await loupe(['search', ws, 'circleArea', '--json', '--limit', '3', '--mode', 'dense'], env);
      assert.equal(found.code, 0, found.stderr);
      assert.equal((JSON.parse(found.stdout) as { hits: unknown[] }).hits.length, 3);
      const other = await loupe(['index', copyWorkspace(), '--data', scratchDir('dl-data'), ...MODELS], env);
      assert.match(other.stdout, /semantic search: on \(loupe-test\/tiny-text\)/, other.stderr);
      assert.doesNotMatch(other.stderr, /downloading/);
      assert.equal(requests.length, seen, 'no request to the hub once the models are cached');
    } finally {
      failing = false;
    }
  });

  for (const [how, args, env] of [
    ['--no-download', ['--no-download'], {}],
    ['LOUPE_NO_DOWNLOAD=1', [], { LOUPE_NO_DOWNLOAD: '1' }],
  ] as const) {
    it(`${how} forbids it: nothing is fetched, the text index is built, and the message says why`, async () => {
      const seen = requests.length;
      const indexed = await loupe(['index', copyWorkspace(), ...MODELS, ...args], { XDG_CACHE_HOME: scratchDir('dl-none'), HF_ENDPOINT: hub, LOUPE_NO_DOWNLOAD: '', ...env });
      assert.equal(indexed.code, 0, indexed.stderr);
      assert.match(indexed.stdout, /semantic search: off/);
      assert.match(indexed.stderr, /downloads are disabled/);
      assert.match(indexed.stderr, new RegExp(`downloads are off \\(${how.replace(/[-=]/g, '\\$&')}\\)`));
      assert.equal(requests.length, seen, 'no request to the hub');
    });
  }
});
