import type { z } from 'zod';
import { PLUGIN_BRAND } from './brand';
import type { MaybePromise } from './context';
import type { AnyIdentityProvider } from './identity';
import type { Logger } from './logger';
import type { AnyMiddleware } from './middleware';
import type { AnyPrompt } from './prompt';
import type { AnyResource } from './resource';
import type { ProvidedServices, ServiceRefMap, SetupServices } from './service';
import type { AnyTool } from './tool';
import type { AnyToolSource } from './tool-source';
import type { UpstreamReporter, UpstreamStarter } from './upstream';

/** Plugin ids: lower-case, digits and dashes, as in `plugins/<id>/` and `@toolhost/plugin-<id>`. */
export const PLUGIN_ID = /^[a-z][a-z0-9-]{0,63}$/;

export type ConfigSchema = z.ZodType<Record<string, unknown>>;

/** The lists a client is told have changed (`notifications/<list>/list_changed`). */
export type ListName = 'tools' | 'prompts' | 'resources';

export interface SetupContext<C, R extends ServiceRefMap | undefined> {
  /** The manifest's `config` for this plugin, parsed by the plugin's schema (defaults applied). */
  readonly config: C;
  /** The process services listed in `requires`, provided by plugins set up earlier. */
  readonly services: SetupServices<R>;
  readonly logger: Logger;
  /** The process environment as the kernel saw it (tests inject their own). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when setup overruns its timeout; pass it to any I/O setup does. */
  readonly signal: AbortSignal;
  /** Register clean-up to run at shutdown (reverse plugin order). */
  onShutdown(hook: () => MaybePromise<void>): void;
  /**
   * Report each request made to an upstream service (latency, outcome) to the
   * server's metrics. Hand it to the clients setup builds; a no-op without metrics.
   */
  readonly reportUpstream: UpstreamReporter;
  /**
   * Report each request to an upstream service as it starts and ends: metrics as
   * `reportUpstream`, plus a trace span when the server traces, whose `headers`
   * (W3C `traceparent`) the request must carry. Prefer it to `reportUpstream`.
   */
  readonly startUpstream: UpstreamStarter;
  /**
   * Tell every connected client that some of this plugin's lists changed at run time
   * (what its tool source answers, say): `notifications/tools/list_changed` and the
   * like go to every 2025 session and every 2026-07-28 `subscriptions/listen` stream
   * that asked for them, on every instance sharing the event bus. Keep it for later:
   * it works as long as the server runs. Lists that did not change need no call.
   */
  listsChanged(...lists: ListName[]): Promise<void>;
}

export interface PluginDefinition<
  C extends ConfigSchema | undefined,
  R extends ServiceRefMap | undefined,
  P extends ServiceRefMap | undefined,
> {
  id: string;
  version: string;
  title?: string;
  description?: string;
  /** The @toolhost/core versions this plugin works with, as a semver range (e.g. `^0.1.0`). */
  kernel: string;
  /** Schema of the manifest entry's `config`. Without one, any config is refused. */
  config?: C;
  /** Services this plugin needs from others; they are set up first. */
  requires?: R;
  /**
   * Services this plugin offers; `setup` must return them: the instance of a process
   * service, the factory `(request) => instance` of a request-scoped one.
   */
  provides?: P;
  /** Runs once per process, before any request. The only place for start-up I/O. */
  setup?(
    ctx: SetupContext<C extends ConfigSchema ? z.output<C> : Record<string, never>, R>,
  ): MaybePromise<P extends ServiceRefMap ? ProvidedServices<P> : void>;
  /** How long setup may take (default: the kernel's `setupTimeoutMs`). */
  setupTimeoutMs?: number;
  tools?: readonly AnyTool[];
  resources?: readonly AnyResource[];
  prompts?: readonly AnyPrompt[];
  /** Tools that depend on the caller, asked for on every request. */
  toolSource?: AnyToolSource;
  /** Ways to recognise callers by bearer tokens the kernel does not know itself. */
  identityProviders?: readonly AnyIdentityProvider[];
  /**
   * Fields this plugin adds to every user's settings (`PUT /api/settings`), as a zod
   * object. The kernel composes the settings schema from its own fields and every
   * loaded plugin's; the plugin's tool source gets these fields of the caller's settings.
   */
  userSettings?: z.ZodObject;
  /**
   * A top-level manifest section that is this plugin's config (e.g. `acme:`), so
   * operators write it beside `server:` and `auth:` rather than under the plugin's entry.
   */
  manifestSection?: string;
  /** Wrappers around tool calls (`defineMiddleware`), composed once per tool at load. */
  middleware?: readonly AnyMiddleware[];
}

export type Plugin<
  C extends ConfigSchema | undefined = ConfigSchema | undefined,
  R extends ServiceRefMap | undefined = ServiceRefMap | undefined,
  P extends ServiceRefMap | undefined = ServiceRefMap | undefined,
> = Readonly<PluginDefinition<C, R, P>> & { readonly [PLUGIN_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: the kernel handles plugins of every config and service shape.
export type AnyPlugin = Plugin<any, any, any>;

/**
 * Declare a plugin. The result is frozen and branded; the kernel refuses anything
 * else. Validation that needs the whole manifest (unique ids, kernel range, config)
 * happens when the kernel loads it, with errors naming the manifest entry.
 */
export function definePlugin<
  C extends ConfigSchema | undefined = undefined,
  R extends ServiceRefMap | undefined = undefined,
  P extends ServiceRefMap | undefined = undefined,
>(definition: PluginDefinition<C, R, P>): Plugin<C, R, P> {
  if (!PLUGIN_ID.test(definition.id)) {
    throw new TypeError(
      `definePlugin: invalid plugin id ${JSON.stringify(definition.id)} (lower-case letters, digits, dashes)`,
    );
  }
  return Object.freeze({
    ...definition,
    tools: Object.freeze([...(definition.tools ?? [])]),
    resources: Object.freeze([...(definition.resources ?? [])]),
    prompts: Object.freeze([...(definition.prompts ?? [])]),
    identityProviders: Object.freeze([...(definition.identityProviders ?? [])]),
    middleware: Object.freeze([...(definition.middleware ?? [])]),
    [PLUGIN_BRAND]: true as const,
  });
}
