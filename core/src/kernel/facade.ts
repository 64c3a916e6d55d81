import type { Transport as McpTransport } from '@modelcontextprotocol/server';
import type { StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { AnyPlugin } from '../api/plugin';
import type { Credentials, Principal } from '../api/principal';
import type { EventBus } from '../ports/event-bus';
import type { UserSettings } from '../ports/settings-store';
import type { TokenStore } from '../ports/token-store';
import type { QuotaState } from './identity/quota';
import type { SettingsCatalog } from './identity/settings-catalog';
import {
  type CallerRefusal,
  type CallerRequest,
  type CallerResolution,
  Kernel,
  type KernelOptions,
} from './kernel';
import type { PluginEntry } from './loader';
import type { McpCaller, ServerIdentity } from './mcp/caller';
import type { McpHttpRequest, McpHttpResponse } from './mcp/http-types';
import { SERVED_PROTOCOL_VERSIONS } from './mcp/protocol-versions';

/**
 * The kernel as the composition root (the server package) sees it: serve HTTP and
 * stdio, resolve callers, read and write user settings, report health, shut down.
 * Everything behind it — plugin host, catalog, selection, call gate, transports —
 * is internal and may change without the server noticing.
 */
export interface ToolhostKernel {
  /** Serve one request to an MCP HTTP endpoint (`/mcp`, or HTTP+SSE's `/sse` and `/messages`), and record it. */
  handleHttp(request: McpHttpRequest): Promise<McpHttpResponse>;
  /** Serve one caller over stdio (both protocol eras); the process's stdin/stdout unless streams are given. */
  serveStdio(
    caller: McpCaller,
    streams?: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream },
  ): StdioServerHandle;
  /** Serve one caller over any MCP transport, as one stateful connection like stdio (an in-memory pair in tests). */
  serveTransport(caller: McpCaller, transport: McpTransport): StdioServerHandle;
  /** Who is calling and what they may use; a refusal carries the HTTP status to answer. */
  resolveCaller(request: CallerRequest): Promise<CallerResolution>;
  /** The refusal a malformed `Authorization` header gets before its request is read (counted as rejected). */
  authorizationRefusal(header: string | readonly string[] | undefined): CallerRefusal | undefined;
  /** Whether an `Authorization` header carries a token accepted as a signed-in caller (rate-limit exemption). */
  signedIn(header: string | readonly string[] | undefined): Promise<boolean>;
  /** The stdio identity: the token in the first variable an identity provider names, and that name. */
  stdioToken(
    env: Readonly<Record<string, string | undefined>>,
  ): { token: string; source: string } | undefined;
  readonly settings: KernelSettings;
  /** Name, version, capabilities and instructions, as `initialize` and `server/discover` give them. */
  readonly identity: ServerIdentity;
  /** Every protocol revision served, newest first. */
  readonly protocolVersions: readonly string[];
  /** Toolhost API tokens (the CLI's `toolhost tokens`, operators' tooling). */
  readonly tokens: TokenStore;
  /** List-changed announcements to open client streams. */
  readonly events: EventBus;
  health(): KernelHealth;
  /**
   * Where a signed-in caller stands in their quota window (plan, used, remaining,
   * reset), read without charging; undefined when no plan limits them.
   */
  quota(principal: Principal): Promise<QuotaState | undefined>;
  /** Whether 2025-era sessions (and so HTTP+SSE) are on. */
  readonly sessions: boolean;
  /** End open sessions and their streams (before a graceful drain). */
  closeSessions(): Promise<void>;
  /** Run `hook` at shutdown, after the plugins (the composition root closes its stores here). */
  onShutdown(hook: () => void | Promise<void>): void;
  shutdown(): Promise<void>;
}

export interface KernelSettings {
  /** False when settings come from a read-only source. */
  readonly writable: boolean;
  get(userId: string, credentials?: Credentials): Promise<UserSettings | undefined>;
  /** Validate and save; throws `SettingsError` (with an HTTP status) on bad input. */
  put(userId: string, body: unknown): Promise<UserSettings>;
  /** What a principal ends up with under these settings: the plugins and tools they will see. */
  effective(principal: Principal, settings: UserSettings | undefined): { plugins: string[]; tools: string[] };
  /** `put`'s checks without saving: the settings `body` would store, or `SettingsError`. */
  validate(body: unknown): UserSettings;
  /**
   * What the caller's policy allows, grouped by plugin with titles and descriptions,
   * and what these settings select, per-caller tools (a chosen remote server's, say)
   * discovered with the caller's credentials: a settings page's data.
   */
  catalog(
    principal: Principal,
    credentials: Credentials,
    settings: UserSettings | undefined,
  ): Promise<SettingsCatalog>;
}

export interface KernelHealth {
  readonly plugins: readonly string[];
  /** Static tools in the catalog, each with the plugin it belongs to. */
  readonly tools: readonly { readonly name: string; readonly plugin: string }[];
  /** Open 2025-era sessions; absent when sessions are off. */
  readonly openSessions?: number;
  /** Requests answered per path since start (the direct path vs the SDK). */
  readonly served: { readonly direct: number; readonly sdk: number };
}

export interface CreateKernelOptions extends KernelOptions {
  /** The plugins to load: as a manifest names them, or plugin objects in hand (tests, embedding). */
  plugins: readonly PluginEntry[] | readonly { plugin: AnyPlugin; config?: unknown }[];
}

const inHand = (
  plugins: CreateKernelOptions['plugins'],
): plugins is readonly { plugin: AnyPlugin; config?: unknown }[] =>
  plugins.length > 0 && 'plugin' in (plugins[0] as object);

/** Load and set up the plugins, compile the catalog, and return the kernel's facade. */
export async function createKernel(options: CreateKernelOptions): Promise<ToolhostKernel> {
  const { plugins } = options;
  const kernel = inHand(plugins)
    ? await Kernel.fromPlugins(plugins, options)
    : await Kernel.start(plugins as readonly PluginEntry[], options);
  return facadeOf(kernel);
}

/** The facade over a started kernel. */
function facadeOf(kernel: Kernel): ToolhostKernel {
  const tools = [...kernel.catalog.tools.values()].map((tool) => ({
    name: tool.name,
    plugin: tool.plugin.id,
  }));
  const plugins = kernel.host.plugins.map((plugin) => plugin.id);
  return {
    handleHttp: (request) => kernel.http.handle(request),
    serveStdio: (caller, streams) => kernel.serveStdio(caller, streams),
    serveTransport: (caller, transport) => kernel.serveTransport(caller, transport),
    resolveCaller: (request) => kernel.resolveCaller(request),
    authorizationRefusal: (header) => kernel.authorizationRefusal(header),
    signedIn: (header) => kernel.signedIn(header),
    stdioToken: (env) => kernel.stdioToken(env),
    settings: {
      get writable() {
        return kernel.settings.writable;
      },
      get: (userId, credentials) => kernel.settings.get(userId, credentials),
      put: (userId, body) => kernel.settings.put(userId, body),
      effective: (principal, settings) => ({
        plugins: kernel.selector.resolve(principal, settings).plugins,
        tools: [...kernel.selector.select(principal, settings).tools.keys()],
      }),
      validate: (body) => kernel.settings.validate(body),
      catalog: (principal, credentials, settings) => kernel.settingsCatalog(principal, credentials, settings),
    },
    identity: kernel.identity,
    protocolVersions: SERVED_PROTOCOL_VERSIONS,
    tokens: kernel.tokens,
    events: kernel.bus,
    health: () => ({
      plugins,
      tools,
      ...(kernel.sessions && { openSessions: kernel.sessions.size }),
      served: { ...kernel.http.served },
    }),
    quota: (principal) => kernel.quotaState(principal),
    sessions: kernel.sessions !== undefined,
    closeSessions: async () => kernel.sessions?.close(),
    onShutdown: (hook) => kernel.onShutdown(hook),
    shutdown: () => kernel.shutdown(),
  };
}
