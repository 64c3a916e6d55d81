import type { CallToolResult } from '@modelcontextprotocol/server';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { type CompiledTool, toJsonSchema } from '../catalog';
import { errorResult, formatInputIssues } from '../chain';
import type { ToolSet } from '../toolset';

export const SEARCH_TOOLS = 'search_tools';

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 20;

const input = z.object({
  query: z.string().trim().min(1).max(500).describe('Words describing what the tool should do.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .optional()
    .describe(`How many tools to return (default ${DEFAULT_LIMIT}).`),
});

/** search_tools' `tools/list` entry. */
export const SEARCH_TOOLS_DESCRIPTOR = {
  name: SEARCH_TOOLS,
  title: 'Search tools',
  description:
    'Searches all tools of this server, listed or not, by words of their name, title or description. Returns their names, descriptions and input schemas; run one with call_tool.',
  inputSchema: toJsonSchema(input, 'input') as { type: 'object' },
};

/** What a search answers per tool: enough to call it. */
export interface FoundTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: object;
}

interface Document {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Tools declare no tags: their plugin's id and title stand for them. */
  readonly tags: string;
}

const INDEX_MEMO = 'discovery:search-index';

/** The full-text index of a selection's tools, built on its first search and kept with the ToolSet. */
function indexOf(toolSet: ToolSet): MiniSearch<Document> {
  let index = toolSet.memo.get(INDEX_MEMO) as MiniSearch<Document> | undefined;
  if (!index) {
    index = new MiniSearch<Document>({
      fields: ['name', 'title', 'description', 'tags'],
      // snake_case and camelCase names are searched by their words too.
      processTerm: (term) => term.toLowerCase(),
      tokenize: (text) => text.split(/[\s\p{P}\p{S}]+|(?<=[a-z])(?=[A-Z])/u).filter(Boolean),
      searchOptions: { boost: { name: 3, title: 2 }, prefix: true, fuzzy: 0.2 },
    });
    index.addAll([...toolSet.tools.values()].map(documentOf));
    toolSet.memo.set(INDEX_MEMO, index);
  }
  return index;
}

function documentOf(tool: CompiledTool): Document {
  const { plugin, descriptor } = tool;
  return {
    id: tool.name,
    name: tool.name,
    title: descriptor.title ?? descriptor.annotations?.title ?? '',
    description: descriptor.description ?? '',
    tags: [plugin.id, plugin.plugin.title ?? ''].join(' '),
  };
}

/**
 * Run search_tools over `toolSet` (the caller's whole selection): the tools found, best
 * first, or the tool result refusing bad arguments.
 */
export function searchTools(
  toolSet: ToolSet,
  args: unknown,
): { ok: true; found: FoundTool[]; result: CallToolResult } | { ok: false; result: CallToolResult } {
  const parsed = input.safeParse(args ?? {});
  if (!parsed.success)
    return {
      ok: false,
      result: errorResult(
        `Input validation error: Invalid arguments for tool ${SEARCH_TOOLS}: ${formatInputIssues(parsed.error.issues)}`,
      ),
    };
  const { query, limit = DEFAULT_LIMIT } = parsed.data;
  const found = indexOf(toolSet)
    .search(query)
    .slice(0, limit)
    .map(({ id }): FoundTool => {
      const { descriptor } = toolSet.tools.get(id as string)!;
      return {
        name: descriptor.name,
        ...(descriptor.title !== undefined && { title: descriptor.title }),
        ...(descriptor.description !== undefined && { description: descriptor.description }),
        inputSchema: descriptor.inputSchema,
      };
    });
  const text =
    found.length === 0
      ? `No tool matches '${query}'. Try other or fewer words.`
      : JSON.stringify({ tools: found });
  return {
    ok: true,
    found,
    result: { content: [{ type: 'text', text }], structuredContent: { tools: found } },
  };
}
