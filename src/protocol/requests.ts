// The custom LSP requests and notifications between the extension (client), the language server
// and the CLI. Types only, plus the method names; no runtime dependency on vscode or the LSP
// libraries, so every side can import it.

/** Method names, one place; `loupe/` prefixes keep them apart from standard LSP methods. */
export const Method = {
  search: 'loupe/search',
  searchImage: 'loupe/searchImage',
  similar: 'loupe/similar',
  status: 'loupe/status',
  reindex: 'loupe/reindex',
  pause: 'loupe/pause',
  resume: 'loupe/resume',
  /** Notification server → client whenever IndexStatus changes. */
  statusChanged: 'loupe/statusChanged',
} as const;

export type SearchMode = 'hybrid' | 'semantic' | 'text';

/** What kind of chunk a hit is: a symbol from a tree-sitter grammar, a doc section, an image... */
export type ChunkKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'module'
  | 'section'
  | 'block'
  | 'image'
  | 'text';

/** One search hit as the UI shows it (a view of a stored chunk, not the chunk itself). */
export interface SearchHitView {
  /** Path relative to its workspace folder, `/`-separated. */
  path: string;
  /** Absolute file URI, as VS Code prints it. */
  uri: string;
  /** Name of the workspace folder the file belongs to. */
  folder: string;
  /** 0-based, inclusive. */
  startLine: number;
  /** 0-based, inclusive. */
  endLine: number;
  kind: ChunkKind;
  /** Symbol name for code chunks, heading for doc sections, '' when there is none. */
  symbol: string;
  /** VS Code language id, e.g. 'typescript', 'markdown', 'image'. */
  language: string;
  snippet: string;
  /** Larger is better for every mode (fused RRF score for hybrid). */
  score: number;
  /** Query terms (as the server's code analyzer splits them) that the chunk's text holds. */
  matchedTerms?: string[];
  /**
   * Where `snippet` shows the matched terms: [start, end) UTF-16 offsets, ascending and apart.
   * The faces highlight these ranges; they do not tokenize again.
   */
  snippetMatches?: Array<[number, number]>;
  /** The same for `symbol`. */
  symbolMatches?: Array<[number, number]>;
}

/** An error in the user's input that the UI can point at (e.g. a filter that does not parse). */
export interface QueryError {
  message: string;
  /** 0-based character offset into the filter expression, when known. */
  position?: number;
}

export interface SearchParams {
  query: string;
  mode: SearchMode;
  /** Milvus filter expression over chunk fields, e.g. `language == "python"`. */
  filter?: string;
  /** Defaults to the server's page size when absent. */
  limit?: number;
}

/** Why a valid query found nothing: what the palette or the CLI shows instead of a blank list. */
export type EmptyReasonCode =
  /** Nothing is indexed (yet), or every file was skipped. */
  | 'index-empty'
  /** The filter (typed or from shortcuts such as lang:ts) matches no indexed chunk. */
  | 'filter-matches-nothing'
  /** A text search whose query the analyzer reduces to no terms (e.g. only one-letter words). */
  | 'no-searchable-terms'
  /** A text search whose terms occur in no indexed chunk (within the filter). */
  | 'no-matching-terms'
  /** An image search with no image indexed. */
  | 'no-images';

export interface EmptyReason {
  code: EmptyReasonCode;
  /** One sentence a person can act on. */
  message: string;
}

/** Result of every hit-returning request; `error` set means `hits` is empty. */
export interface HitsResult {
  hits: SearchHitView[];
  tookMs: number;
  error?: QueryError;
  /** Set only when `hits` is empty and there is no `error`: why the query found nothing. */
  emptyReason?: EmptyReason;
}

export type SearchResult = HitsResult;

/** Exactly one of text, imagePath or imageBytesBase64: text→image, image→image search. */
export type SearchImageParams =
  | { text: string; imagePath?: never; imageBytesBase64?: never; limit: number }
  | { imagePath: string; text?: never; imageBytesBase64?: never; limit: number }
  | { imageBytesBase64: string; text?: never; imagePath?: never; limit: number };

/** "More like this": chunks similar to a line range of a file. */
export interface SimilarParams {
  uri: string;
  /** 0-based, inclusive. */
  startLine: number;
  /** 0-based, inclusive. */
  endLine: number;
  limit: number;
}

export type IndexState = 'starting' | 'indexing' | 'ready' | 'paused' | 'untrusted' | 'error';

/** Why a file was not indexed; counts per reason go in IndexStatus.skipped. */
export type SkipReason =
  | 'tooLarge'
  | 'binary'
  | 'excluded'
  | 'gitignored'
  | 'unsupported'
  | 'unreadable'
  | 'error';

export interface ModelStatus {
  /** Text embedding model id, '' while none is loaded. */
  text: string;
  /** Image embedding model id, '' while none is loaded. */
  image: string;
  /** Why a model could not load, in words the user can act on. */
  error?: string;
}

export interface IndexStatus {
  state: IndexState;
  files: number;
  chunks: number;
  images: number;
  skipped: Partial<Record<SkipReason, number>>;
  model: ModelStatus;
  /** ISO-8601 time of the last flush to disk. */
  lastFlush?: string;
  /** Median latency of recent queries. */
  queryLatencyMs?: number;
  progress?: { done: number; total: number };
  /** True when the index on disk was reused at startup instead of being rebuilt. */
  reusedIndex?: boolean;
  /** The last full pass since the server started: files re-indexed, left as they were, removed. */
  lastPass?: { indexed: number; unchanged: number; deleted: number };
  /** One line for the user: why paused/untrusted/error, or what is being indexed. */
  message?: string;
}

/** Answer to reindex / pause / resume: the status right after the request took effect. */
export type ControlResult = IndexStatus;

/** Options the client passes in `initialize` (LSP initializationOptions). */
export interface InitializationOptions {
  settings: LoupeSettings;
  /** Folder for this workspace's index (context.storageUri); absent with no folder open. */
  storagePath?: string;
  /** Folder shared across workspaces, e.g. for downloaded models (context.globalStorageUri). */
  globalStoragePath: string;
  /** The Milvus token from VS Code SecretStorage (never in settings.json); with backend 'milvus'. */
  milvusToken?: string;
  /** The client shows its own hover (the VS Code extension): the server then offers none. */
  clientHover?: boolean;
}

/** Every `loupe.*` setting, validated, as the server receives it. */
export interface LoupeSettings {
  /** Folder with local model files; '' means the bundled default location. */
  modelPath: string;
  textModel: string;
  imageModel: string;
  /** Glob patterns excluded in addition to .gitignore and files.exclude. */
  exclude: string[];
  /** Bytes; larger files are skipped as 'tooLarge'. */
  maxFileSize: number;
  /** 0 means let the runtime choose. */
  embeddingThreads: number;
  hoverEnabled: boolean;
  traceServer: 'off' | 'messages' | 'verbose';
  /** Where the index lives: this machine ('embedded', the default) or a Milvus server. */
  backend?: 'embedded' | 'milvus';
  /** With backend 'milvus': http(s)://host:port (REST) or host:19530 (gRPC). */
  milvusUri?: string;
  /** Milvus database; '' means "default". */
  milvusDatabase?: string;
  /** Prepended to the collection name, to share one Milvus between teams or tools. */
  milvusCollectionPrefix?: string;
}

/** Request method → params and result, so callers get both types from the method name. */
export interface RequestMap {
  [Method.search]: { params: SearchParams; result: SearchResult };
  [Method.searchImage]: { params: SearchImageParams; result: HitsResult };
  [Method.similar]: { params: SimilarParams; result: HitsResult };
  [Method.status]: { params: void; result: IndexStatus };
  [Method.reindex]: { params: void; result: ControlResult };
  [Method.pause]: { params: void; result: ControlResult };
  [Method.resume]: { params: void; result: ControlResult };
}

export type RequestMethod = keyof RequestMap;

export interface NotificationMap {
  [Method.statusChanged]: IndexStatus;
}
