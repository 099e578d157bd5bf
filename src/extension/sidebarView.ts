// The Loupe sidebar: a WebviewView for semantic, text and image search with filters. This class
// owns the view, builds its HTML (strict CSP, fresh nonce, media/main.js + main.css), and turns
// the page's messages (sidebarProtocol.ts) into server requests. The page draws; nothing here
// indexes or ranks.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { Method, type HitsResult } from '../protocol/requests';
import type { Ctx } from './ctx';
import { groupByFile, hitPlace, isImageHit } from './hitText';
import { openHit } from './openLocation';
import { isFromWebview, type FromWebview, type SidebarHit, type SidebarQuery, type ToWebview } from './sidebarProtocol';
import { errorField, SIDEBAR_LIMIT, toSearchParams } from './sidebarQuery';

export const SIDEBAR_VIEW_ID = 'loupe.searchView';

const IMAGE_FILTERS = { Images: ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp', 'svg'] };

export class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    ctx.onStatus((status, serverRunning) => this.post({ type: 'status', status, serverRunning }));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
    view.webview.options = {
      enableScripts: true,
      // Thumbnails come from the workspace; scripts and styles from media/.
      localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media'), ...folders],
    };
    view.webview.html = sidebarHtml(view.webview, this.ctx.extension.extensionUri, crypto.randomBytes(16).toString('base64'));
    this.disposables.push(
      view.webview.onDidReceiveMessage((msg: unknown) => {
        if (isFromWebview(msg)) void this.onMessage(msg);
      }),
      view.onDidDispose(() => (this.view = undefined)),
    );
  }

  /** Shows the view and searches by the image at `file` (the "choose image…" path, also for tests). */
  async searchByImageFile(file: vscode.Uri, seq = 0): Promise<void> {
    await vscode.commands.executeCommand(`${SIDEBAR_VIEW_ID}.focus`);
    const title = `Images like ${vscode.workspace.asRelativePath(file)}`;
    this.post({ type: 'busy', seq, title });
    await this.answer(seq, title, 'image', () => this.ctx.client.request(Method.searchImage, { imagePath: file.fsPath, limit: SIDEBAR_LIMIT }));
  }

  private async onMessage(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.post({ type: 'status', status: this.ctx.status, serverRunning: this.ctx.client.running });
        return;
      case 'search':
        return this.search(msg.seq, msg.request);
      case 'chooseImage': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: IMAGE_FILTERS,
          openLabel: 'Search by this image',
          ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
        });
        if (picked?.[0]) await this.searchByImageFile(picked[0], msg.seq);
        return;
      }
      case 'searchImageBytes':
        return this.answer(msg.seq, `Images like ${msg.name}`, 'image', () =>
          this.ctx.client.request(Method.searchImage, { imageBytesBase64: msg.base64, limit: SIDEBAR_LIMIT }),
        );
      case 'open': {
        if (!msg.uri.startsWith('file:')) return;
        const at = { uri: msg.uri, startLine: msg.startLine, endLine: msg.endLine, kind: msg.image ? 'image' : 'text', language: '' } as const;
        await openHit(at).catch((e: Error) =>
          vscode.window.showErrorMessage(`Loupe: could not open ${msg.uri}: ${e.message}`),
        );
        return;
      }
      case 'moreLikeThis': {
        if (!msg.uri.startsWith('file:')) return;
        const uri = vscode.Uri.parse(msg.uri);
        const title = `Like ${hitPlace({ path: vscode.workspace.asRelativePath(uri), startLine: msg.startLine, endLine: msg.endLine })}`;
        if (msg.image) {
          await this.answer(msg.seq, title, 'image', () => this.ctx.client.request(Method.searchImage, { imagePath: uri.fsPath, limit: SIDEBAR_LIMIT }));
          return;
        }
        await this.answer(msg.seq, title, 'query', () =>
          this.ctx.client.request(Method.similar, { uri: msg.uri, startLine: msg.startLine, endLine: msg.endLine, limit: SIDEBAR_LIMIT }),
        );
        return;
      }
    }
  }

  private async search(seq: number, q: SidebarQuery): Promise<void> {
    if (q.mode === 'image') {
      await this.answer(seq, `Images: ${q.query}`, 'image', () => this.ctx.client.request(Method.searchImage, { text: q.query, limit: SIDEBAR_LIMIT }));
      return;
    }
    const params = toSearchParams(q);
    const title = [params.query, params.filter ? `where ${params.filter}` : ''].filter((x) => x !== '').join(' ');
    await this.answer(seq, title, q, () => this.ctx.client.request(Method.search, params));
  }

  /** Runs one request and posts its hits, or its error under the right field. */
  private async answer(seq: number, title: string, where: SidebarQuery | 'image' | 'query', run: () => Promise<HitsResult>): Promise<void> {
    let result: HitsResult;
    try {
      result = await run();
    } catch (e) {
      this.post({ type: 'error', seq, field: 'none', message: (e as Error).message });
      return;
    }
    if (result.error) {
      const field = typeof where === 'string' ? where : errorField(result.error, where);
      this.post({ type: 'error', seq, field, message: result.error.message, ...(result.error.position !== undefined ? { position: result.error.position } : {}) });
      return;
    }
    const webview = this.view?.webview;
    const hits: SidebarHit[] = result.hits.map((hit) =>
      isImageHit(hit) && webview && hit.uri ? { ...hit, thumbnail: webview.asWebviewUri(vscode.Uri.parse(hit.uri)).toString() } : hit,
    );
    this.post({ type: 'results', seq, title, files: groupByFile(hits), tookMs: result.tookMs, images: hits.length > 0 && hits.every(isImageHit) });
  }

  private post(msg: ToWebview): void {
    void this.view?.webview.postMessage(msg);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** [value, label] pairs of the form's drop-downs; constants, so building them as HTML is safe. */
const MODES: Array<[string, string]> = [['hybrid', 'hybrid'], ['semantic', 'semantic'], ['text', 'text'], ['image', 'image']];
const LANGUAGES: Array<[string, string]> = [
  ['', 'any language'],
  ['typescript', 'TypeScript'],
  ['javascript', 'JavaScript'],
  ['python', 'Python'],
  ['go', 'Go'],
  ['rust', 'Rust'],
  ['java', 'Java'],
  ['markdown', 'Markdown'],
  ['plaintext', 'Plain text'],
];
const KINDS: Array<[string, string]> = [['', 'any kind'], ...['function', 'method', 'class', 'interface', 'type', 'section', 'block', 'text'].map((k): [string, string] => [k, k])];
const SINCE: Array<[string, string]> = [['', 'any time'], ['1h', 'last hour'], ['1d', 'last day'], ['7d', 'last week'], ['30d', 'last month']];

function options(pairs: Array<[string, string]>): string {
  return pairs.map(([value, label]) => `<option value="${value}">${label}</option>`).join('');
}

/** The page: a strict CSP (only our nonce'd script, our stylesheet, images from allowed roots). */
export function sidebarHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const media = (file: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', file));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${media('main.css')}" rel="stylesheet">
<title>Loupe Search</title>
</head>
<body>
<form id="form" class="form" autocomplete="off">
  <div class="row">
    <input id="query" type="search" placeholder="Search the workspace" aria-label="Search query">
    <select id="mode" aria-label="Search mode">${options(MODES)}</select>
  </div>
  <div id="query-error" class="error" role="alert" hidden></div>
  <div class="row filters" id="filters">
    <select id="language" aria-label="Language">${options(LANGUAGES)}</select>
    <select id="kind" aria-label="Kind">${options(KINDS)}</select>
    <select id="since" aria-label="Modified since">${options(SINCE)}</select>
  </div>
  <div class="row filters">
    <input id="glob" type="text" placeholder="folder or glob, e.g. src/**" aria-label="Folder or glob">
  </div>
  <div class="row filters">
    <input id="expr" type="text" class="mono" placeholder='filter, e.g. start_line > 10 and kind == "function"' aria-label="Milvus filter expression">
  </div>
  <div id="expr-error" class="error" role="alert" hidden></div>
  <div class="row image-row">
    <button id="choose-image" type="button" title="Search by an image file (or paste / drop one here)">Choose image…</button>
    <span class="hint">or paste / drop an image</span>
  </div>
  <div id="image-error" class="error" role="alert" hidden></div>
</form>
<div id="status" class="status" aria-live="polite"></div>
<div id="title" class="title"></div>
<div id="results" class="results" role="listbox" aria-label="Results"></div>
<script nonce="${nonce}" src="${media('main.js')}"></script>
</body>
</html>`;
}
