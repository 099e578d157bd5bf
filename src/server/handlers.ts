// The server's requests and notifications, wired to one workspace: its indexer (WorkspaceIndex:
// control requests, work-done progress for full passes, editor buffers — unsaved text is
// searchable —, watched file events, status pushed to the client) and its searches
// (WorkspaceSearch: loupe/search, searchImage, similar and the hover). main.ts owns the
// connection and the handshake.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Method, type HitsResult, type IndexStatus, type InitializationOptions, type RequestMap, type RequestMethod } from '../protocol/requests';
import { similarHover } from './hover';
import { WorkspaceIndex, type CancellationLike } from './indexer/workspaceIndex';
import { WorkspaceSearch } from './search/workspaceSearch';
import type { StatusBoard } from './status';
import type { StoreSettings } from './store/openStore';

const PAUSED = 'Indexing paused; run "Loupe: Resume Indexing" to continue.';
const NO_FOLDER = 'No folder is open: there is nothing to index.';

const CLEARED: Partial<IndexStatus> = { progress: undefined, message: undefined, lastFlush: undefined, queryLatencyMs: undefined };

/** A loupe/* handler typed by RequestMap, as the client's request() is: params and result from the method name. */
type RequestHandler<M extends RequestMethod> = (params: RequestMap[M]['params'], token: CancellationToken) => RequestMap[M]['result'] | Promise<RequestMap[M]['result']>;

/** Typing pauses this long before the buffer is re-indexed. */
const EDIT_DEBOUNCE_MS = 300;

export class IndexHandlers {
  private index: WorkspaceIndex | undefined;
  private searches: WorkspaceSearch | undefined;
  private board: StatusBoard | undefined;
  private params: InitializeParams | undefined;
  private options: InitializationOptions | undefined;
  private opening: Promise<WorkspaceIndex | undefined> | undefined;
  private readonly documents = new TextDocuments(TextDocument);
  private readonly pendingEdits = new Map<string, NodeJS.Timeout>();
  /** What the status says while there is no index (no folder, or it failed to open). */
  private idleMessage: string | undefined;
  /** Counts of the last full pass, so the user can see whether a restart re-embedded anything. */
  private lastPass: IndexStatus['lastPass'];
  /** loupe.hover.enabled: from initialize, then from workspace/didChangeConfiguration if sent. */
  private hoverEnabled = true;

  constructor(private readonly connection: Connection) {
    // The library types a string method's params as any; RequestMap types them here, once.
    const on = <M extends RequestMethod>(method: M, run: RequestHandler<M>): void =>
      void connection.onRequest(method, (params: RequestMap[M]['params'], token: CancellationToken): Promise<unknown> => Promise.resolve().then(() => run(params, token)));
    on(Method.status, (): IndexStatus => this.withPass(this.index?.status()) ?? this.requireBoard().get());
    on(Method.pause, (): IndexStatus => this.withPass(this.index?.pause(PAUSED)) ?? this.requireBoard().update({ state: 'paused', message: PAUSED }));
    on(Method.resume, (): IndexStatus => this.withPass(this.index?.resume()) ?? this.requireBoard().update({ state: 'ready', message: this.idleMessage }));
    on(Method.reindex, (): IndexStatus => {
      if (this.index) void this.runFullPass(this.index);
      return this.withPass(this.index?.status()) ?? this.requireBoard().get();
    });
    on(Method.search, (p, token) => cancellable(token, (signal) => this.withSearch((s) => s.search(p, signal))));
    on(Method.searchImage, (p, token) => cancellable(token, (signal) => this.withSearch((s) => s.searchImage(p, signal))));
    on(Method.similar, (p) => this.withSearch((s) => s.similar(p)));
    connection.onHover((p, token) =>
      similarHover(
        {
          search: () => this.searches,
          enabled: () => this.hoverEnabled,
          text: (uri) => this.documents.get(uri)?.getText(),
          settle: (uri) => this.settle(uri),
        },
        p,
        token,
      ),
    );
    connection.onDidChangeConfiguration((p) => {
      const enabled = (p.settings as { loupe?: { hover?: { enabled?: unknown } } } | null)?.loupe?.hover?.enabled;
      if (typeof enabled === 'boolean') this.hoverEnabled = enabled;
    });
    connection.onDidChangeWatchedFiles((e) => {
      for (const change of e.changes) void this.onFileEvent(change.uri, change.type).catch((err) => this.warn(err));
    });
    this.documents.onDidChangeContent((e) => this.schedule(e.document.uri, () => e.document.getText()));
    this.documents.onDidSave((e) => this.schedule(e.document.uri, () => undefined));
    this.documents.onDidClose((e) => this.schedule(e.document.uri, () => undefined));
    this.documents.listen(connection);
    connection.onShutdown(async () => {
      for (const t of this.pendingEdits.values()) clearTimeout(t);
      await (await this.opening)?.close();
    });
  }

  /** What the server offers: full-text sync, so unsaved buffers can be indexed; hover unless the client has its own. */
  get capabilities(): ServerCapabilities {
    return {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      ...(this.options?.clientHover ? {} : { hoverProvider: true }),
    };
  }

  /** From onInitialize, once the options are checked. */
  initialize(params: InitializeParams, options: InitializationOptions, board: StatusBoard): void {
    this.params = params;
    this.options = options;
    this.board = board;
    this.hoverEnabled = options.settings.hoverEnabled;
  }

  /** From onInitialized: load models, open the index, watch files, run the first pass. */
  async start(): Promise<void> {
    const board = this.requireBoard();
    const params = this.params as InitializeParams;
    const options = this.options as InitializationOptions;
    // The extension does not start the server in an untrusted workspace; other clients may say so.
    if ((params.initializationOptions as { trusted?: unknown } | undefined)?.trusted === false) {
      board.update({ state: 'untrusted', message: 'Loupe is off in this untrusted workspace: nothing is indexed.' });
      return;
    }
    const folders = workspaceFolders(params);
    if (!options.storagePath || folders.length === 0) {
      this.idleMessage = NO_FOLDER;
      board.update({ state: 'ready', message: NO_FOLDER });
      return;
    }
    board.update({ state: 'starting', message: 'Loading the embedding models' });
    const s = options.settings;
    this.opening = WorkspaceIndex.open({
      folders,
      dataDir: path.join(options.storagePath, 'index'),
      models: {
        modelPath: s.modelPath || path.join(options.globalStoragePath, 'models'),
        textModel: s.textModel,
        imageModel: s.imageModel,
        ...(s.embeddingThreads > 0 ? { threads: s.embeddingThreads } : {}),
      },
      exclude: s.exclude,
      maxFileSize: s.maxFileSize,
      store: storeSettings(options),
      // Optional fields the index leaves out are cleared on the board, not kept from before.
      onStatus: (status) => board.update({ ...CLEARED, ...status }),
      onWarning: (w) => this.connection.console.warn(`Loupe: ${w}`),
    }).catch((err: Error) => {
      board.update({ state: 'error', message: `Loupe could not open its index: ${err.message}` });
      return undefined;
    });
    const index = await this.opening;
    if (!index) return;
    this.index = index;
    this.searches = new WorkspaceSearch(index.workspace);
    // Until the first pass starts, "ready" would claim an up-to-date index that has not even
    // been scanned (the watcher registration below is a round trip to the client).
    const opened = index.status();
    board.update({ ...CLEARED, ...opened, ...(opened.state === 'ready' ? { state: 'starting', message: 'Scanning the workspace' } : {}) });
    await this.watchFiles();
    await this.runFullPass(index);
  }

  private async runFullPass(index: WorkspaceIndex): Promise<void> {
    const progress = await this.connection.window.createWorkDoneProgress();
    const token: { isCancellationRequested: boolean } & CancellationLike = { isCancellationRequested: false };
    progress.token.onCancellationRequested(() => (token.isCancellationRequested = true));
    progress.begin('Loupe: indexing', 0, 'scanning the workspace', true);
    try {
      const report = await index.indexAll((p) => {
        progress.report(p.total ? Math.floor((100 * p.done) / p.total) : 100, `${p.done}/${p.total} files`);
      }, token);
      if (!report.cancelled) {
        this.lastPass = { indexed: report.indexed, unchanged: report.unchanged, deleted: report.deleted };
        this.board?.update({ lastPass: this.lastPass });
      }
    } catch (err) {
      this.warn(err);
    } finally {
      progress.done();
    }
  }

  private async watchFiles(): Promise<void> {
    const can = this.params?.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    if (!can) return;
    await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  }

  private async onFileEvent(uri: string, type: FileChangeType): Promise<void> {
    const index = this.index;
    if (!index || !uri.startsWith('file:')) return;
    const file = fileURLToPath(uri);
    if (type === FileChangeType.Deleted) {
      await index.removeFile(file);
      return;
    }
    // An open buffer's unsaved text wins over the disk.
    await index.updateFile(file, this.documents.get(uri)?.getText());
  }

  /** Debounced per document; `text()` undefined means "use the file on disk". */
  private schedule(uri: string, text: () => string | undefined): void {
    if (!uri.startsWith('file:')) return;
    const previous = this.pendingEdits.get(uri);
    if (previous) clearTimeout(previous);
    const content = text();
    this.pendingEdits.set(
      uri,
      setTimeout(() => {
        this.pendingEdits.delete(uri);
        void this.index?.updateFile(fileURLToPath(uri), content).catch((err) => this.warn(err));
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** Runs a document's debounced edit now (a hover must see the unsaved text it points at). */
  private async settle(uri: string): Promise<void> {
    const pending = this.pendingEdits.get(uri);
    if (!pending) return;
    clearTimeout(pending);
    this.pendingEdits.delete(uri);
    await this.index?.updateFile(fileURLToPath(uri), this.documents.get(uri)?.getText()).catch((err) => this.warn(err));
  }

  private async withSearch(run: (search: WorkspaceSearch) => Promise<HitsResult>): Promise<HitsResult> {
    const index = this.index ?? (await this.opening);
    if (index) this.searches ??= new WorkspaceSearch(index.workspace);
    if (!this.searches) {
      const status = this.requireBoard().get();
      return { hits: [], tookMs: 0, error: { message: status.message ?? 'Loupe has no index for this workspace.' } };
    }
    return run(this.searches);
  }

  /** The index's status plus what only the handlers know (the last pass); undefined without an index. */
  private withPass(status: IndexStatus | undefined): IndexStatus | undefined {
    return status && this.lastPass ? { ...status, lastPass: this.lastPass } : status;
  }

  private requireBoard(): StatusBoard {
    if (!this.board) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'Loupe server: initialize first');
    return this.board;
  }

  private warn(err: unknown): void {
    this.connection.console.warn(`Loupe: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The embedded engine, or the Milvus server the settings name (token from SecretStorage). */
export function storeSettings(options: InitializationOptions): StoreSettings {
  const s = options.settings;
  if (s.backend !== 'milvus') return { backend: 'embedded' };
  return {
    backend: 'milvus',
    uri: s.milvusUri ?? '',
    ...(options.milvusToken ? { token: options.milvusToken } : {}),
    ...(s.milvusDatabase ? { database: s.milvusDatabase } : {}),
    ...(s.milvusCollectionPrefix ? { collectionPrefix: s.milvusCollectionPrefix } : {}),
  };
}

/** Workspace folders as name + absolute path; only file: URIs can be indexed. */
export function workspaceFolders(params: InitializeParams): Array<{ name: string; absPath: string }> {
  const raw = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(fileURLToPath(params.rootUri)) }] : []);
  return raw.filter((f) => f.uri.startsWith('file:')).map((f) => ({ name: f.name, absPath: fileURLToPath(f.uri) }));
}

/**
 * Runs a search with an AbortSignal that follows the request's cancellation (the palette cancels
 * the previous search on every keystroke), and answers a cancelled one as LSP says: RequestCancelled.
 */
export async function cancellable(token: CancellationToken, run: (signal: AbortSignal) => Promise<HitsResult>): Promise<HitsResult> {
  const controller = new AbortController();
  const listener = token.onCancellationRequested(() => controller.abort());
  if (token.isCancellationRequested) controller.abort();
  try {
    return await run(controller.signal);
  } catch (err) {
    if (controller.signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the search was cancelled');
    throw err;
  } finally {
    listener.dispose();
  }
}
