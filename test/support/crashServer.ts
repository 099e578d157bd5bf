// Child process for the crash tests of `loupe serve`: the same REST front door `loupe serve`
// starts (engine/rest/server.ts), over a Database in argv[2] with the crash tests' small
// segments, on 127.0.0.1 and a free port, which it prints as `P <port>`. The parent drives it with
// the official Milvus SDK and SIGKILLs it (or it kills itself at LOUPE_CRASH_AT).
// Run: node crashServer.js <dir> <token>

import { Database } from '../../src/engine/database';
import { startRestServer } from '../../src/engine/rest/server';
import { crashStoreOptions } from './crashWriter';

async function main(dir: string, token: string): Promise<void> {
  const db = await Database.open(dir, crashStoreOptions);
  const server = await startRestServer({ db, host: '127.0.0.1', port: 0, token });
  process.stdout.write(`P ${server.port}\n`);
  // The parent ends this process; if it dies first, stdin closes and so do we.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).catch((err: Error) => {
    process.stdout.write(`E ${(err.stack ?? err.message).replace(/\n/g, ' | ')}\n`);
    process.exit(3);
  });
}
