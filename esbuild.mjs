// Bundles the three entry points. Native modules and the model runtime stay external: they are
// shipped as node_modules in the .vsix because their .node binaries cannot be bundled.
import * as esbuild from 'esbuild';

const external = [
  'vscode',
  'hnswlib-node',
  'onnxruntime-node',
  'sharp',
  '@huggingface/transformers',
  // The runtime finds tree-sitter.wasm beside its own tree-sitter.js, and treeSitter.ts finds the
  // grammars with require.resolve('tree-sitter-wasms/package.json'): both must stay real packages
  // in node_modules (next to dist/ in the .vsix, see .vscodeignore), resolved at run time.
  'web-tree-sitter',
  'tree-sitter-wasms',
];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'warning',
};

const entries = [
  { in: 'src/extension/extension.ts', out: 'dist/extension.js' },
  { in: 'src/server/main.ts', out: 'dist/server.js' },
  { in: 'src/server/embed/worker.ts', out: 'dist/embedWorker.js' },
  // Index builds for large segments; resolved beside the running bundle (indexBuilder.ts).
  { in: 'src/engine/index/indexWorker.ts', out: 'dist/indexWorker.js' },
];

// The CLI is an ES module bundle split at its dynamic imports (src/cli/main.ts loads each
// command's module on demand): `loupe --help` reads a few kB, `loupe search` the engine but not
// the Milvus SDK or the language server. Chunks sit beside the entry in dist/ because bundled code
// finds its workers through __dirname, which the banner defines, with `require`, for ESM.
const cliBanner = [
  "import { createRequire as __loupeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __loupeFileURLToPath } from 'node:url';",
  "import { dirname as __loupeDirname } from 'node:path';",
  'const require = __loupeCreateRequire(import.meta.url);',
  'const __filename = __loupeFileURLToPath(import.meta.url);',
  'const __dirname = __loupeDirname(__filename);',
].join('\n');
const fs = await import('node:fs');
for (const old of fs.existsSync('dist') ? fs.readdirSync('dist') : []) {
  if (/^cli-.*\.mjs(\.map)?$/.test(old)) fs.rmSync(`dist/${old}`); // chunks of earlier builds
}
const cli = esbuild.build({
  ...common,
  format: 'esm',
  splitting: true,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'cli-[name]-[hash]',
  banner: { js: cliBanner },
});

await Promise.all([
  cli.then(() =>
    // package.json's bin: a CommonJS launcher, so `node dist/cli.js` works as it always has.
    fs.writeFileSync('dist/cli.js', "#!/usr/bin/env node\n'use strict';\nimport('./cli.mjs');\n", { mode: 0o755 }),
  ),
  ...entries
    .filter((e) => fs.existsSync(e.in))
    .map((e) =>
      esbuild.build({
        ...common,
        entryPoints: [e.in],
        outfile: e.out,
      }),
    ),
]);
