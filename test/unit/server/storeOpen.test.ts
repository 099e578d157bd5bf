// Choosing the store from settings, and the workspace name a Milvus collection files rows under.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseInitializationOptions } from '../../../src/server/initOptions';
import { storeSettings } from '../../../src/server/handlers';
import { normalizeRemote, openStore, workspaceName } from '../../../src/server/store/openStore';
import { scratchDir } from './indexerFixtures';

test('workspace name: remote@branch plus the person for a git checkout, else person and folder path', () => {
  const repo = scratchDir('git');
  fs.mkdirSync(path.join(repo, '.git'));
  fs.writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/feature/login\n');
  fs.writeFileSync(path.join(repo, '.git', 'config'), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
  const who = `${os.userInfo().username}@${os.hostname()}`;
  assert.equal(workspaceName([{ absPath: repo }]), `github.com/acme/app@feature/login (${who})`);
  const plain = scratchDir('plain');
  assert.equal(workspaceName([{ absPath: plain }]), `${who}:${plain}`);
  const many = Array.from({ length: 40 }, (_, i) => ({ absPath: `/very/long/folder/path/number/${i}` }));
  assert.ok(Buffer.byteLength(workspaceName(many)) <= 512, 'fits the workspace field');
  assert.notEqual(workspaceName(many), workspaceName(many.slice(1)));
});

test('git remotes in any form name the same repository', () => {
  for (const url of ['git@github.com:acme/app.git', 'https://github.com/acme/app', 'ssh://git@github.com/acme/app.git', 'https://user@github.com/acme/app.git/']) {
    assert.equal(normalizeRemote(url), 'github.com/acme/app', url);
  }
  assert.equal(normalizeRemote('ssh://git@git.internal:2222/team/app.git'), 'git.internal:2222/team/app');
});

test('settings → store: embedded by default; milvus with URI, token, database and prefix; a missing URI is named', async () => {
  const base = { modelPath: '', textModel: 't', imageModel: 'i', exclude: [], maxFileSize: 1024, embeddingThreads: 0, hoverEnabled: true, traceServer: 'off' as const };
  assert.deepEqual(storeSettings(parseInitializationOptions({ settings: base, globalStoragePath: '/g' })), { backend: 'embedded' });
  const milvus = parseInitializationOptions({
    settings: { ...base, backend: 'milvus', milvusUri: 'http://milvus:19530', milvusDatabase: 'code', milvusCollectionPrefix: 'team_' },
    globalStoragePath: '/g',
    milvusToken: 'secret',
  });
  assert.deepEqual(storeSettings(milvus), { backend: 'milvus', uri: 'http://milvus:19530', token: 'secret', database: 'code', collectionPrefix: 'team_' });
  assert.throws(() => parseInitializationOptions({ settings: { ...base, backend: 'milvus' }, globalStoragePath: '/g' }), /settings\.milvusUri: the Milvus backend needs a server address/);
  assert.throws(() => parseInitializationOptions({ settings: { ...base, backend: 'qdrant' }, globalStoragePath: '/g' }), /settings\.backend must be "embedded" or "milvus", got "qdrant"/);
  await assert.rejects(openStore({ backend: 'milvus', uri: ' ' }, { dataDir: scratchDir('d'), folders: [] }), /needs a URI \(loupe\.milvus\.uri or --milvus-uri\)/);
});
