// Opening a search hit: a text chunk opens at its line range, an image opens in VS Code's image
// preview. One place, used by the palette, the sidebar, hover links and the chat tool's callers.

import * as vscode from 'vscode';
import type { SearchHitView } from '../protocol/requests';
import { isImageHit } from './hitText';

export const OPEN_LOCATION_COMMAND = 'loupe.openLocation';

/** What hover links and the sidebar pass: a file URI and a 0-based inclusive line range. */
export interface Location {
  uri: string;
  startLine: number;
  endLine: number;
}

export interface OpenOptions {
  /** A preview tab (replaced by the next preview), as when moving through QuickPick items. */
  preview?: boolean;
  /** Keep focus where it is (the QuickPick or the sidebar). */
  preserveFocus?: boolean;
}

/** Opens a file at a line range, selecting the first line of it and revealing it centred. */
export async function openLocation(loc: Location, opts: OpenOptions = {}): Promise<vscode.TextEditor> {
  const start = new vscode.Position(Math.max(0, loc.startLine), 0);
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(loc.uri), {
    preview: opts.preview ?? false,
    preserveFocus: opts.preserveFocus ?? false,
    selection: new vscode.Range(start, start),
  });
  const end = new vscode.Position(Math.max(loc.startLine, loc.endLine), 0);
  editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** Opens a hit: images with the default (image preview) editor, text at its range. */
export async function openHit(hit: Location & Pick<SearchHitView, 'kind' | 'language'>, opts: OpenOptions = {}): Promise<void> {
  if (isImageHit(hit)) {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(hit.uri), {
      preview: opts.preview ?? false,
      preserveFocus: opts.preserveFocus ?? false,
    });
    return;
  }
  await openLocation(hit, opts);
}

/** A `command:` URI for markdown (hover) that opens `loc`; pair with isTrusted: { enabledCommands }. */
export function openLocationLink(loc: Location): string {
  // Parentheses too: a raw ')' would end the markdown link early.
  const args = encodeURIComponent(JSON.stringify([{ uri: loc.uri, startLine: loc.startLine, endLine: loc.endLine }])).replace(
    /[()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `command:${OPEN_LOCATION_COMMAND}?${args}`;
}

/** Checks a command argument (it may come from a link anyone could write) before opening it. */
export function asLocation(arg: unknown): Location | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { uri, startLine, endLine } = arg as Record<string, unknown>;
  if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
  if (!Number.isInteger(startLine) || !Number.isInteger(endLine)) return undefined;
  return { uri, startLine: startLine as number, endLine: endLine as number };
}
