import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, TEMP_MARKER } from '../../../../src/engine/storage/atomicFile';
import { runChild, scratchDir, startChild, exited, storageModule } from './scratch';

test('writeFileAtomic creates and replaces a file', async () => {
  const dir = scratchDir();
  const file = path.join(dir, 'a.json');
  await writeFileAtomic(file, 'one');
  await writeFileAtomic(file, Buffer.from('two'));
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  assert.deepEqual(fs.readdirSync(dir), ['a.json']);
});

test('a failed write (file too large) names the file and leaves the old content', () => {
  const dir = scratchDir();
  const file = path.join(dir, 'manifest.json');
  fs.writeFileSync(file, 'old content');
  const r = runChild(`
    require(${JSON.stringify(storageModule('atomicFile'))})
      .writeFileAtomic(${JSON.stringify(file)}, Buffer.alloc(256 * 1024, 1))
      .then(() => console.log('WROTE'), (e) => console.log(e.name + ': ' + e.code + ': ' + e.message));
  `, { fileSizeLimitKb: 64 });
  assert.match(r.stdout, /EngineError: 2000: storage: writing .*manifest\.json failed: .*EFBIG/, r.stdout + r.stderr);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old content');
  assert.deepEqual(fs.readdirSync(dir), ['manifest.json'], 'the temp file is removed');
});

test('a process killed while replacing a file leaves the old or the new content, never a mix', async () => {
  const dir = scratchDir();
  const file = path.join(dir, 'data.bin');
  const size = 4 * 1024 * 1024;
  fs.writeFileSync(file, Buffer.alloc(size, 0));
  // The child rewrites the file over and over with a different fill byte each time.
  const child = await startChild(`
    const { writeFileAtomic } = require(${JSON.stringify(storageModule('atomicFile'))});
    (async () => {
      for (let i = 1; ; i++) {
        await writeFileAtomic(${JSON.stringify(file)}, Buffer.alloc(${size}, i % 256));
        if (i === 2) console.log('RUNNING');
      }
    })();
  `, 'RUNNING');
  child.kill('SIGKILL');
  await exited(child);
  const data = fs.readFileSync(file);
  assert.equal(data.length, size);
  assert.ok(data.every((b) => b === data[0]), 'the file holds one complete version');
  for (const name of fs.readdirSync(dir)) assert.ok(name === 'data.bin' || name.includes(TEMP_MARKER), name);
});
