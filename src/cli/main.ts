// The `loupe` command: index a folder, search it, check its status, serve its database over
// Milvus's REST API, or run the language server for any LSP client. It drives the same
// WorkspaceIndex as the editor's server; nothing here is specific to VS Code.
//
// This file stays light: it parses arguments and loads only the module the command needs (the
// engine, tree-sitter and the model runtime cost most of a second to load; `--help` needs none).

import { parseArgs, UsageError, type OptionSpec } from './args';
import { exitQuietlyOnClosedPipe, exitWhenDrained, note, out } from './output';

const USAGE = `usage:
  loupe index <folder> [--data DIR] [--model-path DIR] [--text-model ID] [--image-model ID] [--exclude GLOB]... [--no-download] [BACKEND]
  loupe search <folder> "<query>" [--limit N] [--filter EXPR] [--mode hybrid|dense|text] [--json] [BACKEND]
  loupe search-image <folder> (--text "..." | --image FILE) [--limit N] [--json] [BACKEND]
  loupe status <folder> [--data DIR]
  loupe serve --data DIR [--port N] [--grpc-port N|off] [--host H] [--token T] [--root-password P]
  loupe backup --data DIR --out FILE
  loupe restore --from FILE --data DIR      (DIR must be new or empty)
  loupe lsp --stdio
Models not found in --model-path or the cache are downloaded by \`loupe index\` into
  $XDG_CACHE_HOME/loupe/models (~/.cache/loupe/models); --no-download or LOUPE_NO_DOWNLOAD=1 forbids it,
  HF_ENDPOINT names another hub (a mirror).
BACKEND (default: the embedded database in --data):
  --backend milvus --milvus-uri URI [--milvus-token T] [--milvus-database D] [--milvus-collection-prefix P]
  URI is http(s)://host:port (REST) or host:19530 (gRPC); the token may also come from LOUPE_MILVUS_TOKEN.`;

const V = { value: true } as const;
const SWITCH = { value: false } as const;
const MODEL_OPTIONS: Record<string, OptionSpec> = {
  data: V,
  'model-path': V,
  'text-model': V,
  'image-model': V,
  backend: V,
  'milvus-uri': V,
  'milvus-token': V,
  'milvus-database': V,
  'milvus-collection-prefix': V,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'index':
      return (await import('./indexCommands.js')).indexCommand(
        parseArgs(rest, { ...MODEL_OPTIONS, exclude: { value: true, repeat: true }, 'max-file-size': V, 'no-download': SWITCH }),
      );
    case 'search':
      return (await import('./indexCommands.js')).searchCommand(parseArgs(rest, { ...MODEL_OPTIONS, limit: V, filter: V, mode: V, json: SWITCH }));
    case 'search-image':
      return (await import('./indexCommands.js')).searchImageCommand(parseArgs(rest, { ...MODEL_OPTIONS, text: V, image: V, limit: V, json: SWITCH }));
    case 'status':
      return (await import('./indexCommands.js')).statusCommand(parseArgs(rest, { data: V }));
    case 'serve':
      return (await import('./databaseCommands.js')).serveCommand(parseArgs(rest, { data: V, port: V, 'grpc-port': V, host: V, token: V, 'root-password': V }));
    case 'backup':
      return (await import('./databaseCommands.js')).backupCommand(parseArgs(rest, { data: V, out: V }));
    case 'restore':
      return (await import('./databaseCommands.js')).restoreCommand(parseArgs(rest, { from: V, data: V }));
    case 'lsp': {
      const args = parseArgs(rest, { stdio: SWITCH });
      if (!args.options.has('stdio')) throw new UsageError('lsp needs --stdio (the only transport the CLI offers)');
      // The server listens on import and reads --stdio from process.argv; it keeps the process alive.
      await import('../server/main.js');
      return new Promise<number>(() => undefined);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`, true);
  }
}

exitQuietlyOnClosedPipe();
main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (err: unknown) => {
    // Every failure is one line; the stack only on request, since most are the user's to fix.
    note(`loupe: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof UsageError && err.showUsage) note(USAGE);
    if (process.env.LOUPE_DEBUG && err instanceof Error) note(err.stack ?? '');
    return exitWhenDrained(err instanceof UsageError ? 2 : 1);
  },
);
