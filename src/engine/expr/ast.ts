// The syntax tree of a filter, as parsed and before it is checked against a schema. Every node
// keeps a character offset so later errors can point at it: where a leaf or call starts, and
// for an operator node (compare, arith, in, like, is null) where its operator is.

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '**';

export type Expr =
  | { kind: 'number'; pos: number; value: number; isInt: boolean; /** exact, beyond 2^53 */ big?: bigint }
  | { kind: 'string'; pos: number; value: string }
  | { kind: 'bool'; pos: number; value: boolean }
  /** `[a, b, c]` — the right side of `in`, or an argument of `array_contains_any` etc. */
  | { kind: 'list'; pos: number; items: Expr[] }
  /** `{name}` — a Milvus 2.5 filter template placeholder, filled from the params. */
  | { kind: 'template'; pos: number; name: string }
  /** A field name, a dynamic-field key, or `$meta`. */
  | { kind: 'identifier'; pos: number; name: string }
  /** `target["key"]` or `target[0]`: a JSON path step or an Array element. */
  | { kind: 'index'; pos: number; target: Expr; key: string | number; keyPos: number }
  | { kind: 'call'; pos: number; name: string; args: Expr[] }
  | { kind: 'negate'; pos: number; operand: Expr }
  | { kind: 'arith'; pos: number; op: ArithOp; left: Expr; right: Expr }
  | { kind: 'compare'; pos: number; op: CompareOp; left: Expr; right: Expr }
  /** A chained range `low op1 middle op2 high`, both ops pointing the same way (Milvus's Range). */
  | { kind: 'range'; pos: number; low: Expr; op1: CompareOp; op1Pos: number; middle: Expr; op2: CompareOp; op2Pos: number; high: Expr }
  | { kind: 'in'; pos: number; value: Expr; list: Expr; negated: boolean }
  | { kind: 'like'; pos: number; value: Expr; pattern: Expr; negated: boolean }
  | { kind: 'isNull'; pos: number; value: Expr; negated: boolean }
  | { kind: 'not'; pos: number; operand: Expr }
  /** `and` / `or` chains are flat lists, so long conjunctions do not make deep trees. */
  | { kind: 'and' | 'or'; pos: number; operands: Expr[] };

export type ExprKind = Expr['kind'];
