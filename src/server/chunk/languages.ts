// One table: file extension → language → tree-sitter grammar, and which syntax node types count
// as function, method, class or namespace in that grammar. Node type names are the grammars' own
// (tree-sitter-wasms 0.1.13).

export interface CodeLanguage {
  /** VS Code language id. */
  id: string;
  /** Grammar file: tree-sitter-<grammar>.wasm. */
  grammar: string;
  extensions: string[];
  /** Functions at top level; methods when inside a class. */
  functions: string[];
  /** Always methods, wherever they appear (Go's func (r T) M()). */
  methods?: string[];
  /** Class-like: split into members when too big. */
  classes: string[];
  /** Namespaces, modules, preprocessor blocks: their members are chunked as if top level. */
  containers?: string[];
  /** Wrap one definition (export, decorators, templates): the chunk covers the wrapper. */
  wrappers?: string[];
  /** Comments and attributes directly above a definition belong to its chunk. */
  leading: string[];
  /** `const f = () => ...` declarations count as functions. */
  variableFunctions?: { declarations: string[]; values: string[] };
}

const jsLike = {
  functions: [
    'function_declaration',
    'generator_function_declaration',
    'method_definition',
    'method_signature',
    'abstract_method_signature',
    'function_signature',
  ],
  classes: ['class_declaration', 'abstract_class_declaration', 'interface_declaration', 'enum_declaration'],
  containers: ['internal_module', 'module'],
  wrappers: ['export_statement', 'expression_statement', 'ambient_declaration'],
  leading: ['comment', 'decorator'],
  variableFunctions: {
    declarations: ['lexical_declaration', 'variable_declaration', 'public_field_definition', 'field_definition'],
    values: ['arrow_function', 'function_expression', 'function', 'generator_function'],
  },
};

const cLike = {
  functions: ['function_definition'],
  containers: ['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'linkage_specification'],
  leading: ['comment'],
};

export const CODE_LANGUAGES: CodeLanguage[] = [
  { id: 'typescript', grammar: 'typescript', extensions: ['.ts', '.mts', '.cts'], ...jsLike },
  { id: 'typescriptreact', grammar: 'tsx', extensions: ['.tsx'], ...jsLike },
  { id: 'javascript', grammar: 'javascript', extensions: ['.js', '.mjs', '.cjs'], ...jsLike },
  { id: 'javascriptreact', grammar: 'javascript', extensions: ['.jsx'], ...jsLike },
  {
    id: 'python',
    grammar: 'python',
    extensions: ['.py', '.pyi', '.pyw'],
    functions: ['function_definition'],
    classes: ['class_definition'],
    wrappers: ['decorated_definition'],
    leading: ['comment'],
  },
  {
    id: 'go',
    grammar: 'go',
    extensions: ['.go'],
    functions: ['function_declaration'],
    methods: ['method_declaration'],
    classes: ['type_declaration'],
    leading: ['comment'],
  },
  {
    id: 'rust',
    grammar: 'rust',
    extensions: ['.rs'],
    functions: ['function_item', 'function_signature_item'],
    classes: ['impl_item', 'trait_item', 'struct_item', 'enum_item', 'union_item'],
    containers: ['mod_item'],
    leading: ['line_comment', 'block_comment', 'attribute_item'],
  },
  {
    id: 'java',
    grammar: 'java',
    extensions: ['.java'],
    functions: ['method_declaration', 'constructor_declaration', 'compact_constructor_declaration'],
    classes: [
      'class_declaration',
      'interface_declaration',
      'enum_declaration',
      'record_declaration',
      'annotation_type_declaration',
    ],
    leading: ['line_comment', 'block_comment'],
  },
  {
    id: 'c',
    grammar: 'c',
    extensions: ['.c', '.h'],
    classes: ['struct_specifier', 'union_specifier', 'enum_specifier'],
    ...cLike,
  },
  {
    id: 'cpp',
    grammar: 'cpp',
    extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++', '.ipp'],
    classes: ['class_specifier', 'struct_specifier', 'union_specifier', 'enum_specifier'],
    ...cLike,
    containers: [...cLike.containers, 'namespace_definition'],
    wrappers: ['template_declaration'],
  },
  {
    id: 'csharp',
    grammar: 'c_sharp',
    extensions: ['.cs'],
    functions: [
      'method_declaration',
      'constructor_declaration',
      'destructor_declaration',
      'operator_declaration',
      'local_function_statement',
    ],
    classes: [
      'class_declaration',
      'struct_declaration',
      'interface_declaration',
      'record_declaration',
      'enum_declaration',
    ],
    containers: ['namespace_declaration', 'file_scoped_namespace_declaration'],
    leading: ['comment'],
  },
  {
    id: 'ruby',
    grammar: 'ruby',
    extensions: ['.rb', '.rake', '.gemspec'],
    functions: ['method', 'singleton_method'],
    classes: ['class', 'module', 'singleton_class'],
    leading: ['comment'],
  },
  {
    id: 'php',
    grammar: 'php',
    extensions: ['.php', '.phtml'],
    functions: ['function_definition', 'method_declaration'],
    classes: ['class_declaration', 'interface_declaration', 'trait_declaration', 'enum_declaration'],
    containers: ['namespace_definition'],
    leading: ['comment', 'attribute_list'],
  },
];

const byId = new Map(CODE_LANGUAGES.map((l) => [l.id, l]));

export function codeLanguage(id: string): CodeLanguage | undefined {
  return byId.get(id);
}
