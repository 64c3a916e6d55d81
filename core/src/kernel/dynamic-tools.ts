import { createHash } from 'node:crypto';
import type { PluginConfig } from '../api/context';
import type { Logger } from '../api/logger';
import type { Credentials, Principal } from '../api/principal';
import type { AnyToolSource, DynamicResource, DynamicTool } from '../api/tool-source';
import type { CompiledResource, CompiledTool, ToolCompiler } from './catalog';
import type { ServiceBinding } from './container';
import type { LoadedPlugin } from './host';
import { ToolSet, type ToolSetCache } from './toolset';

/** What a caller brings that tool sources may act on. */
export interface DynamicToolRequest {
  readonly principal: Principal;
  readonly credentials: Credentials;
  /** The caller's saved settings (each source gets its plugin's fields of them). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The request's query parameters. */
  readonly query?: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** May this caller use tools of this plugin (their policy bound)? */
  readonly allows: (pluginId: string) => boolean;
  /** Tool names the caller switched off (settings) or narrowed to (`?tools=`). */
  readonly disabledTools?: readonly string[];
  readonly onlyTools?: readonly string[];
}

const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});
const NO_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The plugin's own fields of the caller's settings, parsed by its schema (defaults for what is unset). */
function pluginSettings(
  plugin: LoadedPlugin,
  settings: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> {
  const schema = plugin.plugin.userSettings;
  if (!schema) return NO_SETTINGS;
  const own = Object.fromEntries(
    Object.keys(schema.shape).flatMap((key) => (settings && key in settings ? [[key, settings[key]]] : [])),
  );
  const parsed = schema.safeParse(own);
  // Saved under an older schema and no longer valid: the defaults, rather than no tools at all.
  return parsed.success
    ? (parsed.data as Record<string, unknown>)
    : (schema.safeParse({}).data ?? NO_SETTINGS);
}

interface Source {
  readonly plugin: LoadedPlugin;
  readonly source: AnyToolSource;
  /** Process services only (checked at load): resolved once, on first use. */
  readonly services: ServiceBinding;
  readonly config: PluginConfig;
}

/** Sources run outside any call; load refuses request-scoped services for them, so no scope is ever asked for. */
const NO_REQUEST = (): never => {
  throw new Error('a tool source cannot resolve request-scoped services');
};

interface Compiled {
  readonly id: number;
  readonly tool: CompiledTool;
  /** The resources that came with it (an MCP App's UI), compiled with it. */
  readonly resources: readonly CompiledResource[];
}

/**
 * The kernel seam for per-caller tools: plugins with a `toolSource` add tools to a
 * caller's static ToolSet at request time. Each DynamicTool object is compiled
 * once (kept while the source keeps it), and each distinct combination of static
 * ToolSet and dynamic tools is merged once (in the kernel's one ToolSet cache), so a steady caller costs one source
 * call (a cache lookup in the source) and one map lookup.
 */
export class DynamicToolSets {
  private readonly sources: readonly Source[];
  private readonly compiled = new WeakMap<DynamicTool, Compiled>();
  private readonly parsedSettings = new WeakMap<object, Map<string, Readonly<Record<string, unknown>>>>();
  private nextId = 0;

  constructor(
    plugins: readonly LoadedPlugin[],
    private readonly compiler: ToolCompiler,
    private readonly logger: Logger,
    /** Where merged ToolSets are kept: the kernel's one ToolSet cache. */
    private readonly toolSets: ToolSetCache,
  ) {
    this.sources = plugins
      .filter((plugin) => plugin.plugin.toolSource !== undefined)
      .map((plugin) => {
        const source = plugin.plugin.toolSource!;
        return {
          plugin,
          source,
          services: compiler.options.container.bind(source.services),
          config: plugin.configFor(source),
        };
      });
  }

  /** The static ToolSet plus what the sources give this caller; the static one itself when they give nothing. */
  async extend(base: ToolSet, request: DynamicToolRequest): Promise<ToolSet> {
    const sources = this.sources.filter(({ plugin }) => request.allows(plugin.id));
    if (sources.length === 0) return base;
    const lists = await Promise.all(sources.map((source) => this.ask(source, request)));
    const disabled = new Set(request.disabledTools ?? []);
    const only = request.onlyTools ? new Set(request.onlyTools) : undefined;
    const added: Compiled[] = [];
    const names = new Set<string>();
    for (const [index, tools] of lists.entries()) {
      for (const tool of tools) {
        if (disabled.has(tool.name) || (only && !only.has(tool.name))) continue;
        if (base.tools.has(tool.name) || names.has(tool.name)) {
          request.logger.warn(
            { plugin: sources[index]!.plugin.id, tool: tool.name },
            'a dynamic tool has the name of another tool; it is left out',
          );
          continue;
        }
        names.add(tool.name);
        added.push(this.compile(tool, sources[index]!.plugin));
      }
    }
    if (added.length === 0) return base;
    const mergeKey = `${base.key}|${added.map((c) => c.id).join(',')}`;
    return this.toolSets.getOrBuild(`merged|${mergeKey}`, () => {
      const key = createHash('sha256').update(mergeKey).digest('base64url').slice(0, 22);
      return new ToolSet(
        key,
        [...base.tools.values(), ...added.map((c) => c.tool)],
        withResources(base.resources, added, request.logger),
        [...base.prompts.values()],
      );
    });
  }

  /**
   * Every tool the sources give this caller, by plugin, before their switched-off and
   * `?tools=` narrowing: what a settings page offers to switch on and off.
   */
  async offered(request: DynamicToolRequest): Promise<{ plugin: string; tool: DynamicTool }[]> {
    const sources = this.sources.filter(({ plugin }) => request.allows(plugin.id));
    const lists = await Promise.all(sources.map((source) => this.ask(source, request)));
    return lists.flatMap((tools, index) =>
      tools.map((tool) => ({ plugin: sources[index]!.plugin.id, tool })),
    );
  }

  private async ask(entry: Source, request: DynamicToolRequest): Promise<readonly DynamicTool[]> {
    const { plugin, source } = entry;
    try {
      return await source.tools({
        services: entry.services.resolve(NO_REQUEST) as never,
        config: entry.config,
        principal: request.principal,
        credentials: request.credentials,
        settings: this.settingsFor(plugin, request.settings),
        query: request.query ?? NO_QUERY,
        logger: plugin.logger,
      });
    } catch (error) {
      // A failing source costs the caller its tools, never the request.
      this.logger.error({ err: error, plugin: plugin.id }, 'tool source failed; its tools are left out');
      return [];
    }
  }

  /** `pluginSettings`, once per settings object (the settings service hands out the same one while cached). */
  private settingsFor(
    plugin: LoadedPlugin,
    settings: Readonly<Record<string, unknown>> | undefined,
  ): Readonly<Record<string, unknown>> {
    if (!plugin.plugin.userSettings) return NO_SETTINGS;
    const holder = settings ?? NO_SETTINGS;
    let perPlugin = this.parsedSettings.get(holder);
    if (!perPlugin) {
      perPlugin = new Map();
      this.parsedSettings.set(holder, perPlugin);
    }
    let parsed = perPlugin.get(plugin.id);
    if (!parsed) {
      parsed = pluginSettings(plugin, settings);
      perPlugin.set(plugin.id, parsed);
    }
    return parsed;
  }

  private compile(tool: DynamicTool, plugin: LoadedPlugin): Compiled {
    let compiled = this.compiled.get(tool);
    if (!compiled) {
      compiled = {
        id: this.nextId++,
        tool: this.compiler.dynamicTool(tool, plugin),
        resources: (tool.resources ?? []).map((resource: DynamicResource) =>
          this.compiler.dynamicResource(resource, plugin),
        ),
      };
      this.compiled.set(tool, compiled);
    }
    return compiled;
  }
}

/** The caller's resources plus those of their dynamic tools; a URI already taken keeps its first owner. */
function withResources(
  base: readonly CompiledResource[],
  added: readonly Compiled[],
  logger: Logger,
): readonly CompiledResource[] {
  if (!added.some((c) => c.resources.length > 0)) return base;
  const taken = new Set(base.map((r) => r.key));
  const resources = [...base];
  for (const { tool, resources: own } of added) {
    for (const resource of own) {
      if (taken.has(resource.key)) {
        // Two tools of one App share its page: the same URI twice is expected, not a clash.
        if (!resources.some((r) => r.key === resource.key && r.plugin === resource.plugin)) {
          logger.warn(
            { tool: tool.name, uri: resource.key },
            'a dynamic resource has the URI of another; it is left out',
          );
        }
        continue;
      }
      taken.add(resource.key);
      resources.push(resource);
    }
  }
  return resources;
}
