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
  { in: 'src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
];

const fs = await import('node:fs');
await Promise.all(
  entries
    .filter((e) => fs.existsSync(e.in))
    .map((e) =>
      esbuild.build({
        ...common,
        entryPoints: [e.in],
        outfile: e.out,
        banner: e.banner ? { js: e.banner } : undefined,
      }),
    ),
);
