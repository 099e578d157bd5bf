// `loupe index`, `search`, `search-image` and `status`: the commands on a folder's index. They
// drive the same WorkspaceIndex (indexing) and WorkspaceSearch (searching) as the editor's server.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmptyReason, HitsResult } from '../protocol/requests';
import { databaseDir, readIndexState } from '../server/indexer/indexState';
import { IndexModels } from '../server/indexer/models';
import { WorkspaceIndex, type IndexReport } from '../server/indexer/workspaceIndex';
import { IndexedWorkspace } from '../server/indexedWorkspace';
import { cliHit } from '../server/search/hitView';
import { WorkspaceSearch } from '../server/search/workspaceSearch';
import { flag, intOption, option, UsageError, type ParsedArgs } from './args';
import { dataDirOf, downloadsForbidden, folderArg, modelCacheDir, modelSettings, modeOption, storeSettings } from './cliSettings';
import { note, out } from './output';

export async function indexCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 1);
  const dataDir = dataDirOf(args, folder);
  const maxFileSize = intOption(args, 'max-file-size', 1024, 2 ** 30);
  const index = await WorkspaceIndex.open({
    folders: [{ name: path.basename(folder), absPath: folder }],
    dataDir,
    models: modelSettings(args, dataDir, true),
    exclude: args.options.get('exclude') ?? [],
    ...(maxFileSize ? { maxFileSize } : {}),
    onWarning: (w) => note(`loupe: ${w}`),
    store: storeSettings(args),
    // A command fails with the store's reason rather than waiting for it to come back.
    maxRetries: 0,
  });
  try {
    const { error, text } = index.status().model;
    // With the text model loaded (the built-in one needs no download) only image search is off.
    if (error) note(`loupe: ${error}\nloupe: ${text ? 'indexing without images' : 'building the BM25 text index only'}; ${modelAdvice(args)}`);
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

/** What to do about a model that did not load, given whether downloads were allowed. */
function modelAdvice(args: ParsedArgs): string {
  const forbidden = downloadsForbidden(args);
  const local = 'pass --model-path DIR (or set LOUPE_MODEL_PATH) to a folder with the models';
  if (forbidden) return `downloads are off (${forbidden}): ${local}, or run without ${forbidden} to download them into ${modelCacheDir()}.`;
  return `${local} for semantic and image search (or check the network: HF_ENDPOINT names a mirror).`;
}

export async function searchCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 2);
  const query = args.positionals[1];
  const mode = modeOption(option(args, 'mode'));
  const limit = intOption(args, 'limit', 1, 500) ?? 10;
  const filter = option(args, 'filter');
  const result = await withReadOnlySearch(args, folder, mode === 'text' ? undefined : 'text', (search) => search.search({ query, mode, limit, ...(filter ? { filter } : {}) }));
  return printHits(result, flag(args, 'json'));
}

export async function searchImageCommand(args: ParsedArgs): Promise<number> {
  const folder = folderArg(args, 1);
  const text = option(args, 'text');
  const image = option(args, 'image');
  if ((text === undefined) === (image === undefined)) throw new UsageError('give exactly one of --text "..." or --image FILE');
  if (image !== undefined && !fs.existsSync(image)) throw new UsageError(`--image ${image}: no such file`);
  const limit = intOption(args, 'limit', 1, 500) ?? 10;
  const params = text !== undefined ? { text, limit } : { imagePath: path.resolve(image as string), limit };
  const result = await withReadOnlySearch(args, folder, 'image', (search) => search.searchImage(params));
  return printHits(result, flag(args, 'json'));
}

export async function statusCommand(args: ParsedArgs): Promise<number> {
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

async function withReadOnlySearch(
  args: ParsedArgs,
  folder: string,
  /** The model the search needs; none for text (BM25) search. */
  need: 'text' | 'image' | undefined,
  run: (search: WorkspaceSearch) => Promise<HitsResult>,
): Promise<HitsResult> {
  const dataDir = dataDirOf(args, folder);
  const store = storeSettings(args);
  if (store.backend === 'embedded' && !fs.existsSync(databaseDir(dataDir))) {
    throw new UsageError(`${folder} is not indexed yet (no index in ${dataDir}); run: loupe index ${JSON.stringify(folder)}`);
  }
  const settings = modelSettings(args, dataDir);
  const models = need ? await IndexModels.load({ ...settings, only: need }) : IndexModels.none('not needed for text search', settings);
  const workspace = await IndexedWorkspace.open({ folders: [{ name: path.basename(folder), absPath: folder }], dataDir, models, readOnly: true, store, maxRetries: 0 }).catch(async (err: unknown) => {
    await models.close();
    throw err;
  });
  try {
    return await run(new WorkspaceSearch(workspace));
  } finally {
    await workspace.close();
    await models.close();
  }
}

/**
 * --json: `{"hits": [...]}`, plus `"emptyReason": {code, message}` when a valid query found
 * nothing. Text: one line per hit; an empty answer says why on stderr. Exit 0 either way.
 */
function printHits(result: HitsResult, json: boolean): number {
  if (result.error) {
    const at = result.error.position !== undefined && !/position/.test(result.error.message) ? ` (at position ${result.error.position})` : '';
    throw new UsageError(`${result.error.message}${at}`);
  }
  const emptyReason: EmptyReason | undefined = result.hits.length === 0 ? result.emptyReason : undefined;
  if (json) {
    out(JSON.stringify({ hits: result.hits.map(cliHit), ...(emptyReason ? { emptyReason } : {}) }));
    return 0;
  }
  if (result.hits.length === 0) note(emptyReason ? `no results: ${emptyReason.message}` : 'no results');
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
