import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  ListRootsResult,
  LoggingLevel,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { Logger } from './logger';
import type { ConfigSchema } from './plugin';
import type { Credentials, Principal } from './principal';
import type { ResolvedServices, ServiceRefMap } from './service';

/** A plugin's parsed config, as code that declared no `config` schema sees it. */
export type PluginConfig = Readonly<Record<string, unknown>>;

/**
 * The type of `ctx.config` for a definition: the output of the `config` schema it
 * declared (its view of the plugin's config), or the whole config, loosely typed.
 */
export type ConfigOf<C extends ConfigSchema | undefined> = C extends ConfigSchema
  ? Readonly<z.output<C>>
  : PluginConfig;

/** What every handler (tool, resource, prompt) gets for one request. */
export interface RequestContext<S extends ServiceRefMap | undefined = undefined, C = PluginConfig> {
  /** The services this definition declared in `services`, resolved for this request. */
  readonly services: ResolvedServices<S>;
  /**
   * The config of the plugin this definition belongs to, as the manifest gave it and
   * the plugin's schema parsed it (defaults applied). With a `config` schema on the
   * definition, that schema's output (parsed once, at load).
   */
  readonly config: C;
  readonly principal: Principal;
  readonly credentials: Credentials;
  /** Aborted when the client cancels, disconnects, or the kernel's timeout fires. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  /** Child logger bound to plugin, handler and request id. */
  readonly logger: Logger;
  /**
   * The most tokens (about 4 characters each) the caller wants one tool result to
   * take: its `?max_result_tokens=`, or a manifest rule for its client, whichever is
   * smaller. Undefined when neither sets one (and outside tool calls). A tool or
   * middleware that fits results to a budget of its own fits them to the smaller of
   * the two.
   */
  readonly maxResultTokens?: number;
}

export interface ToolContext<S extends ServiceRefMap | undefined = undefined, C = PluginConfig>
  extends RequestContext<S, C> {
  /**
   * Report progress to the client. A no-op when the client asked for none
   * (no progress token), so handlers can call it unconditionally.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Send an MCP log message (`notifications/message`) to the client, filtered by the
   * level it set with `logging/setLevel`. A no-op where the answer cannot carry
   * notifications (a plain JSON response), so handlers can call it unconditionally.
   */
  log(level: LoggingLevel, data: unknown): Promise<void>;
  /**
   * Ask the user for input through the client (elicitation). Works on stateful
   * connections only (2025 sessions, HTTP+SSE, stdio); elsewhere it throws a
   * ToolError telling the caller so, which the kernel turns into an `isError` result.
   */
  elicit(params: ElicitRequestFormParams, options?: AskOptions): Promise<ElicitResult>;
  /** Ask the client's model for a completion (sampling); stateful connections only, as `elicit`. */
  sample(params: CreateMessageRequestParams, options?: AskOptions): Promise<CreateMessageResult>;
  /** Ask the client for its roots (`roots/list`); stateful connections only, as `elicit`. */
  listRoots(options?: AskOptions): Promise<ListRootsResult>;
  /**
   * What the client declared it supports: a 2026-07-28 request's own envelope, or a
   * 2025 session's `initialize`. Undefined when the transport does not know
   * (stateless 2025 requests). Ask only for what it declares.
   */
  readonly clientCapabilities?: ClientCapabilities;
}

/**
 * What a prompt handler gets: a request context, and on 2026-07-28 requests (and
 * stateful connections) the client's input through `elicit`/`sample`/`listRoots`,
 * as tools have it.
 */
export interface PromptContext<S extends ServiceRefMap | undefined = undefined, C = PluginConfig>
  extends RequestContext<S, C>,
    Pick<ToolContext<S, C>, 'elicit' | 'sample' | 'listRoots' | 'clientCapabilities'> {}

export interface AskOptions {
  /**
   * The name of this question in a 2026-07-28 input-required round trip
   * (`inputRequests` / `inputResponses` key). Default: `elicit-N` / `sample-N`,
   * numbered in the order the handler asks.
   */
  key?: string;
}

export type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  ListRootsResult,
  LoggingLevel,
};

export type MaybePromise<T> = T | Promise<T>;
