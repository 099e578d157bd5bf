import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, needsServerRestart, readConfig } from '../../../src/extension/config';
import { repoRoot } from '../../repoRoot';

const source = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });

test('valid settings are passed through, trimmed', () => {
  const { settings, problems } = readConfig(
    source({
      modelPath: ' /models ',
      textModel: 'Xenova/bge-small-en-v1.5',
      imageModel: 'Xenova/clip-vit-base-patch16',
      exclude: ['**/gen/**', ' *.lock '],
      maxFileSize: 2048,
      embeddingThreads: 4,
      'hover.enabled': false,
      'trace.server': 'verbose',
    }),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, {
    modelPath: '/models',
    textModel: 'Xenova/bge-small-en-v1.5',
    imageModel: 'Xenova/clip-vit-base-patch16',
    exclude: ['**/gen/**', '*.lock'],
    maxFileSize: 2048,
    embeddingThreads: 4,
    hoverEnabled: false,
    traceServer: 'verbose',
    backend: 'embedded',
    milvusUri: '',
    milvusDatabase: '',
    milvusCollectionPrefix: '',
  });
});

test('missing settings fall back to the defaults without complaint', () => {
  assert.deepEqual(readConfig(source({})), { settings: DEFAULT_SETTINGS, problems: [] });
});

test('each bad value is named, explained, and replaced by its default', () => {
  const { settings, problems } = readConfig(
    source({
      textModel: '  ',
      maxFileSize: 10,
      embeddingThreads: 1.5,
      exclude: ['ok/**', 3, ''],
      'hover.enabled': 'yes',
      'trace.server': 'loud',
      modelPath: 42,
    }),
  );
  assert.equal(settings.textModel, DEFAULT_SETTINGS.textModel);
  assert.equal(settings.maxFileSize, DEFAULT_SETTINGS.maxFileSize);
  assert.equal(settings.embeddingThreads, DEFAULT_SETTINGS.embeddingThreads);
  assert.deepEqual(settings.exclude, ['ok/**']);
  assert.equal(settings.hoverEnabled, true);
  assert.equal(settings.traceServer, 'off');
  assert.equal(settings.modelPath, '');
  const expected = [
    /^loupe\.modelPath: must be a string \(got 42\)/,
    /^loupe\.textModel: must name a model/,
    /^loupe\.exclude\[1\]: must be a non-empty glob pattern \(got 3\); ignored$/,
    /^loupe\.exclude\[2\]: must be a non-empty glob pattern/,
    /^loupe\.maxFileSize: must be between 1024 and 1073741824 \(got 10\); using 1048576$/,
    /^loupe\.embeddingThreads: must be a whole number \(got 1\.5\)/,
    /^loupe\.hover\.enabled: must be true or false/,
    /^loupe\.trace\.server: must be one of off, messages, verbose \(got "loud"\)/,
  ];
  assert.equal(problems.length, expected.length, problems.join('\n'));
  for (const re of expected) assert.ok(problems.some((p) => re.test(p)), `no problem matching ${re}:\n${problems.join('\n')}`);
});

test('only settings the server reads at startup need a restart', () => {
  const base = DEFAULT_SETTINGS;
  assert.equal(needsServerRestart(base, { ...base, hoverEnabled: false, traceServer: 'messages' }), false);
  assert.equal(needsServerRestart(base, { ...base, maxFileSize: 4096 }), true);
  assert.equal(needsServerRestart(base, { ...base, exclude: ['x/**'] }), true);
  assert.equal(needsServerRestart(base, { ...base, exclude: [] }), false);
});

test('package.json declares every setting with the same default config.ts uses', () => {
  type Prop = { default: unknown; description?: string; markdownDescription?: string };
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, Prop> } };
  };
  const props = pkg.contributes.configuration.properties;
  const keyOf: Record<string, keyof typeof DEFAULT_SETTINGS> = {
    'loupe.modelPath': 'modelPath',
    'loupe.textModel': 'textModel',
    'loupe.imageModel': 'imageModel',
    'loupe.exclude': 'exclude',
    'loupe.maxFileSize': 'maxFileSize',
    'loupe.embeddingThreads': 'embeddingThreads',
    'loupe.hover.enabled': 'hoverEnabled',
    'loupe.trace.server': 'traceServer',
    'loupe.backend': 'backend',
    'loupe.milvus.uri': 'milvusUri',
    'loupe.milvus.database': 'milvusDatabase',
    'loupe.milvus.collectionPrefix': 'milvusCollectionPrefix',
  };
  assert.deepEqual(Object.keys(props).sort(), Object.keys(keyOf).sort());
  for (const [key, prop] of Object.entries(props)) {
    assert.deepEqual(prop.default, DEFAULT_SETTINGS[keyOf[key]], `${key} default differs from config.ts`);
    assert.ok(prop.description ?? prop.markdownDescription, `${key} has no description`);
  }
});

test('the Milvus backend: read with its address; a bad backend or address is named and replaced', () => {
  const ok = readConfig(source({ backend: 'milvus', 'milvus.uri': ' http://milvus.internal:19530 ', 'milvus.database': 'code', 'milvus.collectionPrefix': 'team_' }));
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.settings.backend, 'milvus');
  assert.equal(ok.settings.milvusUri, 'http://milvus.internal:19530');
  assert.equal(ok.settings.milvusDatabase, 'code');
  assert.equal(ok.settings.milvusCollectionPrefix, 'team_');
  const bad = readConfig(source({ backend: 'pinecone', 'milvus.uri': 'not a uri' }));
  assert.equal(bad.settings.backend, 'embedded');
  assert.equal(bad.settings.milvusUri, '');
  assert.match(bad.problems.join('\n'), /loupe\.backend: must be one of embedded, milvus \(got "pinecone"\)/);
  assert.match(bad.problems.join('\n'), /loupe\.milvus\.uri: must look like http:\/\/host:19530/);
  const noUri = readConfig(source({ backend: 'milvus' }));
  assert.match(noUri.problems.join('\n'), /loupe\.milvus\.uri: the Milvus backend needs a server address/);
  assert.equal(needsServerRestart(DEFAULT_SETTINGS, ok.settings), true);
});
