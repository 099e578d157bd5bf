// The packaged .vsix, installed the way a user installs it: it holds the bundled JS and the
// runtime modules (each loads and works from the installed folder), and nothing else.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../repoRoot';
import { codeServerBin, installVsix, isolatedEnv, vsixPath } from './harness';

const ROOT = repoRoot();
let tmp: string;
let installed: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-vsix-'));
  const exts = path.join(tmp, 'exts');
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');
  installVsix(codeServerBin(), ['--config', config, '--user-data-dir', path.join(tmp, 'data'), '--extensions-dir', exts], isolatedEnv(path.join(tmp, 'home'), {}));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  installed = path.join(exts, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  assert.ok(fs.existsSync(installed), `not installed at ${installed}`);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

test('the .vsix holds the bundles, media and runtime modules, and no sources, tests or dev tools', (t) => {
  const files = walk(installed);
  const sizeMb = fs.statSync(vsixPath()).size / 1024 / 1024;
  t.diagnostic(`vsix ${sizeMb.toFixed(1)} MB, ${files.length} files installed`);
  for (const f of ['package.json', 'dist/extension.js', 'dist/server.js']) assert.ok(files.includes(f), `missing ${f}`);
  const top = new Set(files.map((f) => f.split('/')[0]));
  for (const dir of ['src', 'test', 'bench', 'scripts', 'out', '.ci']) assert.ok(!top.has(dir), `${dir}/ was packaged`);
  const forbidden = [
    /(?<!\.d)\.ts$/, // TypeScript sources (a few .d.ts of small runtime modules are harmless)
    /^node_modules\/(typescript|@types|esbuild|playwright-core|@vscode|fast-check|usearch|@lancedb|@zilliz|onnxruntime-web)\//,
    /^node_modules\/(vscode-languageclient|vscode-languageserver|vscode-jsonrpc)\//, // bundled into dist
    /\/napi-v\d+\/(darwin|win32)\//,
    /\/napi-v\d+\/linux\/arm64\//,
    /\.onnx$/, // models are never shipped
  ];
  const leaked = files.filter((f) => forbidden.some((re) => re.test(f)));
  assert.deepEqual(leaked, []);
  assert.ok(sizeMb < 60, `vsix is ${sizeMb.toFixed(1)} MB`);
});

test('every grammar the chunker loads is in the .vsix', () => {
  const languages = path.join(ROOT, 'src', 'server', 'chunk', 'languages.ts');
  const grammars = [...fs.readFileSync(languages, 'utf8').matchAll(/grammar: '([a-z_]+)'/g)].map((m) => m[1]);
  assert.ok(grammars.length > 0, `no grammars found in ${languages}`);
  for (const g of grammars) {
    const wasm = path.join(installed, 'node_modules', 'tree-sitter-wasms', 'out', `tree-sitter-${g}.wasm`);
    assert.ok(fs.existsSync(wasm), `grammar ${g} missing; add it to .vscodeignore`);
  }
});

test('the runtime modules load and work from the installed extension folder', () => {
  const model = path.join(ROOT, 'test', 'fixtures', 'models', 'tiny-text', 'onnx', 'model.onnx');
  // A fresh node process in the installed folder, so only the packaged node_modules resolve.
  const script = `
    const assert = require('node:assert/strict');
    (async () => {
      const { HierarchicalNSW } = require('hnswlib-node');
      const h = new HierarchicalNSW('cosine', 2); h.initIndex(4); h.addPoint([1, 0], 0); h.addPoint([0, 1], 1);
      assert.deepEqual(h.searchKnn([0.9, 0.1], 1).neighbors, [0]);
      const sharp = require('sharp');
      const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } }).png().toBuffer();
      assert.equal((await sharp(png).metadata()).width, 2);
      const ort = require('onnxruntime-node');
      if (${JSON.stringify(fs.existsSync(model))}) {
        const s = await ort.InferenceSession.create(${JSON.stringify(model)});
        assert.ok(s.inputNames.length > 0);
      }
      const transformers = require('@huggingface/transformers');
      assert.equal(typeof transformers.AutoTokenizer, 'function');
      const Parser = require('web-tree-sitter');
      await Parser.init();
      const ts = await Parser.Language.load(require.resolve('tree-sitter-wasms/out/tree-sitter-typescript.wasm'));
      const p = new Parser(); p.setLanguage(ts);
      assert.equal(p.parse('function f() {}').rootNode.type, 'program');
      console.log('RUNTIME_OK');
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: installed, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: '' } });
  assert.equal(r.status, 0, `runtime check failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /RUNTIME_OK/);
});
