// The chat tool `loupe_search`: a language model (Copilot Chat, or any chat participant) asks
// the workspace index, and gets the hits back as text. Declared in package.json
// (contributes.languageModelTools); registered only where the host has the LM API.

import * as vscode from 'vscode';
import { Method } from '../protocol/requests';
import type { Ctx } from './ctx';
import { hitsAsText } from './hitText';

export const SEARCH_TOOL_NAME = 'loupe_search';
const DEFAULT_LIMIT = 8;
const MAX_LIMIT = 30;

export interface SearchToolInput {
  query: string;
  /** Milvus filter expression, e.g. `language == "python"`. */
  filter?: string;
  limit?: number;
}

class SearchTool implements vscode.LanguageModelTool<SearchToolInput> {
  constructor(private readonly ctx: Ctx) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchToolInput>): vscode.PreparedToolInvocation {
    return { invocationMessage: `Searching the workspace index for "${options.input.query}"` };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<SearchToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const { query, filter, limit } = options.input;
    if (typeof query !== 'string' || query.trim() === '') {
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart('loupe_search needs a non-empty "query".')]);
    }
    const n = typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT;
    const params = { query, mode: 'hybrid' as const, limit: n, ...(typeof filter === 'string' && filter.trim() ? { filter } : {}) };
    let text: string;
    try {
      text = hitsAsText(query, await this.ctx.client.requestCancellable(Method.search, params, token));
    } catch (e) {
      text = `Loupe search failed: ${(e as Error).message}`;
    }
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }
}

/** Registers the tool where the host supports it; older hosts (and code-server builds without the LM API) get nothing. */
export function registerSearchTool(ctx: Ctx): vscode.Disposable[] {
  // The `lm` namespace is missing on older hosts even though the typings declare it.
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  if (!lm?.registerTool) return [];
  return [lm.registerTool(SEARCH_TOOL_NAME, new SearchTool(ctx))];
}
