// An empty answer to a valid query says why, on stderr and as `emptyReason` in --json, with exit
// code 0; an answer with hits never carries a reason.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { EmptyReason } from '../../../src/protocol/requests';
import { copyWorkspace, scratchDir } from '../server/indexerFixtures';
import { TINY, loupe } from './cliRunner';

interface Answer {
  hits: Array<{ path: string }>;
  emptyReason?: EmptyReason;
}

describe('loupe search: why an answer is empty', () => {
  let ws: string;
  let data: string;
  const search = async (query: string, ...more: string[]) => {
    const r = await loupe(['search', ws, query, '--data', data, ...more]);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const json = async (query: string, ...more: string[]) => JSON.parse((await search(query, '--json', ...more)).stdout) as Answer;

  before(async () => {
    ws = copyWorkspace();
    data = scratchDir('empty-data');
    const indexed = await loupe(['index', ws, '--data', data, ...TINY]);
    assert.equal(indexed.code, 0, indexed.stderr);
  });

  it('a query with no searchable terms (one letter) says so in text mode, on stderr and in --json', async () => {
    const text = await search('g', '--mode', 'text');
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /^no results: "g" has no searchable terms: the text index leaves out words shorter than 2 characters/);
    assert.match(text.stderr, /semantic search \(hybrid mode\) matches by meaning instead/, 'this index has a text model');
    const answer = await json('g', '--mode', 'text');
    assert.deepEqual(answer.hits, []);
    assert.equal(answer.emptyReason?.code, 'no-searchable-terms');
  });

  it('terms that occur nowhere are named', async () => {
    const answer = await json('zebrafish quokka', '--mode', 'text');
    assert.equal(answer.emptyReason?.code, 'no-matching-terms');
    assert.match(answer.emptyReason?.message ?? '', /no indexed chunk contains any of the terms zebrafish, quokka/);
  });

  it('a filter that matches nothing is the reason, in every mode', async () => {
    for (const mode of ['text', 'hybrid']) {
      const answer = await json('circle area', '--mode', mode, '--filter', 'language == "cobol"');
      assert.deepEqual(answer.hits, []);
      assert.equal(answer.emptyReason?.code, 'filter-matches-nothing', mode);
      assert.match(answer.emptyReason?.message ?? '', /language == "cobol"/);
    }
    const shortcut = await json('lang:cobol circle');
    assert.equal(shortcut.emptyReason?.code, 'filter-matches-nothing');
  });

  it('an answer with hits has no emptyReason', async () => {
    for (const mode of ['text', 'hybrid']) {
      const answer = await json('circleArea', '--mode', mode);
      assert.ok(answer.hits.length > 0);
      assert.equal(answer.emptyReason, undefined);
    }
    const text = await search('circleArea', '--mode', 'text');
    assert.doesNotMatch(text.stderr, /no results/);
  });

  it('an index with nothing in it says so; an image search without images says so', async () => {
    const bare = path.join(scratchDir('empty-ws'), 'bare');
    fs.mkdirSync(bare, { recursive: true });
    fs.writeFileSync(path.join(bare, 'notes.log'), 'ignored\n');
    fs.writeFileSync(path.join(bare, '.gitignore'), '*.log\n.gitignore\n');
    const bareData = scratchDir('empty-bare');
    assert.equal((await loupe(['index', bare, '--data', bareData, ...TINY])).code, 0);
    const r = await loupe(['search', bare, 'anything', '--data', bareData, '--mode', 'text', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Answer).emptyReason?.code, 'index-empty');

    fs.writeFileSync(path.join(bare, 'readme.md'), '# Only text here\n\nNo pictures at all.\n');
    assert.equal((await loupe(['index', bare, '--data', bareData])).code, 0);
    const images = await loupe(['search-image', bare, '--data', bareData, '--text', 'a red square', '--json']);
    assert.equal(images.code, 0, images.stderr);
    assert.equal((JSON.parse(images.stdout) as Answer).emptyReason?.code, 'no-images');
  });
});
