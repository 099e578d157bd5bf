// The Milvus boolean filter language: parse, check against a schema, compile to a row predicate.
//   compileFilter('lang == "ts" and 1 < size < 5000', schema)(row) → true / false
// Every invalid filter — bad syntax, unknown field, wrong types, missing placeholder, nesting
// too deep — throws ExprError with a character position; nothing else escapes.

import type { Expr } from './ast';
import { compileCond } from './compile';
import { ExprError } from './error';
import { parseExpr } from './parser';
import { checkFilter } from './typecheck';
import type { CollectionSchema, JsonValue, Row } from '../schema/types';

export { ExprError } from './error';
export type { Expr } from './ast';
export { MAX_DEPTH } from './parser';

export interface CompiledFilter {
  (row: Row): boolean;
  /** Fields the filter reads (`$meta` when it reads dynamic keys), so callers can load only those. */
  readonly fields: string[];
}

/** Parses filter text to a syntax tree (no schema needed). */
export function parseFilter(text: string): Expr {
  return guarded(() => parseExpr(text));
}

/**
 * Parses, type-checks against `schema`, fills `{name}` placeholders from `params` and compiles
 * to a predicate. Compile once, then call it per row.
 */
export function compileFilter(text: string, schema: CollectionSchema, params?: Record<string, JsonValue>): CompiledFilter {
  return guarded(() => {
    const { cond, fields } = checkFilter(parseExpr(text), schema, params ?? {});
    const predicate = compileCond(cond);
    return Object.assign((row: Row) => predicate(row), { fields });
  });
}

/** Keeps the promise that only ExprError escapes, even for a bug or an exhausted stack. */
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof ExprError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ExprError(`internal error while reading the filter (${detail}) at position 0`, 0);
  }
}
