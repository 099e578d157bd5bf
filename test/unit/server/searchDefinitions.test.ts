// Which chunks define a name rather than use it: what the symbol boost trusts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Row } from '../../../src/engine/schema/types';
import { F } from '../../../src/server/indexer/chunkSchema';
import { definesName, definitionNesting } from '../../../src/server/search/definitions';

const chunk = (text: string, kind = 'block', symbol = ''): Row => ({ [F.text]: `file: header\n${text}`, [F.kind]: kind, [F.symbol]: symbol });

test('a call through a path (Name::member) does not define Name; a Haskell signature does', () => {
  const rustImpl = chunk("impl<'de> Deserialize<'de> for Wrapping<T> {\n    fn deserialize() {\n        Deserialize::deserialize(d).map(Wrapping)\n    }\n}");
  assert.equal(definesName(rustImpl, ['Deserialize']), false);
  assert.equal(definesName(chunk('Foo::bar();'), ['Foo']), false);
  assert.equal(definesName(chunk('decode :: FromJSON a => ByteString -> Maybe a'), ['decode']), true);
  assert.equal(definesName(chunk("pub trait Deserialize<'de>: Sized {"), ['Deserialize']), true);
});

test('a qualified definition reports how deeply its name is nested', () => {
  assert.equal(definitionNesting(chunk('defmodule Ecto.Schema do'), ['Schema']), 1);
  assert.equal(definitionNesting(chunk('defmodule Ecto.Repo.Schema do'), ['Schema']), 2);
  assert.equal(definitionNesting(chunk('class Schema:'), ['Schema']), 0);
  assert.equal(definitionNesting(chunk('def load(schema)', 'function', 'load'), ['Schema']), undefined);
});

test('a constructor carries its class name but does not define the class; a method of that name elsewhere does', () => {
  const ctor = chunk('public ObjectMapper(JsonFactory f) {\n    this(f, null);\n}', 'method', 'ObjectMapper.ObjectMapper');
  assert.equal(definesName(ctor, ['ObjectMapper']), false);
  assert.equal(definesName(chunk('public class ObjectMapper\n    implements Versioned\n{', 'class', 'ObjectMapper'), ['ObjectMapper']), true);
  assert.equal(definesName(chunk('public JsonMapper mapper() {', 'method', 'Builder.mapper'), ['mapper']), true);
});
