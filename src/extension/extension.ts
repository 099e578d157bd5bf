// Activation: a short list of registrations, each pushed to context.subscriptions. The work is
// in the language server (src/server); this side starts it, forwards settings and shows status.

import * as vscode from 'vscode';
import { Command, registerCommands } from './commands';
import { Ctx, UNTRUSTED_MESSAGE } from './ctx';
import { registerSearchFaces } from './searchCommands';
import { STATUS_SCHEME } from './statusDocument';
import { installTestHooks } from './testHooks';

let active: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const t0 = Date.now();
  const log = vscode.window.createOutputChannel('Loupe', { log: true });
  const ctx = new Ctx(context, log, Command.showStatus);
  active = ctx;

  context.subscriptions.push(
    log,
    ctx,
    vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, ctx.statusDocument),
    ...registerCommands(ctx),
    ...registerSearchFaces(ctx),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const affects = ['loupe', 'files.exclude', 'search.exclude'].some((section) => e.affectsConfiguration(section));
      if (affects) void ctx.onConfigurationChanged();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trusted; starting the Loupe server');
      void ctx.startServer();
    }),
  );

  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }
  // Not awaited: activation must not wait for the server; failures surface in the status bar.
  ctx.startServer().catch((e: Error) => log.error(`Loupe server did not start: ${e.message}`));

  const activationMs = Date.now() - t0;
  log.info(`Loupe activated in ${activationMs} ms`);
  installTestHooks(ctx, activationMs);
}

/** Lets VS Code wait for the server's orderly shutdown; subscriptions are disposed after. */
export function deactivate(): Promise<void> | undefined {
  return active?.client.stop();
}
