import { hasBrand, MIDDLEWARE_BRAND } from './brand';
import type { CallToolResult } from './content';
import type { ConfigOf, MaybePromise, PluginConfig, RequestContext } from './context';
import type { ConfigSchema } from './plugin';
import type { ServiceRefMap } from './service';

/** A tool as a middleware's `tools` filter sees it, at load. */
export interface MiddlewareTarget {
  /** The tool's name. */
  readonly name: string;
  /** The id of the plugin the tool belongs to. */
  readonly pluginId: string;
}

/**
 * What a middleware gets for one call: the request context every handler gets, with the
 * middleware's own services (request-scoped ones are the instances the handler gets) and
 * its plugin's config. Its signal aborts when the client cancels or goes away; the tool's
 * timeout covers the handler only. Its logger is bound to the middleware's plugin, its
 * name, the tool and the request id.
 */
export type MiddlewareContext<
  S extends ServiceRefMap | undefined = undefined,
  C = PluginConfig,
> = RequestContext<S, C>;

/** One tool call, as a middleware sees it. */
export interface ToolCall<S extends ServiceRefMap | undefined = undefined, C = PluginConfig> {
  /** The tool's name. */
  readonly tool: string;
  /** The id of the plugin the tool belongs to. */
  readonly plugin: string;
  /** The arguments, already validated against the tool's input schema. Read-only. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly ctx: MiddlewareContext<S, C>;
}

/**
 * Runs the rest of the chain (the next middleware, or the handler under its
 * timeout) and resolves to its mapped MCP result — an `isError` result when the
 * handler failed, never a rejection. It rejects only with the kernel's own control
 * signals (a 2026 input-required round trip): let those propagate.
 */
export type NextMiddleware = () => Promise<CallToolResult>;

export interface MiddlewareDefinition<
  S extends ServiceRefMap | undefined = undefined,
  C extends ConfigSchema | undefined = undefined,
> {
  /** Names the middleware in logs; unique within its plugin. */
  name: string;
  /**
   * Position in the chain (default 0). Lower runs first, outermost: its code before
   * `next()` runs before that of higher ones, its code after `next()` runs last.
   * Equal orders keep manifest order of the plugins, then declaration order.
   */
  order?: number;
  /**
   * Which tools it wraps: `plugin` (default) the tools of the plugin that contributes
   * it; `server` every tool of every plugin (dynamic tools included).
   */
  scope?: 'plugin' | 'server';
  /** Narrows the scope further; asked once per tool at load, never per call. */
  tools?: (tool: MiddlewareTarget) => boolean;
  /** Services the middleware uses; each must be required or provided by its plugin. */
  services?: S;
  /** The part of its plugin's config the middleware reads (`ctx.config`), as for tools. */
  config?: C;
  /**
   * Wrap one call: act before `next()`, after it (transform the result), or not call
   * it at all (short-circuit with a result of your own). A thrown `ToolError` becomes
   * an `isError` result with its message; any other error a generic internal error.
   */
  handle(call: ToolCall<S, ConfigOf<C>>, next: NextMiddleware): MaybePromise<CallToolResult>;
}

export type Middleware<
  S extends ServiceRefMap | undefined = ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = ConfigSchema | undefined,
> = Readonly<MiddlewareDefinition<S, C>> & { readonly [MIDDLEWARE_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: the kernel handles middleware of every service and config shape.
export type AnyMiddleware = Middleware<any, any>;

const MIDDLEWARE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Declare tool-call middleware (`definePlugin({ middleware: [...] })`). */
export function defineMiddleware<
  S extends ServiceRefMap | undefined = undefined,
  C extends ConfigSchema | undefined = undefined,
>(definition: MiddlewareDefinition<S, C>): Middleware<S, C> {
  if (!MIDDLEWARE_NAME.test(definition.name)) {
    throw new TypeError(
      `defineMiddleware: invalid name ${JSON.stringify(definition.name)} (1–64 of A-Z a-z 0-9 _ . -)`,
    );
  }
  if (definition.order !== undefined && !Number.isFinite(definition.order)) {
    throw new TypeError(`defineMiddleware(${definition.name}): order must be a finite number`);
  }
  if (definition.scope !== undefined && definition.scope !== 'plugin' && definition.scope !== 'server') {
    throw new TypeError(`defineMiddleware(${definition.name}): scope must be 'plugin' or 'server'`);
  }
  return Object.freeze({ ...definition, [MIDDLEWARE_BRAND]: true as const });
}

export const isMiddleware = (value: unknown): value is AnyMiddleware => hasBrand(value, MIDDLEWARE_BRAND);
