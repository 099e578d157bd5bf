// The Loupe language server: the background process the extension (or any LSP client, via
// `loupe lsp`) starts over IPC or --stdio. It owns the index; the client only asks it things.
// The handshake lives here; the loupe/* requests and the index behind them are in handlers.ts.

import {
  createConnection,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  type InitializeError,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { Method, type InitializationOptions } from '../protocol/requests';
import { IndexHandlers } from './handlers';
import { parseInitializationOptions } from './initOptions';
import { StatusBoard } from './status';

const connection = createConnection(ProposedFeatures.all);
let options: InitializationOptions | undefined;
let board: StatusBoard | undefined;
const handlers = new IndexHandlers(connection);

connection.onInitialize((params): InitializeResult | ResponseError<InitializeError> => {
  try {
    options = parseInitializationOptions(params.initializationOptions);
  } catch (e) {
    return new ResponseError(ErrorCodes.InvalidParams, (e as Error).message, { retry: false });
  }
  board = new StatusBoard(options.settings.textModel, options.settings.imageModel);
  board.onChange((status) => void connection.sendNotification(Method.statusChanged, status));
  handlers.initialize(params, options, board);
  // Capabilities are honest: document sync (unsaved text is indexed) and the loupe/* requests.
  return { capabilities: handlers.capabilities, serverInfo: { name: 'loupe', version: '0.1.0' } };
});

connection.onInitialized(() => {
  const storage = options?.storagePath ?? '(no folder open: nothing to index)';
  connection.console.info(`Loupe server pid ${process.pid}; index storage ${storage}`);
  void handlers.start();
});

connection.listen();
