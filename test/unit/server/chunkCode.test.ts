// Code chunking by syntax: one snippet per language, with the exact symbols and line ranges a
// user would jump to, plus splitting of big classes and functions and the fallbacks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { chunkFile, setGrammarDir, type Chunk, type ChunkLimits } from '../../../src/server/chunk/index';
import { fixtureWorkspace } from './workspaceFixture';

const SNIPPETS: Record<string, string> = {
'a.ts': `import { x } from './x';

/** Doubles. */
export function double(n: number): number {
  return n * 2;
}

export class Counter {
  private count = 0;
  increment(): void {
    this.count++;
  }
}

export const square = (n: number): number => n * n;
`,
'a.tsx': `import React from 'react';

export function Greeting({ name }: { name: string }) {
  return <h1>Hello {name}</h1>;
}

export const Badge = () => <span className="badge" />;
`,
'a.js': `const fs = require('fs');

function readConfig(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

class Cache {
  get(key) {
    return this.map.get(key);
  }
}

module.exports = { readConfig, Cache };
`,
'a.py': `import os


def read_env(name):
    return os.environ.get(name)


class Config:
    def __init__(self, path):
        self.path = path

    @property
    def exists(self):
        return os.path.exists(self.path)
`,
'a.go': `package store

import "sync"

// Store is a concurrent map.
type Store struct {
	mu   sync.Mutex
	data map[string]string
}

func (s *Store) Get(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[key]
}

func New() *Store {
	return &Store{data: map[string]string{}}
}
`,
'a.rs': `use std::fmt;

pub struct Point {
    x: i32,
    y: i32,
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

/// Manhattan distance.
pub fn manhattan(a: &Point, b: &Point) -> i32 {
    (a.x - b.x).abs() + (a.y - b.y).abs()
}
`,
'A.java': `package shapes;

import java.util.List;

public class Polygon {
    private final List<double[]> points;

    public Polygon(List<double[]> points) {
        this.points = points;
    }

    public int vertexCount() {
        return points.size();
    }
}
`,
'a.c': `#include <stdio.h>

struct point {
    int x;
    int y;
};

static int add(int a, int b) {
    return a + b;
}

int main(void) {
    printf("%d\\n", add(1, 2));
    return 0;
}
`,
'a.cpp': `#include <vector>

namespace geo {

class Shape {
 public:
  virtual double area() const = 0;
};

double total_area(const std::vector<Shape*>& shapes) {
  double sum = 0;
  for (auto* s : shapes) sum += s->area();
  return sum;
}

}  // namespace geo
`,
'a.cs': `using System;

namespace Shapes
{
    public class Circle
    {
        public double Radius { get; set; }

        public double Area()
        {
            return Math.PI * Radius * Radius;
        }
    }
}
`,
'a.rb': `require 'json'

module Shapes
  class Square
    def initialize(side)
      @side = side
    end

    def area
      @side * @side
    end
  end
end

def load_shapes(path)
  JSON.parse(File.read(path))
end
`,
'a.php': `<?php

namespace App;

function greet(string $name): string
{
    return "Hello, " . $name;
}

class Invoice
{
    public function total(array $lines): float
    {
        return array_sum($lines);
    }
}
`,
};

type Row = [kind: string, symbol: string, startLine: number, endLine: number];

async function chunksOf(relPath: string, source: string, limits?: ChunkLimits): Promise<Chunk[]> {
  return chunkFile({ absPath: `/ws/${relPath}`, relPath, folder: 'ws', bytes: Buffer.from(source) }, limits);
}

function rows(chunks: Chunk[]): Row[] {
  return chunks.map((c) => [c.kind, c.symbol, c.startLine, c.endLine]);
}

const EXPECTED: Record<string, { language: string; rows: Row[] }> = {
  'a.ts': {
    language: 'typescript',
    rows: [['text', '', 1, 1], ['function', 'double', 3, 6], ['class', 'Counter', 8, 13], ['function', 'square', 15, 15]],
  },
  'a.tsx': {
    language: 'typescriptreact',
    rows: [['text', '', 1, 1], ['function', 'Greeting', 3, 5], ['function', 'Badge', 7, 7]],
  },
  'a.js': {
    language: 'javascript',
    rows: [['text', '', 1, 1], ['function', 'readConfig', 3, 5], ['class', 'Cache', 7, 11], ['text', '', 13, 13]],
  },
  'a.py': {
    language: 'python',
    rows: [['text', '', 1, 1], ['function', 'read_env', 4, 5], ['class', 'Config', 8, 14]],
  },
  'a.go': {
    language: 'go',
    rows: [['text', '', 1, 3], ['class', 'Store', 5, 9], ['method', 'Store.Get', 11, 15], ['function', 'New', 17, 19]],
  },
  'a.rs': {
    language: 'rust',
    rows: [['text', '', 1, 1], ['class', 'Point', 3, 6], ['class', 'Point', 8, 12], ['function', 'manhattan', 14, 17]],
  },
  'A.java': { language: 'java', rows: [['text', '', 1, 3], ['class', 'Polygon', 5, 15]] },
  'a.c': {
    language: 'c',
    rows: [['text', '', 1, 1], ['class', 'point', 3, 6], ['function', 'add', 8, 10], ['function', 'main', 12, 15]],
  },
  'a.cpp': { language: 'cpp', rows: [['text', '', 1, 3], ['class', 'Shape', 5, 8], ['function', 'total_area', 10, 14]] },
  'a.cs': { language: 'csharp', rows: [['text', '', 1, 4], ['class', 'Circle', 5, 13]] },
  'a.rb': { language: 'ruby', rows: [['text', '', 1, 1], ['class', 'Shapes', 3, 13], ['function', 'load_shapes', 15, 17]] },
  'a.php': { language: 'php', rows: [['text', '', 1, 3], ['function', 'greet', 5, 8], ['class', 'Invoice', 10, 16]] },
};

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`${expected.language}: functions, classes and the code between them, with exact lines`, async () => {
    const chunks = await chunksOf(file, SNIPPETS[file]);
    assert.deepEqual(rows(chunks), expected.rows);
    for (const c of chunks) {
      assert.equal(c.language, expected.language);
      const lines = SNIPPETS[file].split('\n').slice(c.startLine - 1, c.endLine).join('\n');
      assert.equal(c.text, `${c.symbol ? `${file}: ${c.symbol}` : file}\n${lines}`);
      assert.match(c.contentHash, /^[0-9a-f]{16}$/);
    }
  });
}

test('signatures are the declaration up to the body', async () => {
  const signatures = async (file: string): Promise<string[]> =>
    (await chunksOf(file, SNIPPETS[file])).map((c) => c.signature).filter((s) => s !== '');
  assert.deepEqual(await signatures('a.ts'), [
    'function double(n: number): number',
    'class Counter',
    'const square = (n: number): number =>',
  ]);
  assert.deepEqual(await signatures('a.go'), ['type Store struct', 'func (s *Store) Get(key string) string', 'func New() *Store']);
  assert.deepEqual(await signatures('a.py'), ['def read_env(name):', 'class Config:']);
  assert.deepEqual(await signatures('a.c'), ['struct point', 'static int add(int a, int b)', 'int main(void)']);
});

const SMALL: ChunkLimits = { maxChars: 200, maxLines: 8, windowLines: 6, overlapLines: 2 };

test('a class over the size limit is split into a header chunk and its methods', async () => {
  assert.deepEqual(rows(await chunksOf('A.java', SNIPPETS['A.java'], SMALL)), [
    ['text', '', 1, 3],
    ['class', 'Polygon', 5, 7],
    ['method', 'Polygon.Polygon', 8, 10],
    ['method', 'Polygon.vertexCount', 12, 14],
  ]);
  assert.deepEqual(rows(await chunksOf('a.cs', SNIPPETS['a.cs'], SMALL)), [
    ['text', '', 1, 4],
    ['class', 'Circle', 5, 8],
    ['method', 'Circle.Area', 9, 12],
  ]);
  assert.deepEqual(rows(await chunksOf('a.rb', SNIPPETS['a.rb'], SMALL)), [
    ['text', '', 1, 1],
    ['class', 'Shapes', 3, 3],
    ['class', 'Shapes.Square', 4, 4],
    ['method', 'Shapes.Square.initialize', 5, 7],
    ['method', 'Shapes.Square.area', 9, 11],
    ['function', 'load_shapes', 15, 17],
  ]);
});

test('fields between methods of a split class stay under the class name', async () => {
  const source = [
    'export class Store {',
    '  private readonly items = new Map<string, number>();',
    '',
    '  get(key: string): number | undefined {',
    '    return this.items.get(key);',
    '  }',
    '',
    '  private version = 0;',
    '  private listeners: Array<() => void> = [];',
    '',
    '  set(key: string, value: number): void {',
    '    this.items.set(key, value);',
    '    this.version++;',
    '  }',
    '}',
  ].join('\n');
  assert.deepEqual(rows(await chunksOf('store.ts', source, SMALL)), [
    ['class', 'Store', 1, 3],
    ['method', 'Store.get', 4, 6],
    ['class', 'Store', 8, 9],
    ['method', 'Store.set', 11, 14],
  ]);
});

test('a function over the size limit becomes overlapping windows that keep its name', async () => {
  const body = Array.from({ length: 150 }, (_, i) => `  const v${i} = a + ${i}; // step ${i}`);
  const source = ['function huge(a) {', ...body, '}', ''].join('\n');
  const chunks = await chunksOf('huge.js', source);
  assert.deepEqual(rows(chunks), [
    ['function', 'huge', 1, 40],
    ['function', 'huge', 31, 70],
    ['function', 'huge', 61, 100],
    ['function', 'huge', 91, 130],
    ['function', 'huge', 121, 152],
  ]);
  for (const c of chunks) {
    assert.ok(c.text.length <= 1500, `chunk ${c.startLine}-${c.endLine} has ${c.text.length} chars`);
    assert.equal(c.signature, 'function huge(a)');
  }
});

test('the fixture workspace sources chunk into their functions and classes', async () => {
  const root = fixtureWorkspace();
  const of = async (rel: string): Promise<Row[]> =>
    rows(await chunkFile({ absPath: path.join(root, rel), relPath: rel, folder: 'shapes', bytes: fs.readFileSync(path.join(root, rel)) }));
  assert.deepEqual(await of('src/math.ts'), [
    ['text', '', 1, 3],
    ['function', 'circleArea', 5, 9],
    ['function', 'clamp', 11, 13],
    ['class', 'Rectangle', 15, 32],
  ]);
  assert.deepEqual(await of('src/util.py'), [
    ['text', '', 1, 4],
    ['function', 'mean', 7, 11],
    ['function', 'std_dev', 14, 17],
    ['class', 'RunningStats', 20, 32],
  ]);
  assert.deepEqual(await of('cmd/main.go'), [
    ['text', '', 1, 7],
    ['class', 'Circle', 9, 12],
    ['method', 'Circle.Area', 14, 17],
    ['function', 'main', 19, 31],
  ]);
});

test('deeply nested code terminates and stays within the file', async () => {
  const depth = 3000;
  const nestedCalls = `const x = ${'f('.repeat(depth)}1${')'.repeat(depth)};\n`;
  const nestedClasses = Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}class C${i}:`).join('\n') + `\n${'  '.repeat(200)}pass\n`;
  for (const [file, source] of [['deep.ts', nestedCalls], ['deep.py', nestedClasses]] as const) {
    const chunks = await chunksOf(file, source);
    const lineCount = source.split('\n').length - 1;
    assert.ok(chunks.length > 0, file);
    for (const c of chunks) assert.ok(c.startLine >= 1 && c.endLine <= lineCount && c.startLine <= c.endLine, file);
  }
});

test('code that does not parse still gives chunks covering its text', async () => {
  const source = 'function broken( {\n  return ;;; }}}\n<<<>>>\nclass {\n';
  const chunks = await chunksOf('broken.ts', source);
  assert.ok(chunks.length > 0);
  assert.ok(chunks.some((c) => c.text.includes('<<<>>>')));
});

test('a shebang decides the language of a file without extension', async () => {
  const chunks = await chunksOf('bin/tool', '#!/usr/bin/env python3\n\ndef main():\n    print("hi")\n');
  assert.deepEqual(rows(chunks), [['text', '', 1, 1], ['function', 'main', 3, 4]]);
  assert.equal(chunks[1].language, 'python');
});

test('a comment between functions is kept; lines that only close a block are not chunks', async () => {
  const source = 'function a() {\n  return 1;\n}\n\n// TODO: explain the plan for b\n\nfunction b() {}\n';
  assert.deepEqual(rows(await chunksOf('todo.js', source)), [
    ['function', 'a', 1, 3],
    ['text', '', 5, 5],
    ['function', 'b', 7, 7],
  ]);
});

test('grammars from another folder (the packaged extension); a missing grammar falls back to windows', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-grammars-'));
  try {
    setGrammarDir(empty);
    const source = SNIPPETS['a.go'];
    const chunks = await chunksOf('a.go', source);
    assert.deepEqual(rows(chunks), [['text', '', 1, 19]]);
  } finally {
    setGrammarDir(undefined);
    fs.rmSync(empty, { recursive: true, force: true });
  }
  assert.deepEqual(rows(await chunksOf('a.go', SNIPPETS['a.go'])), EXPECTED['a.go'].rows);
});

test('minified code (many functions on one huge line) becomes text pieces, not one misnamed function', async () => {
  let source = '';
  for (let i = 0; source.length < 20_000; i++) source += `function f${i}(a){var b=a*${i};return b+1}`;
  const chunks = await chunksOf('bundle.min.js', source);
  assert.ok(chunks.length >= 14);
  for (const c of chunks) assert.deepEqual([c.kind, c.symbol, c.startLine, c.endLine], ['text', '', 1, 1]);
  const twoOnOneLine = await chunksOf('pair.js', 'function a() { return 1; } function b() { return 2; }\n');
  assert.deepEqual(rows(twoOnOneLine), [['text', '', 1, 1]]);
});
