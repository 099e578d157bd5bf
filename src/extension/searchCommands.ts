// The search faces' commands, views and providers, registered in one list: the palette searches,
// the sidebar, the hover and the chat tool. Each is a small function of the Ctx.

import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { asLocation, OPEN_LOCATION_COMMAND, openLocation } from './openLocation';
import { findSimilarToSelection, searchImages, searchWorkspace } from './searchPalette';
import { registerSearchTool } from './searchTool';
import { SIDEBAR_VIEW_ID, SidebarViewProvider } from './sidebarView';
import { SimilarHoverProvider } from './similarHover';

export const SearchCommand = {
  search: 'loupe.search',
  findSimilar: 'loupe.findSimilar',
  searchImages: 'loupe.searchImages',
  searchByImage: 'loupe.searchByImage',
  openLocation: OPEN_LOCATION_COMMAND,
} as const;

export function registerSearchFaces(ctx: Ctx): vscode.Disposable[] {
  const sidebar = new SidebarViewProvider(ctx);
  return [
    sidebar,
    vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, sidebar),
    vscode.commands.registerCommand(SearchCommand.search, (query?: unknown) => searchWorkspace(ctx, typeof query === 'string' ? query : undefined)),
    vscode.commands.registerCommand(SearchCommand.findSimilar, () => findSimilarToSelection(ctx)),
    vscode.commands.registerCommand(SearchCommand.searchImages, () => searchImages(ctx)),
    // From the Explorer's context menu on an image (or with a URI argument).
    vscode.commands.registerCommand(SearchCommand.searchByImage, async (file?: unknown) => {
      const uri = file instanceof vscode.Uri ? file : vscode.window.activeTextEditor?.document.uri;
      if (uri) await sidebar.searchByImageFile(uri);
    }),
    vscode.commands.registerCommand(SearchCommand.openLocation, async (arg: unknown) => {
      const loc = asLocation(arg);
      if (!loc) {
        void vscode.window.showErrorMessage('Loupe: that link does not name a file location.');
        return;
      }
      await openLocation(loc);
    }),
    vscode.languages.registerHoverProvider({ scheme: 'file' }, new SimilarHoverProvider(ctx)),
    ...registerSearchTool(ctx),
  ];
}
