import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLock, LOCK_FILE, processStartTicks } from '../../../../src/engine/storage/lock';
import { exited, runChild, scratchDir, startChild, storageModule } from './scratch';

const holdLock = (dir: string): string => `
  require(${JSON.stringify(storageModule('lock'))}).acquireLock(${JSON.stringify(dir)}).then(() => console.log('LOCKED'));
  setInterval(() => {}, 1000);
`;

test('a second process is refused while the first holds the lock, naming its pid', async () => {
  const dir = scratchDir();
  const child = await startChild(holdLock(dir), 'LOCKED');
  try {
    await assert.rejects(acquireLock(dir), (e: Error) =>
      e.message.startsWith(`store ${dir} is in use by pid ${child.pid} (started `) &&
      e.message.endsWith('); close the other window or open read-only'));
    const ro = await acquireLock(dir, { readOnly: true });
    assert.equal(ro.readOnly, true);
    assert.equal(ro.file, undefined, 'read-only openers take no lock');
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
  // The holder died without releasing: its lock is stale and is taken over with a warning.
  const lock = await acquireLock(dir);
  assert.equal(lock.warnings.length, 1);
  assert.match(lock.warnings[0], new RegExp(`left by pid ${child.pid} .* no longer running`));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
  await lock.release();
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a lock whose pid now belongs to another process (different start time) is stale', { skip: process.platform !== 'linux' }, async () => {
  const dir = scratchDir();
  // Our own pid, but a start time that is not ours: a pid reused after the owner died.
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({
    pid: process.pid, startTicks: '1', startedAt: '2020-01-01T00:00:00.000Z', hostname: os.hostname(), token: 'old',
  }));
  const lock = await acquireLock(dir);
  assert.equal(lock.warnings.length, 1, 'taken over');
  await lock.release();
});

test('a lock held by this very process refuses a second acquire; release lets it be taken again', async () => {
  const dir = scratchDir();
  const first = await acquireLock(dir);
  await assert.rejects(acquireLock(dir), new RegExp(`in use by pid ${process.pid} .*this process`));
  await first.release();
  await first.release(); // twice is harmless
  const second = await acquireLock(dir);
  assert.deepEqual(second.warnings, []);
  await second.release();
});

test('an unreadable lock file (torn by a crash) is taken over', async () => {
  const dir = scratchDir();
  fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
  const lock = await acquireLock(dir);
  assert.match(lock.warnings[0], /unreadable lock file/);
  await lock.release();
});

test('processStartTicks reads /proc stat field 22 on Linux', { skip: process.platform !== 'linux' }, async () => {
  const ticks = await processStartTicks(process.pid);
  assert.match(ticks ?? '', /^\d+$/);
  const r = runChild('console.log(process.pid)');
  assert.equal(await processStartTicks(Number(r.stdout)), undefined, 'an exited process has none');
});
