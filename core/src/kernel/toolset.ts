import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';
import type { Catalog, CompiledPrompt, CompiledResource, CompiledTool } from './catalog';
import type { CallInfo } from './gate';

/**
 * A selection served in discovery mode (see `discovery/`): `tools/list` gives only
 * `listed` (search_tools, call_tool and the tools that fit the caller's budget), while
 * every tool of `base` stays callable, directly or through call_tool.
 */
export interface DiscoveryView {
  /** The caller's whole selection. */
  readonly base: ToolSet;
  /** The `tools/list` entries. */
  readonly listed: readonly CompiledTool['descriptor'][];
  /** search_tools: search `base`; what it finds may join the caller's listed tools. */
  search(args: unknown, info: CallInfo): Promise<CallToolResult>;
}

/**
 * What one caller may see and call: a subset of the catalog's tools, with the
 * resources and prompts of the plugins those tools come from. Built once per
 * distinct selection and cached by its key; `tools/list` answers are computed
 * lazily, once, and reused by every request with the same selection.
 */
export class ToolSet {
  readonly tools: ReadonlyMap<string, CompiledTool>;
  readonly resources: readonly CompiledResource[];
  readonly prompts: ReadonlyMap<string, CompiledPrompt>;
  private listResultCache?: { tools: CompiledTool['descriptor'][] };

  constructor(
    /** Hash of the selected tool names and plugin ids: equal selections share one ToolSet. */
    readonly key: string,
    tools: readonly CompiledTool[],
    resources: readonly CompiledResource[],
    prompts: readonly CompiledPrompt[],
    /** Present when this ToolSet lists part of a selection and offers search_tools and call_tool. */
    readonly discovery?: DiscoveryView,
  ) {
    this.tools = new Map(tools.map((tool) => [tool.name, tool]));
    this.resources = resources;
    this.prompts = new Map(prompts.map((prompt) => [prompt.name, prompt]));
  }

  /** The `tools/list` result, built on first use. Callers must not mutate it. */
  listResult(): { tools: CompiledTool['descriptor'][] } {
    this.listResultCache ??= {
      tools: this.discovery
        ? [...this.discovery.listed]
        : [...this.tools.values()].map((tool) => tool.descriptor),
    };
    return this.listResultCache;
  }

  /** Memo for artifacts derived from this selection by other modules (pre-serialized answers). */
  readonly memo = new Map<string, unknown>();

  /** Estimated tokens the tool list costs a client's context window. */
  get tokens(): number {
    let total = 0;
    for (const tool of this.tools.values()) total += tool.tokens;
    return total;
  }
}

/** A selection request: which plugins (all when undefined) and, optionally, which tools of them. */
export interface Selection {
  plugins?: readonly string[];
  tools?: readonly string[];
}

/**
 * The one ToolSet cache (bounded, least recently used out first): every ToolSet a
 * request can end with — a static selection, a caller's resolved selection, a
 * selection merged with per-caller tools — is found here by a string key, so the
 * steady-state cost per request is a key and a lookup, and memory is bounded once.
 */
export class ToolSetCache {
  private readonly cache: LRUCache<string, ToolSet>;

  constructor(
    private readonly catalog: Catalog,
    maxEntries = 10_000,
  ) {
    this.cache = new LRUCache({ max: maxEntries });
  }

  private everything?: ToolSet;

  /** Everything in the catalog. */
  all(): ToolSet {
    this.everything ??= this.get({});
    return this.everything;
  }

  /** The ToolSet of a plugin/tool selection. */
  get(selection: Selection): ToolSet {
    const key = `set|${selection.plugins ? [...selection.plugins].sort().join(',') : '*'}|${selection.tools ? [...selection.tools].sort().join(',') : '*'}`;
    return this.getOrBuild(key, () => this.build(selection));
  }

  /** The ToolSet cached under `key` (namespaced by its user), built on a miss. */
  getOrBuild(key: string, build: () => ToolSet): ToolSet {
    let toolSet = this.cache.get(key);
    if (!toolSet) {
      toolSet = build();
      this.cache.set(key, toolSet);
    }
    return toolSet;
  }

  private build(selection: Selection): ToolSet {
    const plugins = selection.plugins ? new Set(selection.plugins) : undefined;
    const names = selection.tools ? new Set(selection.tools) : undefined;
    const included = (pluginId: string) => !plugins || plugins.has(pluginId);
    const tools = [...this.catalog.tools.values()].filter(
      (t) => included(t.plugin.id) && (!names || names.has(t.name)),
    );
    const resources = [...this.catalog.resources.values()].filter((r) => included(r.plugin.id));
    const prompts = [...this.catalog.prompts.values()].filter((p) => included(p.plugin.id));
    const key = createHash('sha256')
      .update(
        JSON.stringify([tools.map((t) => t.name), resources.map((r) => r.key), prompts.map((p) => p.name)]),
      )
      .digest('base64url')
      .slice(0, 22);
    return new ToolSet(key, tools, resources, prompts);
  }
}
