// Code by syntax: functions, methods and classes become chunks with their name and signature;
// a class too big for one chunk is split into its members plus a header chunk; whatever lies
// between definitions (imports, constants, top-level statements) is merged into text chunks.

import type { Chunk } from './types';
import type { CodeLanguage } from './languages';
import { chunksForRange, fitsOneChunk, type ChunkSpec, type FileContext } from './makeChunk';
import { withSyntaxTree, type SyntaxNode } from './treeSitter';

/** A class split into members: lines between its members are chunked under its name. */
interface ClassScope {
  startLine: number;
  endLine: number;
  symbol: string;
}

interface Found {
  definitions: ChunkSpec[];
  scopes: ClassScope[];
}

/** Nesting deeper than this (class in class in namespace ...) is chunked as a whole. */
const MAX_DEPTH = 12;
const MAX_SYMBOL_CHARS = 120;
const MAX_SIGNATURE_CHARS = 200;

/**
 * Chunks a source file by its syntax tree. Returns undefined when the parse gives up (timeout);
 * the caller then falls back to line windows.
 */
export async function chunkBySyntax(ctx: FileContext, text: string, language: CodeLanguage): Promise<Chunk[] | undefined> {
  const found = await withSyntaxTree(language.grammar, text, (root) => {
    const collector = new DefinitionCollector(ctx, text, language);
    collector.walkItems(root, [], false, 0);
    return { definitions: collector.definitions, scopes: collector.scopes };
  });
  return found && emitChunks(ctx, found);
}

class DefinitionCollector {
  readonly definitions: ChunkSpec[] = [];
  readonly scopes: ClassScope[] = [];

  constructor(
    private readonly ctx: FileContext,
    private readonly text: string,
    private readonly lang: CodeLanguage,
  ) {}

  /** Visits the items of a program, namespace or class body. */
  walkItems(parent: SyntaxNode, scope: string[], inClass: boolean, depth: number): void {
    const items = parent.namedChildren;
    let lastEndRow = -1;
    for (let i = 0; i < items.length; i++) {
      const node = items[i];
      if (this.lang.leading.includes(node.type)) continue;
      const firstRow = this.leadingStartRow(items, i, lastEndRow);
      this.visit(node, node, firstRow, scope, inClass, depth);
      lastEndRow = lastRow(node);
    }
  }

  /** Comments and attributes directly above items[i] (no blank line between) join its chunk. */
  private leadingStartRow(items: SyntaxNode[], i: number, lastEndRow: number): number {
    let row = items[i].startPosition.row;
    for (let j = i - 1; j >= 0; j--) {
      const prev = items[j];
      if (!this.lang.leading.includes(prev.type)) break;
      if (prev.endPosition.row < row - 1 || prev.startPosition.row <= lastEndRow) break;
      row = prev.startPosition.row;
    }
    return row;
  }

  /** `outer` is the node whose range the chunk covers (an export or decorator wrapper). */
  private visit(node: SyntaxNode, outer: SyntaxNode, firstRow: number, scope: string[], inClass: boolean, depth: number): void {
    const { lang } = this;
    const type = node.type;
    if (lang.wrappers?.includes(type)) {
      const inner = node.namedChildren.find((c) => this.isDefinitionLike(c));
      if (inner) this.visit(inner, outer, firstRow, scope, inClass, depth);
      return;
    }
    if (lang.containers?.includes(type)) {
      if (depth < MAX_DEPTH) this.walkItems(node.childForFieldName('body') ?? node, scope, inClass, depth + 1);
      return;
    }
    const isMethod = lang.methods?.includes(type) ?? false;
    if (isMethod || lang.functions.includes(type)) {
      const name = isMethod ? qualifiedMethodName(node) : nameOf(node);
      this.add(node, outer, firstRow, isMethod || inClass ? 'method' : 'function', [...scope, name], node);
      return;
    }
    const fnValue = this.variableFunctionValue(node);
    if (fnValue) {
      this.add(node, outer, firstRow, inClass ? 'method' : 'function', [...scope, fnValue.name], fnValue.value);
      return;
    }
    if (lang.classes.includes(type)) this.visitClass(node, outer, firstRow, scope, depth);
  }

  private visitClass(node: SyntaxNode, outer: SyntaxNode, firstRow: number, scope: string[], depth: number): void {
    const symbolPath = [...scope, nameOf(node)];
    const spec = this.spec(node, outer, firstRow, 'class', symbolPath, node);
    const body = node.childForFieldName('body');
    if (fitsOneChunk(this.ctx, spec) || !body || depth >= MAX_DEPTH) {
      this.definitions.push(spec);
      return;
    }
    const before = this.definitions.length;
    this.walkItems(body, symbolPath, true, depth + 1);
    const members = this.definitions.slice(before);
    if (members.length === 0) {
      this.definitions.push(spec); // e.g. a big enum: windows under the class's name
      return;
    }
    const firstMember = Math.min(...members.map((m) => m.startLine));
    this.definitions.push({ ...spec, endLine: Math.max(spec.startLine, firstMember - 1) });
    this.scopes.push({ startLine: spec.startLine, endLine: spec.endLine, symbol: spec.symbol });
  }

  private add(node: SyntaxNode, outer: SyntaxNode, firstRow: number, kind: ChunkSpec['kind'], symbolPath: string[], bodyOwner: SyntaxNode): void {
    this.definitions.push(this.spec(node, outer, firstRow, kind, symbolPath, bodyOwner));
  }

  private spec(node: SyntaxNode, outer: SyntaxNode, firstRow: number, kind: ChunkSpec['kind'], symbolPath: string[], bodyOwner: SyntaxNode): ChunkSpec {
    return {
      kind,
      symbol: symbolPath.filter((s) => s !== '').join('.'),
      signature: this.signatureOf(node, bodyOwner),
      startLine: Math.min(firstRow, outer.startPosition.row) + 1,
      endLine: Math.min(lastRow(outer) + 1, this.ctx.lines.length),
    };
  }

  /** The declaration up to its body: "export function add(a: number, b: number): number". */
  private signatureOf(node: SyntaxNode, bodyOwner: SyntaxNode): string {
    const body = bodyOwner.childForFieldName('body');
    const raw =
      body && body.startIndex > node.startIndex
        ? this.text.slice(node.startIndex, body.startIndex)
        : this.text.slice(node.startIndex, node.endIndex).split('\n', 1)[0];
    const sig = raw.replace(/\s+/g, ' ').trim().replace(/\s*\{$/, '');
    return sig.length > MAX_SIGNATURE_CHARS ? sig.slice(0, MAX_SIGNATURE_CHARS) : sig;
  }

  /** `const f = () => ...` / a class field holding an arrow function. */
  private variableFunctionValue(node: SyntaxNode): { name: string; value: SyntaxNode } | undefined {
    const spec = this.lang.variableFunctions;
    if (!spec?.declarations.includes(node.type)) return undefined;
    const declarators = node.namedChildren.filter((c) => c.type === 'variable_declarator');
    const holder = declarators.length === 0 ? node : declarators.length === 1 ? declarators[0] : undefined;
    const value = holder?.childForFieldName('value');
    const name = holder?.childForFieldName('name');
    if (!value || !name || !spec.values.includes(value.type)) return undefined;
    return { name: clip(name.text), value };
  }

  private isDefinitionLike(node: SyntaxNode): boolean {
    const { lang } = this;
    return (
      lang.functions.includes(node.type) ||
      (lang.methods?.includes(node.type) ?? false) ||
      lang.classes.includes(node.type) ||
      (lang.containers?.includes(node.type) ?? false) ||
      (lang.wrappers?.includes(node.type) ?? false) ||
      this.variableFunctionValue(node) !== undefined
    );
  }
}

/** The declared name; C/C++ keep it inside nested declarators, Rust impls in `type`, Go in a type_spec. */
function nameOf(node: SyntaxNode): string {
  const name = node.childForFieldName('name');
  if (name) return clip(name.text);
  const fnDeclarator = node.type.startsWith('function')
    ? node.descendantsOfType('function_declarator')[0]
    : undefined;
  const declared = fnDeclarator?.childForFieldName('declarator');
  if (declared) return clip(declared.text);
  const type = node.childForFieldName('type');
  if (type) return clip(type.text);
  const spec = node.namedChildren.find((c) => c.type === 'type_spec' || c.type === 'type_alias');
  return clip(spec?.childForFieldName('name')?.text ?? '');
}

/** Go: func (s *Stack[T]) Push(...) → "Stack.Push". */
function qualifiedMethodName(node: SyntaxNode): string {
  const name = nameOf(node);
  const receiver = node.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type');
  const owner = receiver?.text.replace(/^\*/, '').replace(/\[.*$/s, '');
  return owner ? `${clip(owner)}.${name}` : name;
}

/** The node's last line; a node that ends at column 0 ends on the line before. */
function lastRow(node: SyntaxNode): number {
  const { row, column } = node.endPosition;
  return column === 0 && row > node.startPosition.row ? row - 1 : row;
}

function clip(name: string): string {
  const flat = name.replace(/\s+/g, ' ');
  return flat.length > MAX_SYMBOL_CHARS ? flat.slice(0, MAX_SYMBOL_CHARS) : flat;
}

/** Definitions become chunks; the lines between them become text (or class-member) chunks. */
function emitChunks(ctx: FileContext, found: Found): Chunk[] {
  const lineCount = ctx.lines.length;
  const definitions = mergeOverlaps(found.definitions);
  const covered = new Uint8Array(lineCount + 2);
  for (const d of definitions) covered.fill(1, d.startLine, d.endLine + 1);
  const cuts = new Set<number>();
  for (const s of found.scopes) cuts.add(s.startLine).add(s.endLine + 1);

  const gaps: ChunkSpec[] = [];
  let runStart = 0;
  for (let line = 1; line <= lineCount + 1; line++) {
    const inGap = line <= lineCount && !covered[line];
    if (runStart && (!inGap || cuts.has(line))) {
      const gap = gapSpec(ctx, runStart, line - 1, found.scopes, definitions.length > 0);
      if (gap) gaps.push(gap);
      runStart = 0;
    }
    if (inGap && !runStart) runStart = line;
  }
  const chunks = [...definitions, ...gaps].flatMap((spec) => chunksForRange(ctx, spec));
  return chunks.sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
}

function mergeOverlaps(definitions: ChunkSpec[]): ChunkSpec[] {
  const sorted = [...definitions].sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  const out: ChunkSpec[] = [];
  for (const d of sorted) {
    const prev = out[out.length - 1];
    if (!prev || d.startLine > prev.endLine) out.push({ ...d });
    else {
      // Definitions sharing lines (several on one line): no one name fits the merged range.
      Object.assign(prev, { kind: 'text', symbol: '', signature: '', endLine: Math.max(prev.endLine, d.endLine) });
    }
  }
  return out;
}

/** Lines that only close something: `}`, `end`, `#endif`, maybe with a comment. */
const CLOSING_LINE = /^\s*(end\b\s*(#.*)?|#\s*(endif|else)\b.*|[)}\]][)}\];,\s]*(\/\/.*|\/\*.*)?)$/;

function gapSpec(ctx: FileContext, from: number, to: number, scopes: ClassScope[], hasDefinitions: boolean): ChunkSpec | undefined {
  let start = from;
  let end = to;
  while (start <= end && !ctx.lines[start - 1].trim()) start++;
  while (end >= start && !ctx.lines[end - 1].trim()) end--;
  if (start > end) return undefined;
  if (hasDefinitions) {
    const body = ctx.lines.slice(start - 1, end);
    const trivial = body.every((l) => !/[\p{L}\p{N}]/u.test(l) || CLOSING_LINE.test(l));
    if (trivial) return undefined;
  }
  const scope = scopes
    .filter((s) => s.startLine <= start && end <= s.endLine)
    .sort((a, b) => b.startLine - a.startLine)[0];
  return scope
    ? { kind: 'class', symbol: scope.symbol, signature: '', startLine: start, endLine: end }
    : { kind: 'text', symbol: '', signature: '', startLine: start, endLine: end };
}
