import type {
  Prompt as McpPrompt,
  Resource as McpResource,
  ResourceTemplateType as McpResourceTemplate,
  Tool as McpTool,
} from '@modelcontextprotocol/server';
import { UriTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { PluginConfig } from '../api/context';
import type { AnyPrompt } from '../api/prompt';
import type { AnyResource } from '../api/resource';
import type { AnyTool, TaskSupport, ToolAnnotations } from '../api/tool';
import type { DynamicResource, DynamicTool } from '../api/tool-source';
import { type ChainStep, MiddlewareChains } from './chain';
import type { ServiceBinding, ServiceContainer } from './container';
import type { LoadedPlugin } from './host';
import { type ParamHeader, paramHeadersOf } from './mcp/param-headers';

/** A tool ready to serve: its MCP descriptor was built once, at load time. */
export interface CompiledTool {
  readonly name: string;
  readonly plugin: LoadedPlugin;
  readonly def: AnyTool;
  /** The `tools/list` entry, JSON Schemas included. Never rebuilt per request. */
  readonly descriptor: McpTool;
  readonly cost: number;
  readonly timeoutMs: number;
  /** Whether calls may run as tasks (2026-07-28 tasks extension). */
  readonly task: TaskSupport;
  /** Arguments mirrored into `Mcp-Param-*` headers (`x-mcp-header`), checked on 2026-07-28 calls. */
  readonly paramHeaders: readonly ParamHeader[];
  /** Rough size of the descriptor in model tokens (JSON length / 4): what listing it costs a context window. */
  readonly tokens: number;
  /** The handler's services, bound once. */
  readonly services: ServiceBinding;
  /** `ctx.config`: the plugin's config, or the tool's view of it. */
  readonly config: PluginConfig;
  /** Middleware → timeout → handler → result mapping, composed once (see `chain.ts`). */
  readonly chain: ChainStep;
}

/** What resources and prompts share: how their handlers get services and config. */
interface CompiledHandler {
  readonly plugin: LoadedPlugin;
  readonly services: ServiceBinding;
  readonly config: PluginConfig;
}

export interface CompiledResource extends CompiledHandler {
  readonly key: string;
  readonly def: AnyResource;
  readonly template?: UriTemplate;
  readonly descriptor: McpResource | McpResourceTemplate;
}

export interface CompiledPrompt extends CompiledHandler {
  readonly name: string;
  readonly def: AnyPrompt;
  readonly descriptor: McpPrompt;
}

export interface CatalogOptions {
  /** Timeout for tools that do not set their own (default 30 s). */
  toolTimeoutMs?: number;
  /** Where the plugins' services are registered (the plugin host's). */
  container: ServiceContainer;
}

/** Compiles tools, static and dynamic, with their services, config and chain. */
export class ToolCompiler {
  readonly chains: MiddlewareChains;

  constructor(
    plugins: readonly LoadedPlugin[],
    readonly options: CatalogOptions,
  ) {
    this.chains = new MiddlewareChains(plugins, options.container);
  }

  tool(def: AnyTool, plugin: LoadedPlugin): CompiledTool {
    return compileTool(def, plugin, this);
  }

  dynamicTool(tool: DynamicTool, plugin: LoadedPlugin): CompiledTool {
    return compileDynamicTool(tool, plugin, this);
  }

  dynamicResource(resource: DynamicResource, plugin: LoadedPlugin): CompiledResource {
    return compileDynamicResource(resource, plugin, this);
  }

  handler(plugin: LoadedPlugin, def: AnyResource | AnyPrompt): CompiledHandler {
    return { plugin, services: this.options.container.bind(def.services), config: plugin.configFor(def) };
  }
}

/** JSON Schema (2020-12, the MCP default dialect) of a zod object; `$schema` is left out to save tokens. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Record<
    string,
    unknown
  >;
  return { type: 'object', ...json };
}

function mcpAnnotations(title: string | undefined, a: ToolAnnotations | undefined): McpTool['annotations'] {
  if (!a && !title) return undefined;
  const hints: NonNullable<McpTool['annotations']> = {};
  if (title !== undefined) hints.title = title;
  if (a?.readOnly !== undefined) hints.readOnlyHint = a.readOnly;
  if (a?.destructive !== undefined) hints.destructiveHint = a.destructive;
  if (a?.idempotent !== undefined) hints.idempotentHint = a.idempotent;
  if (a?.openWorld !== undefined) hints.openWorldHint = a.openWorld;
  return hints;
}

function compileTool(def: AnyTool, plugin: LoadedPlugin, compiler: ToolCompiler): CompiledTool {
  const descriptor: McpTool = {
    name: def.name,
    ...(def.title !== undefined && { title: def.title }),
    description: def.description,
    inputSchema: toJsonSchema(def.input, 'input') as McpTool['inputSchema'],
    ...(def.output !== undefined && {
      outputSchema: toJsonSchema(def.output, 'output') as McpTool['outputSchema'],
    }),
    ...(def.icons !== undefined && def.icons.length > 0 && { icons: def.icons }),
  };
  return frozenTool(def, plugin, descriptor, def, compiler, {
    services: compiler.options.container.bind(def.services),
    config: plugin.configFor(def),
  });
}

/**
 * A tool's `x-mcp-header` declarations. A plugin's own tool with a bad one fails the
 * load (a bug to fix); a dynamic tool's (an upstream's schema) are dropped instead.
 */
function declaredHeaders(descriptor: McpTool, strict: boolean): readonly ParamHeader[] {
  try {
    return paramHeadersOf(descriptor.name, descriptor.inputSchema as Record<string, unknown>);
  } catch (error) {
    if (strict) throw error;
    return [];
  }
}

/** The compiled tool, annotations added to its descriptor and its size in tokens measured once. */
function frozenTool(
  def: AnyTool,
  plugin: LoadedPlugin,
  descriptor: McpTool,
  declared: Pick<AnyTool, 'title' | 'annotations' | 'cost' | 'timeoutMs' | 'task'>,
  compiler: ToolCompiler,
  bound: Pick<CompiledTool, 'services' | 'config'>,
): CompiledTool {
  const annotations = mcpAnnotations(declared.title, declared.annotations);
  if (annotations) descriptor.annotations = annotations;
  return Object.freeze({
    name: descriptor.name,
    plugin,
    def,
    descriptor,
    cost: declared.cost ?? 1,
    timeoutMs: declared.timeoutMs ?? compiler.options.toolTimeoutMs ?? 30_000,
    task: declared.task ?? 'never',
    paramHeaders: declaredHeaders(descriptor, def === declared),
    tokens: Math.ceil(JSON.stringify(descriptor).length / 4),
    ...bound,
    chain: compiler.chains.compose({ name: descriptor.name, pluginId: plugin.id }),
  });
}

/** Arguments of a dynamic tool: any object; its owner (an upstream server) validates against its own schema. */
const ANY_ARGUMENTS = z.looseObject({});

/**
 * A dynamic tool ready to serve. Its JSON Schema is used as given — no round trip
 * through zod, which would lose keywords zod cannot express — and the call gate
 * only checks that the arguments are an object.
 */
export function compileDynamicTool(
  tool: DynamicTool,
  plugin: LoadedPlugin,
  compiler: ToolCompiler,
): CompiledTool {
  const descriptor: McpTool = {
    name: tool.name,
    ...(tool.title !== undefined && { title: tool.title }),
    description: tool.description,
    inputSchema: tool.inputSchema as McpTool['inputSchema'],
    ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema as McpTool['outputSchema'] }),
    ...(tool._meta !== undefined && { _meta: tool._meta as Record<string, unknown> }),
  };
  const def = {
    name: tool.name,
    description: tool.description,
    input: ANY_ARGUMENTS,
    handler: (args: Record<string, unknown>, ctx: Parameters<DynamicTool['handler']>[1]) =>
      tool.handler(args, ctx),
  } as unknown as AnyTool;
  // A dynamic tool has no services of its own, and sees its source's view of the config.
  return frozenTool(def, plugin, descriptor, tool, compiler, {
    services: compiler.options.container.bind(undefined),
    config: plugin.plugin.toolSource ? plugin.configFor(plugin.plugin.toolSource) : plugin.config,
  });
}

/**
 * A resource that came with a dynamic tool: served like a static one of the
 * tool's plugin, with no services of its own and its source's view of the config.
 */
function compileDynamicResource(
  resource: DynamicResource,
  plugin: LoadedPlugin,
  compiler: ToolCompiler,
): CompiledResource {
  const def = {
    uri: resource.uri,
    name: resource.name,
    ...(resource.mimeType !== undefined && { mimeType: resource.mimeType }),
    read: (request: Parameters<DynamicResource['read']>[0], ctx: Parameters<DynamicResource['read']>[1]) =>
      resource.read(request, ctx),
  } as unknown as AnyResource;
  const compiled = compileResource(def, {
    plugin,
    services: compiler.options.container.bind(undefined),
    config: plugin.plugin.toolSource ? plugin.configFor(plugin.plugin.toolSource) : plugin.config,
  });
  const descriptor = {
    ...compiled.descriptor,
    ...(resource.title !== undefined && { title: resource.title }),
    ...(resource.description !== undefined && { description: resource.description }),
    ...(resource._meta !== undefined && { _meta: resource._meta as Record<string, unknown> }),
  };
  return { ...compiled, descriptor };
}

function compileResource(def: AnyResource, handler: CompiledHandler): CompiledResource {
  const common = {
    name: def.name,
    ...(def.title !== undefined && { title: def.title }),
    ...(def.description !== undefined && { description: def.description }),
    ...(def.mimeType !== undefined && { mimeType: def.mimeType }),
  };
  if (def.uriTemplate) {
    return {
      ...handler,
      key: def.uriTemplate,
      def,
      template: new UriTemplate(def.uriTemplate),
      descriptor: { uriTemplate: def.uriTemplate, ...common },
    };
  }
  return { ...handler, key: def.uri!, def, descriptor: { uri: def.uri!, ...common } };
}

function compilePrompt(def: AnyPrompt, handler: CompiledHandler): CompiledPrompt {
  const shape = (def.args?.shape ?? {}) as Record<string, z.ZodType>;
  const args = Object.entries(shape).map(([name, schema]) => ({
    name,
    ...(schema.description !== undefined && { description: schema.description }),
    required: !schema.safeParse(undefined).success,
  }));
  return {
    ...handler,
    name: def.name,
    def,
    descriptor: {
      name: def.name,
      ...(def.title !== undefined && { title: def.title }),
      ...(def.description !== undefined && { description: def.description }),
      ...(args.length > 0 && { arguments: args }),
    },
  };
}

/**
 * Everything the loaded plugins offer, compiled once: descriptors, JSON Schemas and
 * token estimates are computed here, before any request, and shared by every
 * ToolSet and both protocol paths.
 */
export class Catalog {
  readonly tools = new Map<string, CompiledTool>();
  readonly resources = new Map<string, CompiledResource>();
  readonly prompts = new Map<string, CompiledPrompt>();
  /** How this catalog's tools were compiled; dynamic tools are compiled the same way. */
  readonly compiler: ToolCompiler;

  constructor(plugins: readonly LoadedPlugin[], options: CatalogOptions) {
    this.compiler = new ToolCompiler(plugins, options);
    for (const plugin of plugins) {
      for (const tool of plugin.plugin.tools ?? [])
        this.tools.set(tool.name, this.compiler.tool(tool, plugin));
      for (const resource of plugin.plugin.resources ?? []) {
        const compiled = compileResource(resource, this.compiler.handler(plugin, resource));
        this.resources.set(compiled.key, compiled);
      }
      for (const prompt of plugin.plugin.prompts ?? [])
        this.prompts.set(prompt.name, compilePrompt(prompt, this.compiler.handler(plugin, prompt)));
    }
  }

  /** The plugin ids that have anything to offer, in load order. */
  pluginIds(): string[] {
    const ids = new Set<string>();
    for (const item of [...this.tools.values(), ...this.resources.values(), ...this.prompts.values()]) {
      ids.add(item.plugin.id);
    }
    return [...ids];
  }
}
