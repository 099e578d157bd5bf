// "Loupe: Show Index Status" opens a read-only document rendered from the latest IndexStatus; it
// refreshes in place while open (rust-analyzer's status document works the same way).

import * as vscode from 'vscode';
import type { IndexStatus } from '../protocol/requests';
import { stateLabel } from './status';

export const STATUS_SCHEME = 'loupe-status';
export const STATUS_URI = vscode.Uri.from({ scheme: STATUS_SCHEME, path: '/Loupe Index Status.md' });

/** Whether this server start found the index on disk or had to build it. */
function indexOrigin(status: IndexStatus): string {
  if (status.reusedIndex === undefined) return '';
  return status.reusedIndex ? 'reused from disk' : 'built from scratch';
}

function lastPass(status: IndexStatus): string {
  const p = status.lastPass;
  return p ? `${p.indexed} files re-indexed, ${p.unchanged} unchanged, ${p.deleted} removed` : '';
}

function renderStatus(status: IndexStatus, serverRunning: boolean): string {
  const skipped = Object.entries(status.skipped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['State', stateLabel(status)],
    ['Message', status.message ?? ''],
    ['Files', String(status.files)],
    ['Chunks', String(status.chunks)],
    ['Images', String(status.images)],
    ['Skipped files', skipped || 'none'],
    ['Text model', status.model.text || '(none)'],
    ['Image model', status.model.image || '(none)'],
    ['Model error', status.model.error ?? ''],
    ['Progress', status.progress ? `${status.progress.done} / ${status.progress.total}` : ''],
    ['Last flush', status.lastFlush ?? 'never'],
    ['Query latency', status.queryLatencyMs !== undefined ? `${status.queryLatencyMs} ms` : 'no queries yet'],
    ['Index', indexOrigin(status)],
    ['Last full pass', lastPass(status)],
    ['Server', serverRunning ? 'running' : 'not running'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = rows.filter(([, v]) => v !== '').map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`);
  return ['# Loupe index status', '', ...lines, ''].join('\n');
}

export class StatusDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly current: () => { status: IndexStatus; serverRunning: boolean }) {}

  provideTextDocumentContent(): string {
    const { status, serverRunning } = this.current();
    return renderStatus(status, serverRunning);
  }

  /** Call when the status changed; an open document re-renders. */
  refresh(): void {
    this.changed.fire(STATUS_URI);
  }

  async open(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(STATUS_URI);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
