// The one place that starts, stops and restarts the language server (dist/server.js) and sends
// it requests. vscode-languageclient restarts a crashed server by itself (its default error
// handler: up to 4 crashes in 3 minutes); after that the client stops and we say so. The library
// reports an automatic restart as a change to Stopped too, so we tell the two apart.

import * as vscode from 'vscode';
import {
  CloseAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { MILVUS_TOKEN_SECRET } from './config';
import {
  Method,
  type IndexStatus,
  type InitializationOptions,
  type LoupeSettings,
  type RequestMap,
  type RequestMethod,
} from '../protocol/requests';

export interface ServerEvents {
  onStatus(status: IndexStatus): void;
  /** The server crashed and the client is starting a new one; a status follows once it runs. */
  onRestarting(): void;
  /** The client gave up (crash loop) or was stopped; `reason` is for the user. */
  onStopped(reason: string): void;
}

export class ServerClient implements vscode.Disposable {
  private client: LanguageClient | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: ServerEvents,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Starts the server; resolves once it answered `initialize`. */
  async start(settings: LoupeSettings): Promise<void> {
    if (this.client) return;
    const serverModule = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', '--inspect=6012'] },
      },
    };
    const initializationOptions: InitializationOptions = {
      settings,
      globalStoragePath: this.context.globalStorageUri.fsPath,
      // similarHover.ts is the hover here (richer, command links): VS Code must not show two.
      clientHover: true,
      ...(this.context.storageUri ? { storagePath: this.context.storageUri.fsPath } : {}),
    };
    // The library's own handler decides; we only note when it chose to restart.
    let fallback: ErrorHandler | undefined;
    let restarting = false;
    const errorHandler: ErrorHandler = {
      error: (error, message, count) => (fallback as ErrorHandler).error(error, message, count),
      closed: async () => {
        const result = await (fallback as ErrorHandler).closed();
        restarting = result.action === CloseAction.Restart;
        return result;
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }],
      outputChannel: this.log,
      initializationOptions,
      errorHandler,
    };
    // Client id 'loupe' makes the library honour the `loupe.trace.server` setting.
    const client = new LanguageClient('loupe', 'Loupe', serverOptions, clientOptions);
    fallback = client.createDefaultErrorHandler();
    client.onNotification(Method.statusChanged, (status: IndexStatus) => this.events.onStatus(status));
    client.onDidChangeState((e) => {
      if (this.client !== client) return;
      if (e.newState === State.Stopped && restarting) {
        this.log.warn('The Loupe server stopped unexpectedly; starting a new one');
        this.events.onRestarting();
      } else if (e.newState === State.Stopped) {
        this.events.onStopped('The Loupe server stopped. Run "Loupe: Restart Server" to start it again.');
      } else if (e.newState === State.StartFailed && restarting) {
        restarting = false;
        this.events.onStopped('The Loupe server crashed and could not be started again. Run "Loupe: Restart Server" to try again.');
      } else if (e.newState === State.Running && restarting) {
        restarting = false;
        // As after the first start: a statusChanged may have gone out before the handshake ended.
        client.sendRequest<IndexStatus>(Method.status).then(
          (status) => this.events.onStatus(status),
          (err: Error) => this.log.warn(`Loupe status after restart: ${err.message}`),
        );
      }
    });
    this.client = client; // before any await, so a second start() returns early
    const t0 = Date.now();
    try {
      // VS Code hands out these folders but does not create them; the server may rely on them.
      for (const dir of [this.context.globalStorageUri, this.context.storageUri]) {
        if (dir) await vscode.workspace.fs.createDirectory(dir);
      }
      // The Milvus token lives in SecretStorage, not settings; read at each start, before initialize.
      const token = settings.backend === 'milvus' ? await this.context.secrets.get(MILVUS_TOKEN_SECRET) : undefined;
      if (token) initializationOptions.milvusToken = token;
      await client.start();
    } catch (e) {
      this.client = undefined;
      this.events.onStopped(`The Loupe server failed to start: ${(e as Error).message}`);
      throw e;
    }
    this.log.info(`Loupe server started in ${Date.now() - t0} ms`);
    // The first statusChanged may have been sent before our handler saw it; ask once.
    this.events.onStatus(await client.sendRequest<IndexStatus>(Method.status));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    // Also while still starting: the library then stops it once the start finished.
    if (client && client.state !== State.Stopped) await client.stop();
  }

  async restart(settings: LoupeSettings): Promise<void> {
    await this.stop();
    await this.start(settings);
  }

  /** Sends a loupe/* request; rejects with a readable Error when the server is not running. */
  async request<M extends RequestMethod>(
    method: M,
    ...params: RequestMap[M]['params'] extends void ? [] : [RequestMap[M]['params']]
  ): Promise<RequestMap[M]['result']> {
    if (!this.client || !this.running) {
      throw new Error('The Loupe server is not running. Run "Loupe: Restart Server" to start it.');
    }
    return params.length === 0
      ? this.client.sendRequest<RequestMap[M]['result']>(method)
      : this.client.sendRequest<RequestMap[M]['result']>(method, params[0]);
  }

  /** Like request(), with a token: cancelling it sends $/cancelRequest and rejects the promise. */
  async requestCancellable<M extends RequestMethod>(
    method: M,
    params: RequestMap[M]['params'],
    token: vscode.CancellationToken,
  ): Promise<RequestMap[M]['result']> {
    if (!this.client || !this.running) {
      throw new Error('The Loupe server is not running. Run "Loupe: Restart Server" to start it.');
    }
    return this.client.sendRequest<RequestMap[M]['result']>(method, params, token);
  }

  dispose(): void {
    void this.stop();
  }
}
