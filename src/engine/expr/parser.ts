// Recursive-descent parser for Milvus boolean filter expressions. Precedence, loosest first:
//   or (||)  <  and (&&)  <  not (!)  <  comparison / range / in / like / is null
//   <  + -  <  * / %  <  unary -  <  **  <  indexing x["k"] x[0]  <  literals, names, calls, ( )
// `not` binds looser than comparisons, as in SQL, so `not a == 1` means `not (a == 1)`.
// Nesting is capped (MAX_DEPTH) so hostile input fails with a clear error, not a stack overflow.

import type { ArithOp, CompareOp, Expr } from './ast';
import { ExprError, quote } from './error';
import { describeToken, tokenize, type Token } from './lexer';

/** Deepest syntax tree we accept; Milvus users rarely pass 20. */
export const MAX_DEPTH = 256;

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

export function parseExpr(text: string): Expr {
  return new Parser(text).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  /** How many nested constructs the parser is inside; bounds its own recursion. */
  private depth = 0;
  /** Height of each built node; bounds recursion in the later passes. */
  private readonly heights = new WeakMap<Expr, number>();

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  parseAll(): Expr {
    if (this.peek().kind === 'end') {
      throw new ExprError('the filter is empty (expected a condition at position 0)', 0, 'a condition');
    }
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'end') {
      throw new ExprError(`expected 'and', 'or' or the end at position ${t.pos} but found ${describeToken(t)}`, t.pos, "'and', 'or' or the end");
    }
    return e;
  }

  // ---- token helpers

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private isOp(text: string, t = this.peek()): boolean {
    return t.kind === 'operator' && t.text === text;
  }

  private isKeyword(word: string, t = this.peek()): boolean {
    return t.kind === 'keyword' && t.text === word;
  }

  private expectOp(text: string, context: string): Token {
    const t = this.peek();
    if (!this.isOp(text)) {
      throw new ExprError(`expected '${text}' ${context}at position ${t.pos} but found ${describeToken(t)}`, t.pos, `'${text}'`);
    }
    return this.next();
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) {
      throw new ExprError(`the filter nests deeper than ${MAX_DEPTH} levels at position ${pos}`, pos);
    }
  }

  private leave(): void {
    this.depth--;
  }

  /** Records a node's height (1 + tallest child) and refuses trees taller than MAX_DEPTH. */
  private node<T extends Expr>(e: T, ...children: Expr[]): T {
    let h = 0;
    for (const c of children) h = Math.max(h, this.heights.get(c) ?? 1);
    if (h + 1 > MAX_DEPTH) {
      throw new ExprError(`the filter nests deeper than ${MAX_DEPTH} levels at position ${e.pos}`, e.pos);
    }
    this.heights.set(e, h + 1);
    return e;
  }

  // ---- boolean layer

  private parseOr(): Expr {
    return this.parseChain('or', '||', () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.parseChain('and', '&&', () => this.parseNot());
  }

  private parseChain(word: 'and' | 'or', symbol: string, operand: () => Expr): Expr {
    const first = operand();
    if (!this.isKeyword(word) && !this.isOp(symbol)) return first;
    const operands = [first];
    while (this.isKeyword(word) || this.isOp(symbol)) {
      const t = this.next();
      this.expectOperand(quote(t.text));
      operands.push(operand());
    }
    return this.node({ kind: word, pos: operands[0].pos, operands }, ...operands);
  }

  private parseNot(): Expr {
    const t = this.peek();
    if (this.isKeyword('not') || this.isOp('!')) {
      this.next();
      this.expectOperand(quote(t.text));
      this.enter(t.pos);
      const operand = this.parseNot();
      this.leave();
      return this.node({ kind: 'not', pos: t.pos, operand }, operand);
    }
    return this.parsePredicate();
  }

  /** A value followed by at most one comparison (or a same-direction range), in, like, is null. */
  private parsePredicate(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind === 'operator' && COMPARE_OPS.has(t.text)) {
      this.next();
      const op1 = t.text as CompareOp;
      this.expectOperand(quote(op1));
      const middle = this.parseAdditive();
      const t2 = this.peek();
      if (!(t2.kind === 'operator' && COMPARE_OPS.has(t2.text))) {
        return this.node({ kind: 'compare', pos: t.pos, op: op1, left, right: middle }, left, middle);
      }
      this.next();
      const op2 = t2.text as CompareOp;
      const up = (o: string): boolean => o === '<' || o === '<=';
      const down = (o: string): boolean => o === '>' || o === '>=';
      if (!((up(op1) && up(op2)) || (down(op1) && down(op2)))) {
        throw new ExprError(
          `a chained comparison at position ${t2.pos} must go one way: '<'/'<=' twice or '>'/'>=' twice (found ${quote(op1)} then ${quote(op2)})`,
          t2.pos,
        );
      }
      this.expectOperand(quote(op2));
      const high = this.parseAdditive();
      const after = this.peek();
      if (after.kind === 'operator' && COMPARE_OPS.has(after.text)) {
        throw new ExprError(`a range has at most two comparisons; found a third at position ${after.pos}`, after.pos);
      }
      return this.node(
        { kind: 'range', pos: left.pos, low: left, op1, op1Pos: t.pos, middle, op2, op2Pos: t2.pos, high },
        left, middle, high,
      );
    }
    const negated = this.isKeyword('not') && (this.isKeyword('in', this.peek(1)) || this.isKeyword('like', this.peek(1)));
    if (negated) this.next();
    const k = this.peek();
    if (this.isKeyword('in') || this.isKeyword('like')) {
      this.next();
      this.expectOperand(quote(negated ? `not ${k.text}` : k.text));
      const right = this.parseAdditive();
      if (k.text === 'in') return this.node({ kind: 'in', pos: k.pos, value: left, list: right, negated }, left, right);
      return this.node({ kind: 'like', pos: k.pos, value: left, pattern: right, negated }, left, right);
    }
    if (this.isKeyword('is')) {
      this.next();
      const isNot = this.isKeyword('not');
      if (isNot) this.next();
      const n = this.peek();
      if (!this.isKeyword('null')) {
        throw new ExprError(`expected 'null' after 'is${isNot ? ' not' : ''}' at position ${n.pos} but found ${describeToken(n)}`, n.pos, "'null'");
      }
      this.next();
      return this.node({ kind: 'isNull', pos: k.pos, value: left, negated: isNot }, left);
    }
    return left;
  }

  // ---- value layer

  private parseAdditive(): Expr {
    return this.parseLeftAssociative(['+', '-'], () => this.parseMultiplicative());
  }

  private parseMultiplicative(): Expr {
    return this.parseLeftAssociative(['*', '/', '%'], () => this.parseUnary());
  }

  private parseLeftAssociative(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    while (ops.some((o) => this.isOp(o))) {
      const t = this.next();
      this.expectOperand(quote(t.text));
      const right = operand();
      left = this.node({ kind: 'arith', pos: t.pos, op: t.text as ArithOp, left, right }, left, right);
    }
    return left;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.isOp('-') || this.isOp('+')) {
      this.next();
      this.expectOperand(quote(t.text));
      this.enter(t.pos);
      const operand = this.parseUnary();
      this.leave();
      if (t.text === '+') return operand;
      if (operand.kind === 'number') {
        return this.node({ ...operand, pos: t.pos, value: -operand.value, ...(operand.big !== undefined ? { big: -operand.big } : {}) });
      }
      return this.node({ kind: 'negate', pos: t.pos, operand }, operand);
    }
    return this.parsePower();
  }

  /** `**` is right-associative and binds tighter than unary minus: `-2 ** 2` is -4. */
  private parsePower(): Expr {
    const base = this.parsePostfix();
    if (!this.isOp('**')) return base;
    const t = this.next();
    this.expectOperand("'**'");
    this.enter(t.pos);
    const exponent = this.parseUnary();
    this.leave();
    return this.node({ kind: 'arith', pos: t.pos, op: '**', left: base, right: exponent }, base, exponent);
  }

  private parsePostfix(): Expr {
    let e = this.parsePrimary();
    while (this.isOp('[') && (e.kind === 'identifier' || e.kind === 'index')) {
      const open = this.next();
      const k = this.peek();
      let key: string | number;
      if (k.kind === 'string') key = k.text;
      else if (k.kind === 'number' && k.isInt && (k.value ?? -1) >= 0) key = k.value as number;
      else {
        throw new ExprError(
          `expected a string key or a non-negative integer index after '[' at position ${k.pos} but found ${describeToken(k)}`,
          k.pos, 'a key or index',
        );
      }
      this.next();
      this.expectOp(']', 'to close the index ');
      e = this.node({ kind: 'index', pos: open.pos, target: e, key, keyPos: k.pos }, e);
    }
    return e;
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return this.node({ kind: 'number', pos: t.pos, value: t.value as number, isInt: t.isInt === true, ...(t.big !== undefined ? { big: t.big } : {}) });
      case 'string':
        this.next();
        return this.node({ kind: 'string', pos: t.pos, value: t.text });
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') {
          this.next();
          return this.node({ kind: 'bool', pos: t.pos, value: t.text === 'true' });
        }
        if (t.text === 'null') {
          throw new ExprError(`'null' is not a value at position ${t.pos}; write 'x is null' or 'x is not null'`, t.pos);
        }
        break;
      case 'identifier':
        this.next();
        if (this.isOp('(')) return this.parseCall(t);
        return this.node({ kind: 'identifier', pos: t.pos, name: t.text });
      case 'operator':
        if (t.text === '(') {
          this.next();
          this.enter(t.pos);
          const inner = this.parseOr();
          this.leave();
          this.expectOp(')', `to close the '(' at position ${t.pos} `);
          return inner;
        }
        if (t.text === '[') return this.parseList();
        if (t.text === '{') return this.parseTemplate();
        break;
      case 'end':
        break;
    }
    throw new ExprError(`expected a value at position ${t.pos} but found ${describeToken(t)}`, t.pos, 'a value');
  }

  private parseList(): Expr {
    const open = this.next();
    this.enter(open.pos);
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      items.push(this.parseOr());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(']')) {
        const t = this.peek();
        throw new ExprError(`expected ',' or ']' in the list opened at position ${open.pos}, at position ${t.pos} but found ${describeToken(t)}`, t.pos, "',' or ']'");
      }
    }
    this.next();
    this.leave();
    return this.node({ kind: 'list', pos: open.pos, items }, ...items);
  }

  private parseTemplate(): Expr {
    const open = this.next();
    const name = this.peek();
    if (name.kind !== 'identifier') {
      throw new ExprError(`expected a placeholder name after '{' at position ${name.pos} but found ${describeToken(name)}`, name.pos, 'a name');
    }
    this.next();
    this.expectOp('}', `to close the placeholder {${name.text} `);
    return this.node({ kind: 'template', pos: open.pos, name: name.text });
  }

  private parseCall(name: Token): Expr {
    const open = this.next();
    this.enter(open.pos);
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      args.push(this.parseOr());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) {
        const t = this.peek();
        throw new ExprError(`expected ',' or ')' in the call to ${name.text} at position ${t.pos} but found ${describeToken(t)}`, t.pos, "',' or ')'");
      }
    }
    this.next();
    this.leave();
    return this.node({ kind: 'call', pos: name.pos, name: name.text, args }, ...args);
  }

  /** After a binary or prefix operator a value must follow; say so plainly if it does not. */
  private expectOperand(after: string): void {
    const t = this.peek();
    const ok =
      t.kind === 'number' || t.kind === 'string' || t.kind === 'identifier' ||
      (t.kind === 'keyword' && ['true', 'false', 'not', 'null'].includes(t.text)) ||
      (t.kind === 'operator' && ['(', '[', '{', '-', '+', '!'].includes(t.text));
    if (!ok) {
      throw new ExprError(
        `expected a value after ${after} at position ${t.pos} but found ${describeToken(t)}`,
        t.pos, 'a value',
      );
    }
  }
}
