// The extension's context object (rust-analyzer's `Ctx`): settings, the server client, the last
// known index status and the views that show it. Commands are small functions of a Ctx.

import * as vscode from 'vscode';
import type { IndexStatus } from '../protocol/requests';
import { ServerClient } from './client';
import { mergeExcludes, needsServerRestart, readConfig, type ConfigReading } from './config';
import { StatusBar } from './status';
import { StatusDocument } from './statusDocument';

const RESTARTING_MESSAGE = 'The Loupe server stopped unexpectedly; starting it again.';

export const UNTRUSTED_MESSAGE = 'Loupe is off in this untrusted workspace: nothing is indexed until you trust it.';

function localStatus(state: 'starting' | 'untrusted' | 'error', settings: ConfigReading['settings'], message?: string): IndexStatus {
  return {
    state,
    files: 0,
    chunks: 0,
    images: 0,
    skipped: {},
    model: { text: settings.textModel, image: settings.imageModel },
    ...(message ? { message } : {}),
  };
}

export class Ctx implements vscode.Disposable {
  readonly client: ServerClient;
  readonly statusBar: StatusBar;
  readonly statusDocument: StatusDocument;
  private config: ConfigReading;
  private current: IndexStatus;
  private readonly statusListeners: Array<(status: IndexStatus, serverRunning: boolean) => void> = [];

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    showStatusCommand: string,
  ) {
    this.config = this.readConfig();
    this.current = localStatus('starting', this.config.settings);
    this.statusBar = new StatusBar(showStatusCommand);
    this.statusDocument = new StatusDocument(() => ({ status: this.current, serverRunning: this.client.running }));
    this.client = new ServerClient(extension, log, {
      onStatus: (status) => this.setStatus(status),
      onRestarting: () => this.setStatus(localStatus('starting', this.config.settings, RESTARTING_MESSAGE)),
      onStopped: (reason) => {
        this.setStatus(localStatus('error', this.config.settings, reason));
        void vscode.window.showErrorMessage(reason);
      },
    });
    this.setStatus(this.current);
  }

  get status(): IndexStatus {
    return this.current;
  }

  /** The validated settings (config.ts), re-read on every configuration change. */
  get settings(): ConfigReading['settings'] {
    return this.config.settings;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  onStatus(listener: (status: IndexStatus, serverRunning: boolean) => void): void {
    this.statusListeners.push(listener);
  }

  /** Starts the server unless the workspace is untrusted; then it waits for trust. */
  async startServer(): Promise<void> {
    if (!this.trusted) {
      this.setStatus(localStatus('untrusted', this.config.settings, UNTRUSTED_MESSAGE));
      return;
    }
    this.setStatus(localStatus('starting', this.config.settings));
    await this.client.start(this.config.settings);
  }

  async restartServer(): Promise<void> {
    if (!this.trusted) return this.startServer();
    this.setStatus(localStatus('starting', this.config.settings));
    await this.client.restart(this.config.settings);
  }

  /** Re-reads settings; restarts the server when one it reads at startup changed. */
  async onConfigurationChanged(): Promise<void> {
    const before = this.config.settings;
    this.config = this.readConfig();
    if (this.client.running && needsServerRestart(before, this.config.settings)) {
      this.log.info('Loupe settings changed; restarting the server');
      await this.restartServer();
    }
  }

  setStatus(status: IndexStatus): void {
    this.current = status;
    this.statusBar.show(status);
    this.statusDocument.refresh();
    for (const listener of this.statusListeners) listener(status, this.client.running);
  }

  private readConfig(): ConfigReading {
    const reading = readConfig(vscode.workspace.getConfiguration('loupe'));
    // The server gets one exclude list; a change to any of the three restarts it (needsServerRestart).
    const editor = (section: string) => vscode.workspace.getConfiguration(section).get('exclude');
    reading.settings.exclude = mergeExcludes(reading.settings.exclude, editor('files'), editor('search'));
    if (reading.problems.length > 0) {
      for (const p of reading.problems) this.log.warn(p);
      void vscode.window.showWarningMessage(`Loupe settings: ${reading.problems.join('; ')}`);
    }
    return reading;
  }

  dispose(): void {
    this.client.dispose();
    this.statusBar.dispose();
    this.statusDocument.dispose();
  }
}
