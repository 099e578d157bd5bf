// Each command is a small function of the Ctx. They return the resulting IndexStatus so the
// integration suite (test/suite) can check effects; the palette ignores return values.

import * as vscode from 'vscode';
import { Method, type IndexStatus } from '../protocol/requests';
import { MILVUS_TOKEN_SECRET } from './config';
import { UNTRUSTED_MESSAGE, type Ctx } from './ctx';

export const Command = {
  showStatus: 'loupe.showStatus',
  reindex: 'loupe.reindex',
  pause: 'loupe.pause',
  resume: 'loupe.resume',
  restartServer: 'loupe.restartServer',
  setMilvusToken: 'loupe.setMilvusToken',
} as const;

async function showStatus(ctx: Ctx): Promise<IndexStatus> {
  if (ctx.client.running) ctx.setStatus(await ctx.client.request(Method.status));
  await ctx.statusDocument.open();
  return ctx.status;
}

/** Sends a control request; untrusted or failed requests become messages, not exceptions. */
async function control(
  ctx: Ctx,
  method: typeof Method.reindex | typeof Method.pause | typeof Method.resume,
): Promise<IndexStatus | undefined> {
  if (!ctx.trusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return undefined;
  }
  try {
    const status = await ctx.client.request(method);
    ctx.setStatus(status);
    return status;
  } catch (e) {
    void vscode.window.showErrorMessage(`Loupe: ${(e as Error).message}`);
    return undefined;
  }
}

async function restartServer(ctx: Ctx): Promise<IndexStatus> {
  await ctx.restartServer();
  return ctx.status;
}

/** Asks for the token (hidden input), keeps it in SecretStorage, restarts the server with it. */
async function setMilvusToken(ctx: Ctx): Promise<IndexStatus> {
  const token = await vscode.window.showInputBox({
    title: 'Loupe: Milvus token',
    prompt: 'An API key, or user:password. Kept in VS Code\'s secret storage, never in settings. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (token === undefined) return ctx.status;
  if (token.trim() === '') await ctx.extension.secrets.delete(MILVUS_TOKEN_SECRET);
  else await ctx.extension.secrets.store(MILVUS_TOKEN_SECRET, token.trim());
  if (ctx.trusted) await ctx.restartServer();
  return ctx.status;
}

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Command.showStatus, () => showStatus(ctx)),
    vscode.commands.registerCommand(Command.reindex, () => control(ctx, Method.reindex)),
    vscode.commands.registerCommand(Command.pause, () => control(ctx, Method.pause)),
    vscode.commands.registerCommand(Command.resume, () => control(ctx, Method.resume)),
    vscode.commands.registerCommand(Command.restartServer, () => restartServer(ctx)),
    vscode.commands.registerCommand(Command.setMilvusToken, () => setMilvusToken(ctx)),
  ];
}
