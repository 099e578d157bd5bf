import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbedError, type EmbedErrorCode } from '../../../src/server/embed/errors';
import { locateModel, type DownloadProgress } from '../../../src/server/embed/modelSource';
import { TextEmbedder } from '../../../src/server/embed/textEmbedder';
import { transformers } from '../../../src/server/embed/transformers';
import { MODELS, TINY_TEXT, copyModel } from './embedFixtures';

function embedError(code: EmbedErrorCode, ...mentions: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof EmbedError, `expected an EmbedError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const m of mentions) assert.ok(err.message.includes(m), `message should mention ${m}: ${err.message}`);
    return true;
  };
}

describe('model source: loupe.modelPath', () => {
  it('finds <modelPath>/<org>/<name> and <modelPath>/<name> for an org/name id', async () => {
    const modelPath = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-embed-'));
    fs.cpSync(path.join(MODELS, 'tiny-text'), path.join(modelPath, 'acme', 'tiny-text'), { recursive: true });
    const nested = await TextEmbedder.load({ ...TINY_TEXT, modelPath, modelId: 'acme/tiny-text' });
    assert.equal(nested.dim, 32);
    const short = await TextEmbedder.load({ ...TINY_TEXT, modelId: 'someone/tiny-text' });
    assert.equal(short.dim, 32);
    const files = ['config.json'];
    assert.equal(locateModel('acme/tiny-text', files, { modelPath }).dir, path.join(modelPath, 'acme', 'tiny-text'));
  });

  it('a model in neither modelPath nor the cache, downloads disabled: says what to set', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cache-'));
    await assert.rejects(
      TextEmbedder.load({ ...TINY_TEXT, modelId: 'Xenova/all-MiniLM-L6-v2', cacheDir }),
      embedError('model-not-found', 'Xenova/all-MiniLM-L6-v2', MODELS, 'downloads are disabled', 'set loupe.modelPath', 'network'),
    );
  });

  it('a model folder without onnx/ is reported as incomplete, naming the folder and the file', async () => {
    const { modelPath, dir } = copyModel('tiny-text');
    fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
    await assert.rejects(TextEmbedder.load({ ...TINY_TEXT, modelPath }), embedError('model-invalid', dir, 'onnx/model.onnx'));
  });

  it('asks for the file of the chosen dtype (q8 -> onnx/model_quantized.onnx)', async () => {
    await assert.rejects(TextEmbedder.load({ ...TINY_TEXT, dtype: 'q8' }), embedError('model-invalid', 'onnx/model_quantized.onnx'));
  });

  it('a corrupt onnx file fails with the model folder and the runtime reason', async () => {
    const { modelPath, dir } = copyModel('tiny-text');
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), Buffer.from('this is not a protobuf'.repeat(50)));
    await assert.rejects(TextEmbedder.load({ ...TINY_TEXT, modelPath }), embedError('model-invalid', dir, 'could not be loaded'));
  });
});

describe('model source: download on first use (from a local test server, never the hub)', () => {
  let server: http.Server;
  let mode: 'serve' | 'fail' | 'stall' = 'serve';
  /** Runs fn while the server answers in the given way. */
  async function whileServer<T>(how: typeof mode, fn: () => Promise<T>): Promise<T> {
    mode = how;
    try {
      return await fn();
    } finally {
      mode = 'serve';
    }
  }
  const saved = { remoteHost: transformers.env.remoteHost };
  before(async () => {
    // Serves test/fixtures/models in the hub's URL layout: /<model>/resolve/main/<file>.
    server = http.createServer((req, res) => {
      const m = /^\/([^/]+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m && path.join(MODELS, m[1], m[2]);
      if (mode === 'fail') return void res.writeHead(503).end('maintenance');
      if (!file || !fs.existsSync(file)) return void res.writeHead(404).end();
      const body = fs.readFileSync(file);
      if (mode === 'stall' && file.endsWith('.onnx')) {
        res.writeHead(200, { 'content-length': body.length }).write(body.subarray(0, 100)); // never ends
        return;
      }
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    transformers.env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => {
    transformers.env.remoteHost = saved.remoteHost;
    transformers.env.allowRemoteModels = false;
    server.closeAllConnections();
    server.close();
  });

  const downloadOptions = (cacheDir: string) => ({ ...TINY_TEXT, modelPath: undefined, allowDownload: true, cacheDir });

  it('downloads into the cache with progress events, then loads offline from the cache', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cache-'));
    const events: DownloadProgress[] = [];
    const downloaded = await TextEmbedder.load({ ...downloadOptions(cacheDir), onProgress: (p) => events.push(p) });
    assert.equal(downloaded.dim, 32);
    assert.ok(fs.existsSync(path.join(cacheDir, 'tiny-text', 'onnx', 'model.onnx')));
    const onnx = events.filter((e) => e.file === 'onnx/model.onnx');
    assert.ok(onnx.length > 0, `progress for the onnx file: ${JSON.stringify(events)}`);
    const size = fs.statSync(path.join(MODELS, 'tiny-text', 'onnx', 'model.onnx')).size;
    assert.equal(onnx[onnx.length - 1].loaded, size);
    assert.ok(events.every((e) => e.model === 'tiny-text' && e.loaded <= (e.total || Infinity)));

    // The cache must not touch the network any more.
    const cached = await whileServer('fail', () => TextEmbedder.load({ ...downloadOptions(cacheDir), allowDownload: false }));
    const [a] = await cached.embed(['search the index']);
    const [b] = await downloaded.embed(['search the index']);
    assert.deepEqual(Array.from(a), Array.from(b));
  });

  it('a failing download says why and what to do instead', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cache-'));
    await whileServer('fail', () =>
      assert.rejects(
        TextEmbedder.load(downloadOptions(cacheDir)),
        embedError('download-failed', 'tiny-text', 'the download failed', 'set loupe.modelPath'),
      ),
    );
  });

  it('a download can be cancelled while it hangs', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cache-'));
    const controller = new AbortController();
    await whileServer('stall', async () => {
      const loading = TextEmbedder.load({ ...downloadOptions(cacheDir), signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(loading, embedError('cancelled', 'tiny-text'));
    });
    assert.ok(!fs.existsSync(path.join(cacheDir, 'tiny-text', 'onnx', 'model.onnx')), 'no partial file left as if complete');
  });
});
