// Which language a file is, from its extension, its name, or a shebang line. Ids are VS Code's
// language ids so the extension can show and filter by them.

import * as path from 'node:path';
import { CODE_LANGUAGES } from './languages';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.bmp',
  '.svg',
]);

const TEXT_LANGUAGES: Record<string, string> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.rst': 'restructuredtext',
  '.txt': 'plaintext',
  '.json': 'json',
  '.jsonc': 'jsonc',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.ini': 'ini',
  '.xml': 'xml',
  '.html': 'html',
  '.htm': 'html',
  '.vue': 'vue',
  '.svelte': 'svelte',
  '.css': 'css',
  '.scss': 'scss',
  '.less': 'less',
  '.sh': 'shellscript',
  '.bash': 'shellscript',
  '.zsh': 'shellscript',
  '.ps1': 'powershell',
  '.sql': 'sql',
  '.kt': 'kotlin',
  '.kts': 'kotlin',
  '.swift': 'swift',
  '.scala': 'scala',
  '.lua': 'lua',
  '.dart': 'dart',
  '.ex': 'elixir',
  '.exs': 'elixir',
  '.r': 'r',
  '.pl': 'perl',
  '.proto': 'proto',
  '.graphql': 'graphql',
  '.tex': 'latex',
  '.csv': 'csv',
};

const FILE_NAMES: Record<string, string> = {
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  gemfile: 'ruby',
  rakefile: 'ruby',
  'cmakelists.txt': 'cmake',
};

const SHEBANGS: Array<[RegExp, string]> = [
  [/\b(node|nodejs|bun)\b/, 'javascript'],
  [/\b(deno|ts-node|tsx)\b/, 'typescript'],
  [/\bpython[0-9.]*\b/, 'python'],
  [/\bruby\b/, 'ruby'],
  [/\bphp\b/, 'php'],
  [/\b(ba|z|k|da)?sh\b/, 'shellscript'],
  [/\bperl\b/, 'perl'],
];

const byExtension = new Map<string, string>(Object.entries(TEXT_LANGUAGES));
for (const lang of CODE_LANGUAGES) for (const ext of lang.extensions) byExtension.set(ext, lang.id);

export function isImagePath(relPath: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(relPath).toLowerCase());
}

/** The language of a file; `firstLine` is consulted only when the name says nothing. */
export function detectLanguage(relPath: string, firstLine?: string): string {
  const base = path.basename(relPath).toLowerCase();
  const ext = path.extname(base);
  if (IMAGE_EXTENSIONS.has(ext)) return 'image';
  const known = FILE_NAMES[base] ?? byExtension.get(ext);
  if (known) return known;
  if (firstLine?.startsWith('#!')) {
    for (const [pattern, language] of SHEBANGS) if (pattern.test(firstLine)) return language;
  }
  return 'plaintext';
}
