// The messages between the sidebar webview (media/main.js) and its provider (sidebarView.ts):
// one discriminated union each way. media/main.js names these types in JSDoc, so a change here
// shows up there when it is type-checked (`// @ts-check`).

import type { IndexStatus, SearchHitView, SearchMode } from '../protocol/requests';
import type { FileHits } from './hitText';

export type SidebarMode = SearchMode | 'image';

/** The form in the sidebar: query text, mode, the filter controls and the raw Milvus expression. */
export interface SidebarQuery {
  query: string;
  mode: SidebarMode;
  /** VS Code language id, '' for any. */
  language: string;
  /** ChunkKind, '' for any. */
  kind: string;
  /** Folder or glob over workspace-relative paths, e.g. `src/**`; '' for any. */
  glob: string;
  /** A duration such as 7d, '' for any time. */
  since: string;
  /** Raw Milvus filter expression, e.g. `language == "python" and start_line > 10`. */
  expr: string;
}

/** A hit as the sidebar draws it: images carry a webview URI for their thumbnail. */
export interface SidebarHit extends SearchHitView {
  thumbnail?: string;
}

/** Which field an error belongs under. */
export type ErrorField = 'query' | 'expr' | 'image' | 'none';

/** Webview → extension. `seq` ties an answer to its request; older answers are dropped. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'search'; seq: number; request: SidebarQuery }
  | { type: 'chooseImage'; seq: number }
  | { type: 'searchImageBytes'; seq: number; name: string; base64: string }
  | { type: 'open'; uri: string; startLine: number; endLine: number; image: boolean }
  | { type: 'moreLikeThis'; seq: number; uri: string; startLine: number; endLine: number; image: boolean };

/** Extension → webview. */
export type ToWebview =
  | { type: 'status'; status: IndexStatus; serverRunning: boolean }
  /** The ranked hits grouped by file (hitText.groupByFile): files in rank order, hits in rank order within. */
  | { type: 'results'; seq: number; title: string; files: Array<FileHits<SidebarHit>>; tookMs: number; images: boolean }
  | { type: 'error'; seq: number; field: ErrorField; message: string; position?: number }
  /** The extension started a search itself (e.g. a chosen image); the page shows it as busy. */
  | { type: 'busy'; seq: number; title: string };

const MESSAGE_TYPES = new Set(['ready', 'search', 'chooseImage', 'searchImageBytes', 'open', 'moreLikeThis']);

/** The page is ours, but its messages still cross a boundary: check the shape before use. */
export function isFromWebview(value: unknown): value is FromWebview {
  return typeof value === 'object' && value !== null && MESSAGE_TYPES.has((value as { type?: unknown }).type as string);
}
