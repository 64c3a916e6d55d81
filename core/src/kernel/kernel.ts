import type { Transport as McpTransport } from '@modelcontextprotocol/server';
import { type StdioServerHandle, StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Tracer } from '@opentelemetry/api';
import type { Icon } from '../api/icon';
import type { Logger } from '../api/logger';
import type { AnyPlugin, ListName } from '../api/plugin';
import type { Credentials, Principal } from '../api/principal';
import { KERNEL_VERSION } from '../api/version';
import { type EventBus, InMemoryEventBus } from '../ports/event-bus';
import { InMemorySessionEventStores, type SessionEventStores } from '../ports/event-store';
import { InMemoryQuotaStore, type QuotaStore } from '../ports/quota-store';
import type { ResultLinkStore } from '../ports/result-link-store';
import type { SessionRegistry } from '../ports/session-registry';
import { InMemorySettingsStore, type SettingsStore, type UserSettings } from '../ports/settings-store';
import { InMemoryTaskStore, type TaskStore } from '../ports/task-store';
import { InMemoryTokenStore, type TokenStore } from '../ports/token-store';
import { Catalog } from './catalog';
import { listingRequest } from './discovery/budget';
import { ToolDiscovery } from './discovery/discovery';
import { DynamicToolSets } from './dynamic-tools';
import { CallGate, type ToolCallEvent } from './gate';
import { PluginHost } from './host';
import { MALFORMED_AUTHORIZATION, parseAuthorization } from './identity/authorization';
import { CallerNotices } from './identity/notices';
import { identityProviders } from './identity/providers';
import { type QuotaConfig, QuotaGuard, type QuotaState } from './identity/quota';
import { type Authentication, type IdentityConfig, IdentityResolver } from './identity/resolver';
import { type AccessPolicy, OPEN_POLICY, type SelectionHints, Selector } from './identity/selection';
import { composeSettingsSchema, SettingsService } from './identity/settings';
import { type SettingsCatalog, settingsCatalog } from './identity/settings-catalog';
import { RequestStateSeal } from './input-required';
import type { PluginEntry } from './loader';
import type { McpCaller, ServerIdentity, ServerInfo } from './mcp/caller';
import { McpHttpEndpoint } from './mcp/http-endpoint';
import { guardStdin } from './mcp/json-depth';
import { PrincipalScopedListenBus } from './mcp/listen-bus';
import { createSdkServer, type HandledRequest } from './mcp/sdk-server';
import {
  DEFAULT_ANONYMOUS_SHARE,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
} from './mcp/session-caps';
import { SessionManager } from './mcp/sessions';
import { TaskListenStreams } from './mcp/task-listen';
import { McpOperations } from './operations';
import { RequestRecorder } from './request-recorder';
import { type ImageLinkOptions, ImageLinks } from './results/image-links';
import { type ClientResultRule, ClientResultRules, type ResultPreferences } from './results/preferences';
import { selectionSize } from './selection-size';
import { TASKS_EXTENSION, TaskManager, type TaskSettings } from './tasks';
import { type Telemetry, TelemetryHub } from './telemetry';
import { ToolSetCache } from './toolset';
import { type RequestSpan, Tracing } from './tracing';

export interface KernelOptions {
  logger: Logger;
  /**
   * Parent logger for plugin code (setup, handlers). Defaults to `logger`. The server
   * passes one with wildcard redaction, which is too slow for the per-request lines
   * the kernel itself writes but right for code it does not control.
   */
  pluginLogger?: Logger;
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative plugin paths are resolved against. */
  baseDir?: string;
  serverInfo?: ServerInfo;
  /** Icons of the server, in its serverInfo (when `serverInfo` is not given). */
  icons?: readonly Icon[];
  /** Text sent to clients in `initialize` / `server/discover` about how to use this server. */
  instructions?: string;
  /** Default per-tool timeout (30 s). */
  toolTimeoutMs?: number;
  /** Default per-plugin setup timeout (10 s). */
  setupTimeoutMs?: number;
  /** Serve hot stateless methods on the direct path (default true). */
  directPath?: boolean;
  /** Where list changes are announced to open streams (default: in-process). */
  bus?: EventBus;
  /**
   * Who may call (default: anonymous callers, Toolhost API tokens and every token a
   * loaded plugin's identity provider accepts). `disabledProviders` switches providers off by id.
   */
  auth?: Partial<IdentityConfig> & { disabledProviders?: readonly string[] };
  /** Top-level manifest sections beyond the server's own: each is the config of the plugin that claims it. */
  sections?: Readonly<Record<string, unknown>>;
  /** Which plugins each kind of caller may have and gets by default (default: everything). */
  access?: AccessPolicy;
  /** Units per window per plan; no limits when absent. */
  quotas?: QuotaConfig;
  /** State behind ports; in-memory when not given. */
  stores?: {
    settings?: SettingsStore;
    quotas?: QuotaStore;
    tokens?: TokenStore;
    tasks?: TaskStore;
    /** Where images taken out of results are held; in memory (per instance) when absent. */
    resultLinks?: ResultLinkStore;
  };
  /**
   * The HMAC key that signs input-required `requestState` (at least 32 bytes); every
   * instance behind one endpoint needs the same one. Default: random per process.
   */
  requestStateKey?: string;
  /** Tasks (2026-07-28 tasks extension): how long they are kept, the poll interval, the lease. */
  tasks?: TaskSettings;
  /** The MCP endpoint's public URL (the JWT audience). */
  resourceUrl?: string;
  /** Observer of requests, tool calls, auth, sessions, streams and upstream calls (metrics, dashboard). */
  telemetry?: Telemetry;
  /** 2025-era stateful sessions (server push); off by default: stateless scales out. */
  sessions?: SessionSettings;
  /** Deepest JSON nesting accepted in a message (default 64); stdio answers deeper lines with a parse error. */
  maxJsonDepth?: number;
  /**
   * Trace requests, tool calls and plugins' upstream requests with this OpenTelemetry
   * tracer. The caller sets up the SDK (context manager, W3C propagator, exporter);
   * without a tracer nothing is traced and no span is made.
   */
  tracer?: Tracer;
  /** How tool results are shaped beyond what a request asks: per-client rules, and how image links are held. */
  results?: ResultSettings;
}

export interface ResultSettings {
  /** Rules by the client's `clientInfo.name`: a token limit per result, images as links. */
  clients?: readonly ClientResultRule[];
  /** How long images taken out of results stay readable, and how many bytes of them are held. */
  imageLinks?: ImageLinkOptions;
}

export interface SessionSettings {
  /** Refuse new sessions beyond this many open ones (default 1000). */
  maxSessions?: number;
  /** Refuse a principal's new session beyond this many of theirs; anonymous callers per address (default 100). */
  maxSessionsPerPrincipal?: number;
  /** The share of `maxSessions` anonymous callers hold together, keeping the rest for users (default 0.5). */
  anonymousShare?: number;
  /** Close sessions unused for this long (default 30 min). */
  idleTimeoutMs?: number;
  /** SSE keep-alive ping interval (default 15 s). */
  keepAliveMs?: number;
  /** Where session events are kept for resumption (default: in memory, 1000 per session). */
  eventStores?: SessionEventStores;
  /** Where sessions are registered so any instance can serve them (default: none; sessions stay on their instance). */
  registry?: SessionRegistry;
}

/** What the transport knows about a request before it is dispatched. */
export interface CallerRequest {
  /** The bearer token, if the request carried one (stdio: from the environment). */
  token?: string;
  /** The raw `Authorization` header (HTTP); read when `token` is not given. */
  authorization?: string | readonly string[];
  /** Refuse anonymous access even where the policy allows it (`?login`). */
  requireToken?: boolean;
  hints?: SelectionHints;
  /** The request's query parameters, for plugins' tool sources (repeated ones joined with commas). */
  query?: Readonly<Record<string, string>>;
  /** How the request asks for tool results to be shaped (`parseResultPreferences` of its query). */
  results?: ResultPreferences;
  /** Client address: anonymous callers are charged per address. */
  ip?: string;
  requestId?: string;
  logger: Logger;
}

/** A refused caller: the HTTP status to answer, a reason code and a message. */
export type CallerRefusal =
  | Extract<Authentication, { ok: false }>
  /** A request parameter the kernel reads (`?max_tools`, `?discovery`) has a value it cannot use. */
  | { readonly ok: false; readonly status: 400; readonly error: 'invalid_request'; readonly message: string };

export type CallerResolution = { readonly ok: true; readonly caller: McpCaller } | CallerRefusal;

function bearerOf(header: string | readonly string[] | undefined): string | undefined {
  const parsed = parseAuthorization(header);
  return parsed.kind === 'bearer' ? parsed.token : undefined;
}

/**
 * The kernel: plugins, catalog, selection, call gate and the MCP endpoints that
 * serve them. The server package composes it with a web framework and a manifest.
 */
export class Kernel {
  readonly catalog: Catalog;
  readonly toolSets: ToolSetCache;
  readonly ops: McpOperations;
  readonly identity: ServerIdentity;
  readonly http: McpHttpEndpoint;
  /** List-changed announcements for open client streams (sessions, subscriptions/listen). */
  readonly bus: EventBus;
  readonly auth: IdentityResolver;
  readonly settings: SettingsService;
  readonly selector: Selector;
  readonly tokens: TokenStore;
  /** Where the kernel and transports report what they serve; forwards to `options.telemetry`. */
  readonly telemetry: TelemetryHub;
  /** Per-caller tools from plugins' tool sources. */
  readonly dynamicTools: DynamicToolSets;
  /** Tool calls running as tasks, and the tasks methods. */
  readonly tasks: TaskManager;
  /** Tool budgets: which part of a selection `tools/list` gives, and search_tools / call_tool. */
  readonly discovery: ToolDiscovery;
  /** Open 2025-era sessions; undefined when sessions are off. */
  readonly sessions: SessionManager | undefined;
  /** Quotas per plan; undefined when the manifest sets none. */
  private readonly quota: QuotaGuard | undefined;
  /** Where every finished request is recorded, whatever its transport. */
  private readonly requests: RequestRecorder;
  private readonly callListeners = new Set<(event: ToolCallEvent) => void>();
  /** Notes owed to callers served other than as their token says, stated in their first tool result. */
  private readonly notices = new CallerNotices();
  private readonly shutdownHooks: (() => void | Promise<void>)[] = [];

  private constructor(
    readonly host: PluginHost,
    private readonly options: KernelOptions,
    telemetry: TelemetryHub,
    private readonly tracing: Tracing | undefined,
  ) {
    this.telemetry = telemetry;
    this.catalog = new Catalog(host.plugins, {
      toolTimeoutMs: options.toolTimeoutMs,
      container: host.container,
    });
    // Kernel.start and fromPlugins made it before the plugins' setup, which may announce on it.
    this.bus = options.bus!;
    this.toolSets = new ToolSetCache(this.catalog);
    this.tokens = options.stores?.tokens ?? new InMemoryTokenStore();
    const { disabledProviders, ...auth } = options.auth ?? {};
    this.auth = new IdentityResolver(
      { anonymous: true, ...auth },
      this.tokens,
      options.resourceUrl,
      identityProviders(host.plugins, host.container, disabledProviders),
    );
    this.settings = new SettingsService(
      options.stores?.settings ?? new InMemorySettingsStore(),
      this.catalog,
      this.bus,
      undefined,
      composeSettingsSchema(
        host.plugins.flatMap(({ id, plugin }) =>
          plugin.userSettings ? [{ pluginId: id, schema: plugin.userSettings }] : [],
        ),
      ),
    );
    // A token revoked anywhere (the CLI publishes on a shared bus) stops working here at once.
    const unsubscribeRevocations = this.bus.subscribe((event) => {
      if (event.type === 'token-revoked') this.auth.forgetTokenId(event.tokenId);
    });
    this.shutdownHooks.push(unsubscribeRevocations, () => this.settings.close());
    this.selector = new Selector(options.access ?? OPEN_POLICY, this.catalog, this.toolSets);
    this.dynamicTools = new DynamicToolSets(
      host.plugins,
      this.catalog.compiler,
      options.logger,
      this.toolSets,
    );
    this.quota =
      options.quotas && new QuotaGuard(options.quotas, options.stores?.quotas ?? new InMemoryQuotaStore());
    const gate = new CallGate({
      onCall: (event) => {
        const { tool, principal, outcome } = event;
        this.telemetry.toolCallFinished({
          plugin: tool.plugin.id,
          tool: tool.name,
          outcome,
          durationMs: event.durationMs,
          principalKind: principal.kind,
          requestId: event.requestId,
        });
        if (outcome === 'ok') this.discovery.usage.record(tool.name);
        if (outcome === 'quota_exceeded') {
          this.telemetry.quotaRefused({ plugin: tool.plugin.id, tool: tool.name, plan: principal.plan });
        }
        for (const listener of this.callListeners) listener(event);
      },
      ...(tracing && { tracing }),
      ...(this.quota && { quota: this.quota }),
    });
    const imageLinks = new ImageLinks({
      ...options.results?.imageLinks,
      ...(options.stores?.resultLinks && { store: options.stores.resultLinks }),
    });
    this.tasks = new TaskManager(
      options.stores?.tasks ?? new InMemoryTaskStore(),
      gate,
      options.logger,
      options.tasks,
      imageLinks,
      ({ taskId, owner }) =>
        void Promise.resolve(this.bus.publish({ type: 'task-changed', taskId, owner })).catch((error) =>
          options.logger.warn({ err: error, taskId }, 'task change not announced'),
        ),
    );
    this.ops = new McpOperations(
      gate,
      this.notices,
      this.tasks,
      new RequestStateSeal(options.requestStateKey),
      new ClientResultRules(options.results?.clients),
      imageLinks,
    );
    this.identity = {
      serverInfo: options.serverInfo ?? {
        name: 'toolhost',
        version: KERNEL_VERSION,
        ...(options.icons !== undefined && options.icons.length > 0 && { icons: options.icons }),
      },
      capabilities: this.capabilities(),
      ...(options.instructions !== undefined && { instructions: options.instructions }),
    };
    const onError = (error: Error) => options.logger.debug({ err: error }, 'MCP request rejected by the SDK');
    // Transports report only when something listens: otherwise they skip building the reports.
    const observed = this.telemetry.active ? this.telemetry : undefined;
    this.sessions =
      options.sessions &&
      new SessionManager(this.ops, this.identity, this.bus, {
        maxSessions: options.sessions.maxSessions ?? DEFAULT_MAX_SESSIONS,
        maxSessionsPerPrincipal:
          options.sessions.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
        anonymousShare: options.sessions.anonymousShare ?? DEFAULT_ANONYMOUS_SHARE,
        idleTimeoutMs: options.sessions.idleTimeoutMs ?? 30 * 60_000,
        keepAliveMs: options.sessions.keepAliveMs ?? 15_000,
        eventStores: options.sessions.eventStores ?? new InMemorySessionEventStores(),
        ...(options.sessions.registry && { registry: options.sessions.registry }),
        onError,
        ...(observed && { telemetry: observed }),
      });
    this.requests = new RequestRecorder(observed, tracing);
    const listenBus = new PrincipalScopedListenBus(this.bus, observed);
    this.discovery = new ToolDiscovery({
      ...(options.access?.toolBudget !== undefined && { budget: options.access.toolBudget }),
      toolSets: this.toolSets,
      canAnnounce: (principalId) =>
        listenBus.listening(principalId) || (this.sessions?.holds(principalId) ?? false),
      announce: (principalId) =>
        void Promise.resolve(this.bus.publish({ type: 'list-changed', lists: ['tools'], principalId })).catch(
          (error: Error) => options.logger.warn({ err: error }, 'tools list-changed not announced'),
        ),
    });
    this.http = new McpHttpEndpoint(this.ops, this.identity, {
      recorder: this.requests,
      directPath: options.directPath,
      ...(observed && { telemetry: observed }),
      onError,
      ...(this.sessions && { sessions: this.sessions }),
      listenBus,
      taskListen: new TaskListenStreams(this.bus, this.tasks, this.identity, options.sessions?.keepAliveMs),
    });
  }

  /** The options with the event bus settled: the given one, else one in this process. */
  private static withBus(options: KernelOptions): KernelOptions {
    if (options.bus) return options;
    const bus = new InMemoryEventBus((error) => options.logger.warn({ err: error }, 'event listener failed'));
    return { ...options, bus };
  }

  /** A plugin's `listsChanged`: a list-changed event for everyone, on the bus every stream reads. */
  private static announcer(bus: EventBus) {
    return (lists: readonly ListName[]) => bus.publish({ type: 'list-changed', lists });
  }

  /** Load the plugins a manifest names, set them up, and compile the catalog. */
  static async start(entries: readonly PluginEntry[], options: KernelOptions): Promise<Kernel> {
    options = Kernel.withBus(options);
    const telemetry = Kernel.telemetryHub(options);
    const tracing = options.tracer && new Tracing(options.tracer);
    const host = await PluginHost.load(entries, {
      announce: Kernel.announcer(options.bus!),
      baseDir: options.baseDir ?? process.cwd(),
      telemetry,
      ...(tracing && { tracing }),
      logger: options.pluginLogger ?? options.logger,
      env: options.env,
      setupTimeoutMs: options.setupTimeoutMs,
      ...(options.sections && { sections: options.sections }),
    });
    await host.start();
    return new Kernel(host, options, telemetry, tracing);
  }

  /** Start from plugin objects in hand instead of a manifest (tests and embedding). */
  static async fromPlugins(
    plugins: readonly { plugin: AnyPlugin; config?: unknown }[],
    options: KernelOptions,
  ): Promise<Kernel> {
    options = Kernel.withBus(options);
    const telemetry = Kernel.telemetryHub(options);
    const tracing = options.tracer && new Tracing(options.tracer);
    const host = PluginHost.fromPlugins(plugins, {
      announce: Kernel.announcer(options.bus!),
      baseDir: options.baseDir ?? process.cwd(),
      telemetry,
      ...(tracing && { tracing }),
      logger: options.pluginLogger ?? options.logger,
      env: options.env,
      setupTimeoutMs: options.setupTimeoutMs,
      ...(options.sections && { sections: options.sections }),
    });
    await host.start();
    return new Kernel(host, options, telemetry, tracing);
  }

  /**
   * Who is calling and what they may use: authenticate the token, load the user's
   * settings, and select their ToolSet. A refusal carries the HTTP status to answer.
   */
  async resolveCaller(request: CallerRequest): Promise<CallerResolution> {
    let { token } = request;
    if (token === undefined) {
      const refusal = this.authorizationRefusal(request.authorization);
      if (refusal) return refusal;
      token = bearerOf(request.authorization);
    }
    const auth = await this.auth.authenticate(token, { requireToken: request.requireToken });
    if (!auth.ok) {
      // 503: the token could not be checked now, which is not a rejection of it.
      this.telemetry.authenticated({
        outcome: auth.status === 503 ? 'unverified' : 'rejected',
        reason: auth.error,
      });
      return auth;
    }
    const { principal } = auth;
    const listing = listingRequest(request.query);
    if (!listing.ok) return { ok: false, status: 400, error: 'invalid_request', message: listing.message };
    // A fresh credentials object marks this caller, so that only their first tool result carries the notice.
    const credentials = auth.notice
      ? this.notices.owe({ ...auth.credentials }, auth.notice)
      : auth.credentials;
    if (auth.notice)
      request.logger.warn({ reason: auth.notice }, 'token not checked now; serving as anonymous');
    // A token served as anonymous because it could not be checked now was not refused: unverified.
    this.telemetry.authenticated(
      auth.notice
        ? { outcome: 'unverified', reason: 'temporarily_unavailable' }
        : {
            outcome: principal.kind === 'anonymous' ? 'anonymous' : 'authenticated',
            principalKind: principal.kind,
          },
    );
    const settings =
      principal.kind === 'user' ? await this.settings.forServing(principal.id, credentials) : undefined;
    const hints = request.hints ?? {};
    const selection = await this.dynamicTools.extend(this.selector.select(principal, settings, hints), {
      principal,
      credentials,
      ...(settings && { settings }),
      ...(request.query && { query: request.query }),
      logger: request.logger,
      allows: (pluginId) => this.selector.allows(principal, pluginId),
      ...(settings?.disabledTools && { disabledTools: settings.disabledTools }),
      ...(hints.tools && { onlyTools: hints.tools }),
    });
    const account = principal.kind === 'anonymous' ? `anonymous:${request.ip ?? 'local'}` : principal.id;
    const served = this.discovery.serve(selection, { principal, account }, listing.request);
    const caller: McpCaller = {
      principal,
      credentials,
      account,
      // Awaited only when a budget or the request asks for a listing: no extra tick otherwise.
      toolSet: served instanceof Promise ? await served : served,
      logger: request.logger,
      ...(request.requestId !== undefined && { requestId: request.requestId }),
      ...(request.results && { results: request.results }),
    };
    return { ok: true, caller };
  }

  /** What a caller may choose from and what `settings` select (see `settingsCatalog`). */
  settingsCatalog(
    principal: Principal,
    credentials: Credentials,
    settings: UserSettings | undefined,
  ): Promise<SettingsCatalog> {
    return settingsCatalog(
      {
        plugins: this.host.plugins,
        catalog: this.catalog,
        selector: this.selector,
        dynamicTools: this.dynamicTools,
        ...(this.options.access?.toolBudget !== undefined && { toolBudget: this.options.access.toolBudget }),
      },
      { principal, credentials, logger: this.options.logger },
      settings,
    );
  }

  /** Where a signed-in principal stands in their quota (charged to their id); undefined without a limit. */
  quotaState(principal: Principal): Promise<QuotaState | undefined> {
    return this.quota?.state(principal, principal.id) ?? Promise.resolve(undefined);
  }

  /** The refusal an `Authorization` header gets before anything else is read, when it is malformed. */
  authorizationRefusal(header: string | readonly string[] | undefined): CallerRefusal | undefined {
    if (parseAuthorization(header).kind !== 'malformed') return undefined;
    this.telemetry.authenticated({ outcome: 'rejected', reason: MALFORMED_AUTHORIZATION.error });
    return MALFORMED_AUTHORIZATION;
  }

  /**
   * Whether a request's `Authorization` carries a token accepted as a signed-in caller
   * (the anonymous rate limit's exemption). Anything served as anonymous is not.
   * Answers are cached by the resolver, so resolving the caller right after costs nothing more.
   */
  async signedIn(header: string | readonly string[] | undefined): Promise<boolean> {
    const token = bearerOf(header);
    if (token === undefined) return false;
    try {
      const auth = await this.auth.authenticate(token);
      return auth.ok && auth.principal.kind !== 'anonymous';
    } catch {
      return false; // not known to be accepted: limited as anonymous; the route answers the failure
    }
  }

  private static telemetryHub(options: KernelOptions): TelemetryHub {
    return new TelemetryHub(options.telemetry, (error) =>
      options.logger.warn({ err: error }, 'telemetry observer failed'),
    );
  }

  /**
   * The token identifying the user of a stdio server: the first identity provider's
   * environment variable (`stdioTokenEnv`) that is set, and the variable's name.
   */
  stdioToken(env: Readonly<Record<string, string | undefined>> = this.options.env ?? process.env) {
    return this.auth.stdioToken(env);
  }

  /** Observe every finished tool call (metrics, audit). Returns an unsubscribe function. */
  onToolCall(listener: (event: ToolCallEvent) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  /** Serve one caller over stdio (both protocol eras); the process's stdin/stdout unless streams are given. */
  serveStdio(
    caller: McpCaller,
    streams?: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream },
  ): StdioServerHandle {
    // Too-deep lines are answered and dropped before the SDK reads them (see json-depth.ts).
    const stdout = streams?.stdout ?? process.stdout;
    const stdin = guardStdin(streams?.stdin ?? process.stdin, stdout, this.options.maxJsonDepth);
    return this.serveTransport(caller, new StdioServerTransport(stdin as never, stdout as never));
  }

  /**
   * Serve one caller over any MCP transport as one stateful connection, like stdio
   * (and recorded as stdio): an in-memory pair in plugin tests, a socket.
   */
  serveTransport(caller: McpCaller, transport: McpTransport): StdioServerHandle {
    const observe = (request: HandledRequest, span?: RequestSpan) =>
      this.requests.finish(
        {
          ...request,
          transport: 'stdio',
          principalKind: caller.principal.kind,
          ...(request.method === 'tools/list' &&
            request.outcome === 'ok' &&
            this.requests.observed && { selection: selectionSize(caller.toolSet) }),
        },
        caller.logger,
        span,
      );
    // One stateful connection: a 2025 client answers elicitation and sampling requests;
    // a 2026-07-28 client gets input-required round trips instead.
    const factory = ({ era }: { era?: string }) =>
      createSdkServer(this.ops, this.identity, caller, {
        ...(era === 'modern' ? { roundTrip: true } : { interactive: true }),
        observe,
        ...(this.tracing && { tracing: this.tracing }),
      });
    return serveStdio(factory, {
      legacy: 'serve',
      transport,
      onerror: (error) => this.options.logger.warn({ err: error }, 'MCP connection transport error'),
    });
  }

  /** Run `hook` when the kernel shuts down, after the plugins (the composition root closes its stores here). */
  onShutdown(hook: () => void | Promise<void>): void {
    this.shutdownHooks.push(hook);
  }

  async shutdown(): Promise<void> {
    this.tasks.close();
    await this.http.close();
    await this.host.stop();
    await this.bus.close?.();
    for (const hook of this.shutdownHooks.splice(0)) await hook();
  }

  private capabilities(): Record<string, unknown> {
    const resources = [...this.catalog.resources.values()];
    const prompts = [...this.catalog.prompts.values()];
    const completes =
      prompts.some((p) => p.def.complete) ||
      resources.some((r) => (r.def as { complete?: unknown }).complete);
    // Server push (sessions) adds logging and resource subscriptions.
    const push = this.options.sessions !== undefined;
    return {
      tools: { listChanged: true },
      ...(push && { logging: {} }),
      // Always: any tool result may link an image (`?no_image_content`) for resources/read.
      resources: { listChanged: true, ...(push && { subscribe: true }) },
      ...(prompts.length > 0 && { prompts: { listChanged: true } }),
      ...(completes && { completions: {} }),
      // Task tools may come from any plugin's tool source at call time: the extension is always on.
      extensions: { [TASKS_EXTENSION]: {} },
    };
  }
}
