import { hasBrand, TOOL_SOURCE_BRAND } from './brand';
import type { ContentBlock, ToolResult } from './content';
import type { ConfigOf, MaybePromise, PluginConfig, RequestContext, ToolContext } from './context';
import type { Logger } from './logger';
import type { ConfigSchema } from './plugin';
import type { Credentials, Principal } from './principal';
import type { ResourceRead, ResourceReturn } from './resource';
import type { ResolvedServices, ServiceRefMap } from './service';
import type { TaskSupport, ToolAnnotations } from './tool';

/** Who asks for tools, and which per-caller choices a source may act on. */
export interface ToolSourceRequest<S extends ServiceRefMap | undefined = undefined, C = PluginConfig> {
  /** The services this source declared in `services` (process services only: sources run outside a call). */
  readonly services: ResolvedServices<S>;
  /** The plugin's parsed config (or the source's `config` view of it), as tools get it. */
  readonly config: C;
  readonly principal: Principal;
  readonly credentials: Credentials;
  /** The caller's saved values of the fields this plugin adds to user settings (`userSettings`), defaults applied. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The request's query parameters (HTTP; empty over stdio); repeated ones joined with commas. */
  readonly query: Readonly<Record<string, string>>;
  readonly logger: Logger;
}

/**
 * A tool that exists only for some callers, discovered at request time (say, the
 * tools of a remote server the caller chose). Its JSON Schema is listed exactly as given: the kernel only checks that
 * the arguments are an object and leaves the rest to the tool's owner.
 */
export interface DynamicTool {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  /** A JSON Schema object, passed through to `tools/list` unchanged. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly outputSchema?: Readonly<Record<string, unknown>>;
  readonly annotations?: ToolAnnotations;
  /** Quota units one call costs (default 1). */
  readonly cost?: number;
  /** Per-call timeout in milliseconds (default: the kernel's `toolTimeoutMs`). */
  readonly timeoutMs?: number;
  /**
   * The descriptor's `_meta`, listed as given: say, an MCP App's
   * `{ ui: { resourceUri: 'ui://…' } }` (SEP-1865), naming one of `resources`.
   */
  readonly _meta?: Readonly<Record<string, unknown>>;
  /**
   * Resources that come with this tool (an MCP App's `ui://` page): listed and
   * readable by exactly the callers whose tool set has the tool. A URI another
   * resource of the caller already has is left out.
   */
  readonly resources?: readonly DynamicResource[];
  /**
   * Which of the caller's choices the tool comes from (say, the id of the remote
   * server it proxies): settings pages group a caller's tools by it.
   */
  readonly origin?: string;
  /**
   * Set on a tool that stands in for a choice that cannot be used now: why, in words
   * for the user. Settings pages show it in place of the choice's tools.
   */
  readonly unavailable?: string;
  /** Whether calls may run as tasks (default `never`; see `TaskSupport`). */
  readonly task?: TaskSupport;
  handler(
    args: Record<string, unknown>,
    ctx: ToolContext,
  ): MaybePromise<string | ContentBlock[] | ToolResult>;
}

/** A resource that comes with a dynamic tool; `read` runs as a resource read of the tool's plugin. */
export interface DynamicResource {
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly _meta?: Readonly<Record<string, unknown>>;
  read(request: ResourceRead, ctx: RequestContext): MaybePromise<ResourceReturn>;
}

export interface ToolSourceDefinition<
  S extends ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = undefined,
> {
  /** Services the source uses; each must be required or provided by the plugin. */
  services?: S;
  /** The part of the plugin's config the source reads (`request.config`), as for tools. */
  config?: C;
  /**
   * True if its tools may carry `resources`. Informational: the server advertises
   * the resources capability always (any tool result may link an image for
   * `resources/read`, see docs/protocol.md#results-that-fit).
   */
  resources?: boolean;
  /**
   * The tools this caller gets on top of the static ones. Called for every request,
   * so answer from a cache; return the same DynamicTool objects for the same tools
   * and the kernel reuses what it built for them (descriptors, the merged list).
   */
  tools(request: ToolSourceRequest<S, ConfigOf<C>>): MaybePromise<readonly DynamicTool[]>;
}

export type ToolSource<
  S extends ServiceRefMap | undefined = ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = ConfigSchema | undefined,
> = Readonly<ToolSourceDefinition<S, C>> & { readonly [TOOL_SOURCE_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: the kernel handles sources of every service shape.
export type AnyToolSource = ToolSource<any, any>;

/** Declare a per-caller tool source (`definePlugin({ toolSource })`). */
export function defineToolSource<
  S extends ServiceRefMap | undefined = undefined,
  C extends ConfigSchema | undefined = undefined,
>(definition: ToolSourceDefinition<S, C>): ToolSource<S, C> {
  return Object.freeze({ ...definition, [TOOL_SOURCE_BRAND]: true as const });
}

export const isToolSource = (value: unknown): value is AnyToolSource => hasBrand(value, TOOL_SOURCE_BRAND);
