// Test-only crash hook. With LOUPE_CRASH_AT=<point> (optionally LOUPE_CRASH_SKIP=<n> to pass the
// point n times first) the process SIGKILLs itself when it reaches that point, so crash tests
// can stop a writer exactly between two storage steps. Unset (always, outside tests) it does
// nothing. Points, in the order a flush reaches them:
//   wal:after-sync              a WAL batch is durable but not yet acknowledged
//   flush:after-segment-write   a segment file is written, the manifest does not name it yet
//   flush:after-index-write     an index file is written, the manifest does not name it yet
//   flush:after-manifest        the manifest is replaced, old WAL files not yet deleted
//   compact:after-merge         compacted rows are built in memory, nothing swapped or written
//   index:after-build           an index build finished (worker or inline), not yet written

let skip = Number(process.env.LOUPE_CRASH_SKIP ?? 0);

export function crashPoint(name: string): void {
  if (process.env.LOUPE_CRASH_AT !== name) return;
  if (skip-- > 0) return;
  process.kill(process.pid, 'SIGKILL');
}
