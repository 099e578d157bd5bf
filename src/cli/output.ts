// What the CLI writes, and the one way it exits. Into a pipe, stdout is asynchronous once the
// pipe's buffer (64 KiB on Linux) is full: process.exit() right after a large write would drop
// the rest, so every exit first waits until stdout and stderr have handed everything over.

export const out = (line: string): void => void process.stdout.write(`${line}\n`);
export const note = (line: string): void => void process.stderr.write(`${line}\n`);

/** Resolves once everything written so far to `stream` has been handed to the OS (or it failed). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  // An empty write completes after the writes queued before it: its callback means "all out".
  return new Promise<void>((resolve) => {
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

/** Exits with `code` after stdout and stderr have drained, however slowly the reader reads. */
export async function exitWhenDrained(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/**
 * A reader that goes away (`loupe search … | head -1`) is not an error of ours: stop quietly,
 * as other Unix tools do, instead of an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}
