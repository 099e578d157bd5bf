// The one error type every filter problem becomes: a message that says what was expected and
// where (a character offset into the filter text), with Milvus's InvalidExpression code.

import { EngineError, ErrorCode } from '../errors';

export class ExprError extends EngineError {
  constructor(
    message: string,
    /** Character offset (UTF-16 index) into the filter text, 0 .. text.length. */
    readonly position: number,
    /** What the parser wanted at `position`, when that is one thing, e.g. `')'` or `a value`. */
    readonly expected?: string,
  ) {
    super(ErrorCode.InvalidExpression, `filter: ${message}`);
    this.name = 'ExprError';
  }
}

/** Shows a piece of filter text in an error message, escaping what would not print. */
export function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `'${shown.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, (c) =>
    `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )}'`;
}
