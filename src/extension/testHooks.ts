// Test-only hooks, inert unless their environment variables are set (the e2e harness sets them):
//   LOUPE_TEST_OUT   a folder; we write status.json there on every status change, for facts the
//                    DOM cannot show (e.g. that no server process was started).
//   LOUPE_TEST_SUITE a compiled integration suite (out/test/suite/index.js) to run inside this
//                    extension host after activation; it writes suite.json into LOUPE_TEST_OUT.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Ctx } from './ctx';

export function installTestHooks(ctx: Ctx, activationMs: number): void {
  const out = process.env.LOUPE_TEST_OUT;
  if (!out) return;
  fs.mkdirSync(out, { recursive: true });
  const write = (name: string, value: unknown): void => {
    // Write then rename, so a reader polling the file never sees half a JSON document.
    const file = path.join(out, name);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
    fs.renameSync(`${file}.tmp`, file);
  };
  const writeStatus = (): void =>
    write('status.json', { activationMs, trusted: ctx.trusted, serverRunning: ctx.client.running, status: ctx.status });
  ctx.onStatus(writeStatus);
  writeStatus();

  const suite = process.env.LOUPE_TEST_SUITE;
  if (!suite) return;
  ctx.log.info(`Running the integration suite ${suite}`);
  setImmediate(() => {
    Promise.resolve()
      // The suite is not part of the bundle: load it from disk at run time.
      .then(() => (require(suite) as { run(): Promise<void> }).run())
      .catch((e: Error) => {
        ctx.log.error(`Integration suite failed: ${e.stack ?? e.message}`);
        if (!fs.existsSync(path.join(out, 'suite.json'))) {
          write('suite.json', { passed: 0, failed: 1, tests: [{ name: 'load suite', ok: false, error: e.message }] });
        }
      });
  });
}
