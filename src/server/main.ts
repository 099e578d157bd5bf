// The Loupe language server: the background process the extension (or any LSP client, via
// `loupe lsp`) starts over IPC or --stdio. It owns the index; the client only asks it things.
// For now it reports its real status; the indexer plugs in here and fills that status with facts.

import {
  createConnection,
  ErrorCodes,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  type InitializeError,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { Method, type IndexStatus, type InitializationOptions } from '../protocol/requests';
import { parseInitializationOptions } from './initOptions';
import { StatusBoard } from './status';

const connection = createConnection(ProposedFeatures.all);
let options: InitializationOptions | undefined;
let board: StatusBoard | undefined;

const INDEXER_MISSING = 'Loupe: the indexer is not available yet, so there is nothing to search.';

function requireBoard(): StatusBoard {
  if (!board) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'Loupe server: initialize first');
  return board;
}

connection.onInitialize((params): InitializeResult | ResponseError<InitializeError> => {
  try {
    options = parseInitializationOptions(params.initializationOptions);
  } catch (e) {
    return new ResponseError(ErrorCodes.InvalidParams, (e as Error).message, { retry: false });
  }
  board = new StatusBoard(options.settings.textModel, options.settings.imageModel);
  board.onChange((status) => void connection.sendNotification(Method.statusChanged, status));
  // Capabilities are honest: no hover or other standard features yet, only loupe/* requests.
  return { capabilities: {}, serverInfo: { name: 'loupe', version: '0.1.0' } };
});

connection.onInitialized(() => {
  const storage = options?.storagePath ?? '(no folder open: nothing to index)';
  connection.console.info(`Loupe server pid ${process.pid}; index storage ${storage}`);
  requireBoard().update({ state: 'ready', message: 'Indexer not available yet; nothing is indexed.' });
});

connection.onRequest(Method.status, (): IndexStatus => requireBoard().get());

connection.onRequest(Method.pause, (): IndexStatus =>
  requireBoard().update({ state: 'paused', message: 'Indexing paused; run "Loupe: Resume Indexing" to continue.' }),
);

connection.onRequest(Method.resume, (): IndexStatus =>
  requireBoard().update({ state: 'ready', message: 'Indexer not available yet; nothing is indexed.' }),
);

// Nothing to rebuild until the indexer exists; answer with the unchanged, truthful status.
connection.onRequest(Method.reindex, (): IndexStatus => requireBoard().get());

for (const method of [Method.search, Method.searchImage, Method.similar]) {
  connection.onRequest(method, () => {
    requireBoard();
    throw new ResponseError(LSPErrorCodes.RequestFailed, INDEXER_MISSING);
  });
}

connection.listen();
