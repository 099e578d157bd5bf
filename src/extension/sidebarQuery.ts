// The sidebar form → a loupe/search request. The filter controls become the same shortcuts a
// user can type (lang:, kind:, path:, since:), which the server compiles; the raw expression goes
// as `filter`. No vscode import: unit-tested directly.

import type { QueryError, SearchParams } from '../protocol/requests';
import type { ErrorField, SidebarQuery } from './sidebarProtocol';

export const SIDEBAR_LIMIT = 50;

/** A shortcut value, quoted when it holds spaces or quotes (the shortcut parser reads "..."). */
function shortcutValue(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

/** The shortcuts the controls stand for, in the order the form shows them. */
export function controlShortcuts(q: Pick<SidebarQuery, 'language' | 'kind' | 'glob' | 'since'>): string[] {
  const words: string[] = [];
  if (q.language.trim()) words.push(`lang:${shortcutValue(q.language.trim())}`);
  if (q.kind.trim()) words.push(`kind:${shortcutValue(q.kind.trim())}`);
  if (q.glob.trim()) words.push(`path:${shortcutValue(q.glob.trim())}`);
  if (q.since.trim()) words.push(`since:${shortcutValue(q.since.trim())}`);
  return words;
}

export function toSearchParams(q: SidebarQuery): SearchParams {
  if (q.mode === 'image') throw new Error('image mode searches with loupe/searchImage, not loupe/search');
  // The typed query first, so shortcut error positions inside it stay what the user typed.
  const query = [q.query.trim(), ...controlShortcuts(q)].filter((w) => w !== '').join(' ');
  const expr = q.expr.trim();
  return { query, mode: q.mode, limit: SIDEBAR_LIMIT, ...(expr ? { filter: expr } : {}) };
}

/**
 * Where to show a server error: filter-expression errors ("filter: ...", positions into the
 * expression) under the expression field, everything else under the query box.
 */
export function errorField(error: QueryError, q: Pick<SidebarQuery, 'expr' | 'mode'>): ErrorField {
  if (q.mode === 'image') return 'image';
  if (q.expr.trim() !== '' && /^filter\b/i.test(error.message)) return 'expr';
  return 'query';
}
