// Model download progress on stderr: one updating line on a terminal, and in a log (not a
// terminal) a line when each file starts and when it is complete, so a script's log says what
// was fetched without thousands of progress lines.

import type { DownloadProgress } from '../server/embed/modelSource';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function downloadReporter(stream: NodeJS.WriteStream): (p: DownloadProgress) => void {
  const started = new Set<string>();
  const finished = new Set<string>();
  return (p) => {
    const key = `${p.model}/${p.file}`;
    const size = p.total ? `${mb(p.loaded)} of ${mb(p.total)}` : mb(p.loaded);
    if (stream.isTTY) {
      stream.write(`\r\x1b[Kdownloading ${key} ${size}`);
      if (p.total && p.loaded >= p.total) stream.write('\n');
      return;
    }
    if (!started.has(key)) {
      started.add(key);
      stream.write(`loupe: downloading ${key}${p.total ? ` (${mb(p.total)})` : ''}\n`);
    }
    if (p.total && p.loaded >= p.total && !finished.has(key)) {
      finished.add(key);
      stream.write(`loupe: downloaded ${key} (${mb(p.loaded)})\n`);
    }
  };
}
