// The Loupe status bar item: the index state at a glance; a click shows the full index status.

import * as vscode from 'vscode';
import type { IndexState, IndexStatus } from '../protocol/requests';

const ICONS: Record<IndexState, string> = {
  starting: '$(loading~spin)',
  indexing: '$(sync~spin)',
  ready: '$(check)',
  paused: '$(debug-pause)',
  untrusted: '$(shield)',
  error: '$(error)',
};

/** The words after "Loupe:" in the status bar. */
export function stateLabel(status: IndexStatus): string {
  switch (status.state) {
    case 'indexing': {
      const p = status.progress;
      return p && p.total > 0 ? `indexing ${Math.floor((100 * p.done) / p.total)}%` : 'indexing';
    }
    case 'untrusted':
      return 'off (untrusted)';
    default:
      return status.state;
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loupe.status', vscode.StatusBarAlignment.Left, 0);

  constructor(showStatusCommand: string) {
    this.item.name = 'Loupe';
    this.item.command = showStatusCommand;
  }

  show(status: IndexStatus): void {
    const label = stateLabel(status);
    this.item.text = `${ICONS[status.state]} Loupe: ${label}`;
    const counts = `${status.files} files, ${status.chunks} chunks, ${status.images} images`;
    this.item.tooltip = [`Loupe index: ${label}`, counts, status.message ?? '', 'Click for details']
      .filter((line) => line !== '')
      .join('\n');
    this.item.accessibilityInformation = { label: `Loupe index: ${label}` };
    const warn = status.state === 'error' || status.state === 'untrusted';
    this.item.backgroundColor = warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
