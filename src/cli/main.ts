// The `loupe` command: index a folder, search it, check its status, serve its database over
// Milvus's REST API, or run the language server for any LSP client. It drives the same
// WorkspaceIndex as the editor's server; nothing here is specific to VS Code.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { backupDatabase, restoreDatabase } from '../engine/backup';
import { Database } from '../engine/database';
import { startRestServer } from '../engine/rest/server';
import { AccessControl } from '../engine/catalog/accessControl';
import { Catalog } from '../engine/catalog/catalog';
import { TokenAuth } from '../engine/catalog/tokenAuth';
import { startGrpcServer } from '../engine/grpc/server';
import type { HitsResult, SearchMode } from '../protocol/requests';
import { databaseDir, readIndexState } from '../server/indexer/indexState';
import { IndexModels, type ModelSettings } from '../server/indexer/models';
import { WorkspaceIndex, type IndexReport } from '../server/indexer/workspaceIndex';
import type { StoreSettings } from '../server/store/openStore';
import { cliHit } from '../server/search/hitView';
import { flag, intOption, option, parseArgs, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { defaultDataDir } from './dataDir';

const DEFAULT_TEXT_MODEL = 'Xenova/all-MiniLM-L6-v2';
const DEFAULT_IMAGE_MODEL = 'Xenova/clip-vit-base-patch32';

const USAGE = `usage:
  loupe index <folder> [--data DIR] [--model-path DIR] [--text-model ID] [--image-model ID] [--exclude GLOB]... [BACKEND]
  loupe search <folder> "<query>" [--limit N] [--filter EXPR] [--mode hybrid|dense|text] [--json] [BACKEND]
  loupe search-image <folder> (--text "..." | --image FILE) [--limit N] [--json] [BACKEND]
  loupe status <folder> [--data DIR]
  loupe serve --data DIR [--port N] [--host H] [--token T] [--root-password P] [--grpc-port N]
  loupe backup --data DIR --out FILE
  loupe restore --from FILE --data DIR      (DIR must be new or empty)
  loupe lsp --stdio
BACKEND (default: the embedded database in --data):
  --backend milvus --milvus-uri URI [--milvus-token T] [--milvus-database D] [--milvus-collection-prefix P]
  URI is http(s)://host:port (REST) or host:19530 (gRPC); the token may also come from LOUPE_MILVUS_TOKEN.`;

const V = { value: true } as const;
const SWITCH = { value: false } as const;
const MODEL_OPTIONS: Record<string, OptionSpec> = {
  data: V,
  'model-path': V,
  'text-model': V,
  'image-model': V,
  backend: V,
  'milvus-uri': V,
  'milvus-token': V,
  'milvus-database': V,
  'milvus-collection-prefix': V,
};

const out = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'index':
      return indexCommand(parseArgs(rest, { ...MODEL_OPTIONS, exclude: { value: true, repeat: true }, 'max-file-size': V }));
    case 'search':
      return searchCommand(parseArgs(rest, { ...MODEL_OPTIONS, limit: V, filter: V, mode: V, json: SWITCH }));
    case 'search-image':
      return searchImageCommand(parseArgs(rest, { ...MODEL_OPTIONS, text: V, image: V, limit: V, json: SWITCH }));
    case 'status':
      return statusCommand(parseArgs(rest, { data: V }));
    case 'serve':
      return serveCommand(parseArgs(rest, { data: V, port: V, host: V, token: V, 'root-password': V, 'grpc-port': V }));
    case 'backup':
      return backupCommand(parseArgs(rest, { data: V, out: V }));
    case 'restore':
      return restoreCommand(parseArgs(rest, { from: V, data: V }));
    case 'lsp':
      return lspCommand(parseArgs(rest, { stdio: SWITCH }));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`, true);
  }
}

// ---- commands ---------------------------------------------------------------------------

async function indexCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 1);
  const dataDir = dataDirOf(args, folder);
  const maxFileSize = intOption(args, 'max-file-size', 1024, 2 ** 30);
  const index = await WorkspaceIndex.open({
    folders: [{ name: path.basename(folder), absPath: folder }],
    dataDir,
    models: modelSettings(args, dataDir),
    exclude: args.options.get('exclude') ?? [],
    ...(maxFileSize ? { maxFileSize } : {}),
    onWarning: (w) => note(`loupe: ${w}`),
    store: storeSettings(args),
    // A command fails with the store's reason rather than waiting for it to come back.
    maxRetries: 0,
  });
  try {
    const { error } = index.status().model;
    if (error) note(`loupe: ${error}\nloupe: building the BM25 text index only; pass --model-path DIR (or set LOUPE_MODEL_PATH) to a folder with the models for semantic and image search.`);
    const tty = process.stderr.isTTY;
    const report = await index.indexAll((p) => {
      if (tty) process.stderr.write(`\rindexing ${p.done}/${p.total} files`);
    });
    if (tty) process.stderr.write('\n');
    await index.settled(); // the report's "last flush" and a prompt exit after it
    printIndexReport(report, index, dataDir);
  } finally {
    await index.close();
  }
  return 0;
}

async function searchCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 2);
  const query = args.positionals[1];
  const mode = modeOption(option(args, 'mode'));
  const limit = intOption(args, 'limit', 1, 500) ?? 10;
  const filter = option(args, 'filter');
  const result = await withReadOnlyIndex(args, folder, mode === 'text' ? undefined : 'text', (index) => index.search({ query, mode, limit, ...(filter ? { filter } : {}) }));
  return printHits(result, flag(args, 'json'));
}

async function searchImageCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 1);
  const text = option(args, 'text');
  const image = option(args, 'image');
  if ((text === undefined) === (image === undefined)) throw new UsageError('give exactly one of --text "..." or --image FILE');
  if (image !== undefined && !fs.existsSync(image)) throw new UsageError(`--image ${image}: no such file`);
  const limit = intOption(args, 'limit', 1, 500) ?? 10;
  const params = text !== undefined ? { text, limit } : { imagePath: path.resolve(image as string), limit };
  const result = await withReadOnlyIndex(args, folder, 'image', (index) => index.searchImage(params));
  return printHits(result, flag(args, 'json'));
}

async function statusCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 1);
  const dataDir = dataDirOf(args, folder);
  out(`folder:      ${folder}`);
  out(`data dir:    ${dataDir}`);
  if (!fs.existsSync(databaseDir(dataDir))) {
    out(`index:       none yet (run: loupe index ${JSON.stringify(folder)})`);
    return 0;
  }
  const state = readIndexState(dataDir);
  const models = IndexModels.none('not loaded by loupe status', { textModel: state?.textModel ?? '', imageModel: state?.imageModel ?? '' });
  const index = await WorkspaceIndex.open({ folders: [{ name: path.basename(folder), absPath: folder }], dataDir, models, readOnly: true });
  try {
    const s = index.status();
    out(`files:       ${s.files}`);
    out(`chunks:      ${s.chunks}`);
    out(`images:      ${s.images}`);
    out(`text model:  ${state?.textModel || 'none (semantic search off)'}`);
    out(`image model: ${state?.imageModel || 'none (image search off)'}`);
    if (state?.modelPath) out(`model path:  ${state.modelPath}`);
    out(`indexed at:  ${state?.lastIndexed ?? 'unknown'}`);
    const skipped = Object.entries(s.skipped).filter(([, n]) => n);
    out(`skipped:     ${skipped.length ? skipped.map(([r, n]) => `${n} ${r}`).join(', ') : 'none'}`);
    for (const line of index.skipDetails) out(`  ${line}`);
  } finally {
    await index.close();
    await models.close();
  }
  return 0;
}

async function serveCommand(args: ParsedArgs): Promise<number> {
  const data = option(args, 'data');
  if (!data) throw new UsageError('serve needs --data DIR (a data directory from loupe index, or a database directory)');
  const dir = fs.existsSync(databaseDir(data)) ? databaseDir(data) : data;
  const port = intOption(args, 'port', 0, 65535) ?? 19530;
  const host = option(args, 'host') ?? '127.0.0.1';
  const token = option(args, 'token') ?? process.env.LOUPE_TOKEN ?? randomBytes(18).toString('base64url');
  const db = await Database.open(dir, { onWarning: (w) => note(`loupe: ${w}`) });
  const rootPassword = option(args, 'root-password') ?? process.env.LOUPE_ROOT_PASSWORD;
  const { access, generatedRootPassword } = await AccessControl.open(dir, rootPassword);
  const catalog = await Catalog.attach(db, { onWarning: (w) => note(`loupe: ${w}`) });
  const server = await startRestServer({ db, host, port, token, access, catalog });
  out(`Milvus REST API on ${server.url} (database ${dir})`);
  const grpcPort = intOption(args, 'grpc-port', 0, 65535);
  const grpc = grpcPort === undefined ? undefined : await startGrpcServer({ catalog, auth: new TokenAuth(token, access), host, port: grpcPort });
  if (grpc) out(`Milvus gRPC API on ${grpc.address} (part of the protocol; see the README)`);
  if (!option(args, 'token') && !process.env.LOUPE_TOKEN) out(`token: ${token}`);
  // Shown once, on the first start: it is stored only as a hash.
  if (generatedRootPassword) out(`root password: ${generatedRootPassword} (clients may send root:<password> as the token)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await grpc?.close();
  await server.close();
  await catalog.close();
  await db.close();
  return 0;
}

async function backupCommand(args: ParsedArgs): Promise<number> {
  const data = option(args, 'data');
  const file = option(args, 'out');
  if (!data || !file) throw new UsageError('backup needs --data DIR and --out FILE');
  const dir = fs.existsSync(databaseDir(data)) ? databaseDir(data) : data;
  if (!fs.existsSync(dir)) throw new UsageError(`backup: ${dir} does not exist`);
  // A running server holds the writer lock: then copy what it last flushed, read-only.
  const db = await Database.open(dir, { flushIntervalMs: 0 }).catch(async (err: Error) => {
    note(`loupe: ${err.message}; backing up its last flushed state read-only`);
    return Database.open(dir, { readOnly: true, flushIntervalMs: 0 });
  });
  try {
    const s = await backupDatabase(db, file);
    out(`backed up ${s.collections.length} collection(s), ${s.files} files, ${s.bytes} bytes to ${file}`);
  } finally {
    await db.close();
  }
  return 0;
}

async function restoreCommand(args: ParsedArgs): Promise<number> {
  const from = option(args, 'from');
  const data = option(args, 'data');
  if (!from || !data) throw new UsageError('restore needs --from FILE and --data DIR');
  const s = await restoreDatabase(from, data);
  out(`restored ${s.collections.length} collection(s), ${s.files} files, ${s.bytes} bytes into ${data}`);
  return 0;
}

async function lspCommand(args: ParsedArgs): Promise<number> {
  if (!flag(args, 'stdio')) throw new UsageError('lsp needs --stdio (the only transport the CLI offers)');
  // The server listens on import and reads --stdio from process.argv; it keeps the process alive.
  require('../server/main');
  return new Promise<number>(() => undefined);
}

// ---- helpers ----------------------------------------------------------------------------

async function withReadOnlyIndex(
  args: ParsedArgs,
  folder: string,
  /** The model the search needs; none for text (BM25) search. */
  need: 'text' | 'image' | undefined,
  run: (index: WorkspaceIndex) => Promise<HitsResult>,
): Promise<HitsResult> {
  const dataDir = dataDirOf(args, folder);
  const store = storeSettings(args);
  if (store.backend === 'embedded' && !fs.existsSync(databaseDir(dataDir))) {
    throw new UsageError(`${folder} is not indexed yet (no index in ${dataDir}); run: loupe index ${JSON.stringify(folder)}`);
  }
  const settings = modelSettings(args, dataDir);
  const models = need ? await IndexModels.load({ ...settings, only: need }) : IndexModels.none('not needed for text search', settings);
  const index = await WorkspaceIndex.open({ folders: [{ name: path.basename(folder), absPath: folder }], dataDir, models, readOnly: true, store, maxRetries: 0 }).catch(async (err: unknown) => {
    await models.close();
    throw err;
  });
  try {
    return await run(index);
  } finally {
    await index.close();
    await models.close();
  }
}

function printHits(result: HitsResult, json: boolean): number {
  if (result.error) {
    const at = result.error.position !== undefined && !/position/.test(result.error.message) ? ` (at position ${result.error.position})` : '';
    throw new UsageError(`${result.error.message}${at}`);
  }
  if (json) {
    out(JSON.stringify(result.hits.map(cliHit)));
    return 0;
  }
  if (result.hits.length === 0) note('no results');
  for (const h of result.hits) {
    const what = [h.kind, h.symbol].filter(Boolean).join(' ');
    out(`${h.path}:${h.startLine + 1}-${h.endLine + 1}  ${what}  (${h.score.toFixed(4)})`);
  }
  return 0;
}

function printIndexReport(report: IndexReport, index: WorkspaceIndex, dataDir: string): void {
  const s = index.status();
  const e = report.embedded;
  out(`indexed ${report.indexed} file(s), ${report.unchanged} unchanged, ${report.deleted} removed${report.failed ? `, ${report.failed} failed` : ''}`);
  out(`index: ${s.files} files, ${s.chunks} chunks, ${s.images} images in ${index.where.startsWith('embedded') ? dataDir : index.where}`);
  out(`embedded: ${e.texts} text, ${e.clipTexts} CLIP text, ${e.images} image input(s); ${e.reused} chunk(s) reused`);
  const skipped = Object.entries(s.skipped).filter(([, n]) => n);
  if (skipped.length) out(`skipped: ${skipped.map(([r, n]) => `${n} ${r}`).join(', ')} (details: loupe status)`);
  out(s.model.text ? `semantic search: on (${s.model.text})` : 'semantic search: off (no text model)');
  out(s.model.image ? `image search: on (${s.model.image})` : 'image search: off (no image model)');
}

function folderArg(args: ParsedArgs, positionals: number): string {
  if (args.positionals.length !== positionals) {
    throw new UsageError(positionals === 2 ? 'give a folder and a query: loupe search <folder> "<query>"' : 'give one folder');
  }
  const folder = path.resolve(args.positionals[0]);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${args.positionals[0]} is not a folder`);
  return folder;
}

function dataDirOf(args: ParsedArgs, folder: string): string {
  const data = option(args, 'data');
  return data ? path.resolve(data) : defaultDataDir(folder);
}

/** Flags, then environment, then what the last `loupe index` of this folder used. */
function modelSettings(args: ParsedArgs, dataDir: string): ModelSettings {
  const saved = readIndexState(dataDir);
  const modelPath = option(args, 'model-path') || process.env.LOUPE_MODEL_PATH || saved?.modelPath;
  if (option(args, 'model-path') && !fs.existsSync(option(args, 'model-path') as string)) {
    throw new UsageError(`--model-path ${option(args, 'model-path')}: no such folder`);
  }
  return {
    ...(modelPath ? { modelPath: path.resolve(modelPath) } : {}),
    textModel: option(args, 'text-model') || process.env.LOUPE_TEXT_MODEL || saved?.textModel || DEFAULT_TEXT_MODEL,
    imageModel: option(args, 'image-model') || process.env.LOUPE_IMAGE_MODEL || saved?.imageModel || DEFAULT_IMAGE_MODEL,
  };
}

/** --backend and the --milvus-* flags; a Milvus flag without --backend milvus is a mistake. */
function storeSettings(args: ParsedArgs): StoreSettings {
  const backend = option(args, 'backend') ?? 'embedded';
  const milvusFlags = ['milvus-uri', 'milvus-token', 'milvus-database', 'milvus-collection-prefix'].filter((f) => args.options.has(f));
  if (backend === 'embedded') {
    if (milvusFlags.length) throw new UsageError(`--${milvusFlags[0]} needs --backend milvus`);
    return { backend: 'embedded' };
  }
  if (backend !== 'milvus') throw new UsageError(`--backend must be embedded or milvus, got ${JSON.stringify(backend)}`);
  const uri = option(args, 'milvus-uri');
  if (!uri) throw new UsageError('--backend milvus needs --milvus-uri URI (e.g. http://localhost:19530)');
  const token = option(args, 'milvus-token') ?? process.env.LOUPE_MILVUS_TOKEN;
  const database = option(args, 'milvus-database');
  const collectionPrefix = option(args, 'milvus-collection-prefix');
  return { backend: 'milvus', uri, ...(token ? { token } : {}), ...(database ? { database } : {}), ...(collectionPrefix ? { collectionPrefix } : {}) };
}

function modeOption(raw: string | undefined): SearchMode {
  if (raw === undefined || raw === 'hybrid') return 'hybrid';
  if (raw === 'dense' || raw === 'semantic') return 'semantic';
  if (raw === 'text') return 'text';
  throw new UsageError(`--mode must be hybrid, dense or text, got ${JSON.stringify(raw)}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Every failure is one line; the stack only on request, since most are the user's to fix.
    note(`loupe: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof UsageError && err.showUsage) note(USAGE);
    if (process.env.LOUPE_DEBUG && err instanceof Error) note(err.stack ?? '');
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
