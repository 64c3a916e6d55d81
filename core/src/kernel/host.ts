// Two functions, not the whole package: \`semver\`'s index loads every module (~70 ms cold).
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { hasBrand, PROMPT_BRAND, RESOURCE_BRAND, TOOL_BRAND } from '../api/brand';
import type { MaybePromise, PluginConfig } from '../api/context';
import { isIdentityProvider } from '../api/identity';
import type { Logger } from '../api/logger';
import { isMiddleware } from '../api/middleware';
import { type AnyPlugin, type ConfigSchema, type ListName, PLUGIN_ID } from '../api/plugin';
import type { ServiceRef, ServiceRefMap } from '../api/service';
import { TOOL_NAME } from '../api/tool';
import { isToolSource } from '../api/tool-source';
import type { UpstreamExchange, UpstreamReporter, UpstreamStarter } from '../api/upstream';
import { KERNEL_VERSION } from '../api/version';
import { ServiceContainer } from './container';
import { errorMessage, PluginLoadError } from './errors';
import { entryLabel, importPlugin, type PluginEntry } from './loader';
import { assignSections, type SectionedEntry } from './sections';
import type { TelemetryHub } from './telemetry';
import { TimeoutError, withTimeout } from './timeout';
import type { Tracing } from './tracing';

const LIST_NAMES: readonly ListName[] = ['tools', 'prompts', 'resources'];

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
/** The exchange when nothing listens: no headers, nothing to end. */
const NO_EXCHANGE: UpstreamExchange = Object.freeze({ headers: NO_HEADERS, end() {}, discard() {} });

/** A plugin the host has validated (and, after `start`, set up). */
export interface LoadedPlugin {
  readonly index: number;
  /** `plugins[1] (@toolhost/plugin-models)`: how errors name it. */
  readonly label: string;
  readonly plugin: AnyPlugin;
  readonly id: string;
  /** The entry's config after the plugin's schema parsed it (defaults applied). */
  readonly config: Record<string, unknown>;
  /**
   * What `ctx.config` is for one of the plugin's definitions (tool, resource, prompt,
   * tool source, middleware): its `config` view, parsed once at load, or the whole config.
   */
  configFor(definition: { readonly config?: ConfigSchema }): PluginConfig;
  readonly logger: Logger;
}

export interface PluginHostOptions {
  /** Folder that relative `use:` paths are resolved against (the manifest's folder). */
  baseDir: string;
  /** Parent of every plugin's logger (the server gives one with thorough redaction: plugin code logs anything). */
  logger: Logger;
  env?: Readonly<Record<string, string | undefined>>;
  /** Default per-plugin setup timeout (default 10 s). */
  setupTimeoutMs?: number;
  /** Per-plugin shutdown timeout (default 5 s). */
  shutdownTimeoutMs?: number;
  /** Where plugins' upstream call reports go (metrics). */
  telemetry?: Pick<TelemetryHub, 'upstreamCall'>;
  /** Where plugins' upstream requests get their trace spans; absent when the server does not trace. */
  tracing?: Tracing;
  /** Top-level manifest sections beyond the server's own, each the config of the plugin that claims it. */
  sections?: Readonly<Record<string, unknown>>;
  /** Where a plugin's `listsChanged` goes: the kernel's event bus. */
  announce?: (lists: readonly ListName[]) => MaybePromise<void>;
}

/** Zod issues as `config.path.to.field: message; …` (or `<section>.path…` for a manifest section). */
function formatIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  root = 'config',
): string {
  const path = (keys: readonly PropertyKey[]) =>
    keys.reduce<string>(
      (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`),
      root,
    );
  return issues.map((issue) => `${path(issue.path)}: ${issue.message}`).join('; ');
}

/**
 * The plugin host: loads the modules a manifest names, validates them as a set,
 * orders them by the services they require, runs their `setup` with a timeout
 * and shuts them down in reverse order.
 */
export class PluginHost {
  /** Every provided service, registered as each provider's setup returns it. */
  readonly container = new ServiceContainer();
  private readonly shutdownHooks = new Map<string, Array<() => MaybePromise<void>>>();
  private started = false;

  private constructor(
    /** In set-up order: every plugin comes after the plugins providing what it requires. */
    readonly plugins: readonly LoadedPlugin[],
    private readonly options: PluginHostOptions,
  ) {}

  /** Import and validate every entry. Throws `PluginLoadError` naming the first bad entry. */
  static async load(entries: readonly PluginEntry[], options: PluginHostOptions): Promise<PluginHost> {
    const plugins = await Promise.all(
      entries.map((entry, index) => importPlugin(entry, index, options.baseDir)),
    );
    const sectioned = assignSections(plugins, entries, options.sections);
    const loaded = plugins.map((plugin, index) =>
      validatePlugin(plugin, sectioned[index]!, index, options.logger),
    );
    checkUniqueIds(loaded);
    checkUniqueNames(loaded);
    return new PluginHost(orderByServices(loaded), options);
  }

  /** Build a host from plugin objects already in hand (tests, embedding). */
  static fromPlugins(
    plugins: readonly { plugin: AnyPlugin; config?: unknown }[],
    options: PluginHostOptions,
  ): PluginHost {
    const sectioned = assignSections(
      plugins.map(({ plugin }) => plugin),
      plugins.map(({ plugin, config }, index) => ({ use: plugin?.id ?? `#${index}`, config })),
      options.sections,
    );
    const loaded = plugins.map(({ plugin }, index) =>
      validatePlugin(plugin, sectioned[index]!, index, options.logger),
    );
    checkUniqueIds(loaded);
    checkUniqueNames(loaded);
    return new PluginHost(orderByServices(loaded), options);
  }

  /** A plugin's announcement that its lists changed, checked (a plugin's bug is its own error). */
  private async listsChanged(loaded: LoadedPlugin, lists: readonly ListName[]): Promise<void> {
    const unknown = lists.filter((list) => !LIST_NAMES.includes(list));
    if (lists.length === 0 || unknown.length > 0) {
      throw new TypeError(
        `${loaded.label}: listsChanged takes one or more of ${LIST_NAMES.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`,
      );
    }
    await this.options.announce?.([...new Set(lists)]);
  }

  /** Run every plugin's setup, in order. On failure, plugins already set up are shut down. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const env = this.options.env ?? process.env;
    for (const loaded of this.plugins) {
      const { plugin, label } = loaded;
      const hooks: Array<() => MaybePromise<void>> = [];
      this.shutdownHooks.set(loaded.id, hooks);
      if (!plugin.setup) continue;
      // No request exists at setup: it gets the process services it requires.
      const services = this.container.resolve(
        refEntries(plugin.requires).filter(([, ref]) => ref.lifetime !== 'request'),
      );
      const timeoutMs = plugin.setupTimeoutMs ?? this.options.setupTimeoutMs ?? 10_000;
      let provided: unknown;
      try {
        provided = await withTimeout(timeoutMs, undefined, ({ signal }) =>
          plugin.setup?.({
            config: loaded.config,
            services,
            logger: loaded.logger,
            env,
            signal,
            onShutdown: (hook: () => MaybePromise<void>) => hooks.push(hook),
            reportUpstream: this.reporterFor(loaded.id),
            startUpstream: this.starterFor(loaded.id),
            listsChanged: (...lists: ListName[]) => this.listsChanged(loaded, lists),
          }),
        );
      } catch (error) {
        await this.stop();
        const reason =
          error instanceof TimeoutError
            ? `setup did not finish within ${timeoutMs} ms`
            : `setup failed: ${errorMessage(error)}`;
        throw new PluginLoadError(reason, label, { cause: error });
      }
      for (const [key, ref] of refEntries(plugin.provides)) {
        const value = (provided as Record<string, unknown> | undefined)?.[key];
        if (value === undefined) {
          await this.stop();
          throw new PluginLoadError(`declares that it provides '${key}' but setup did not return it`, label);
        }
        if (ref.lifetime === 'request' && typeof value !== 'function') {
          await this.stop();
          throw new PluginLoadError(
            `provides request-scoped service '${key}', so setup must return a factory (request) => service for it`,
            label,
          );
        }
        this.container.provide(ref, value);
      }
    }
  }

  /** The plugin's upstream reporter: tags each report with the plugin id. */
  private reporterFor(plugin: string): UpstreamReporter {
    const telemetry = this.options.telemetry;
    if (!telemetry) return () => {};
    return (call) => telemetry.upstreamCall({ ...call, plugin });
  }

  /** The plugin's upstream starter: metrics as `reporterFor`, and a span when tracing. */
  private starterFor(plugin: string): UpstreamStarter {
    const { telemetry, tracing } = this.options;
    if (!telemetry && !tracing) return () => NO_EXCHANGE;
    return (service, request = {}) => {
      const started = performance.now();
      const span = tracing?.startUpstream(plugin, service, request);
      return {
        headers: span?.headers ?? NO_HEADERS,
        end(outcome, status) {
          telemetry?.upstreamCall({ service, durationMs: performance.now() - started, outcome, plugin });
          span?.end(outcome, status);
        },
        discard(reason) {
          span?.discard(reason);
        },
      };
    };
  }

  /** Shut plugins down in reverse order. Failures are logged, never thrown: shutdown always completes. */
  async stop(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? 5_000;
    for (const loaded of [...this.plugins].reverse()) {
      const hooks = this.shutdownHooks.get(loaded.id) ?? [];
      this.shutdownHooks.delete(loaded.id);
      for (const hook of hooks.reverse()) {
        try {
          await withTimeout(timeoutMs, undefined, () => hook());
        } catch (error) {
          loaded.logger.error({ err: error }, `shutdown hook of plugin ${loaded.id} failed`);
        }
      }
    }
    await this.container.dispose();
  }
}

function refEntries(refs: ServiceRefMap | undefined): [string, ServiceRef<unknown>][] {
  return Object.entries(refs ?? {});
}

function validatePlugin(
  plugin: AnyPlugin,
  entry: SectionedEntry,
  index: number,
  logger: Logger,
): LoadedPlugin {
  const label = entryLabel(index, entry);
  if (typeof plugin !== 'object' || plugin === null || !PLUGIN_ID.test(String(plugin.id))) {
    throw new PluginLoadError('the plugin has no valid id', label);
  }
  const named = `plugins[${index}] (${plugin.id})`;
  if (!validRange(plugin.kernel)) {
    throw new PluginLoadError(
      `'kernel' must be a semver range such as ^${KERNEL_VERSION}, got ${JSON.stringify(plugin.kernel)}`,
      named,
    );
  }
  if (!satisfies(KERNEL_VERSION, plugin.kernel, { includePrerelease: true })) {
    throw new PluginLoadError(
      `needs kernel ${plugin.kernel}, but this Toolhost kernel is ${KERNEL_VERSION}`,
      named,
    );
  }
  let config: Record<string, unknown> = {};
  if (plugin.config) {
    const parsed = plugin.config.safeParse(entry.config ?? {});
    if (!parsed.success) {
      const what = entry.section === undefined ? 'invalid config' : `invalid '${entry.section}:' section`;
      throw new PluginLoadError(`${what}: ${formatIssues(parsed.error.issues, entry.section)}`, named);
    }
    config = parsed.data;
  } else if (entry.config !== undefined && Object.keys(entry.config as object).length > 0) {
    throw new PluginLoadError('has no config options, but the manifest entry gives config', named);
  }
  const available = new Map(
    [...refEntries(plugin.requires), ...refEntries(plugin.provides)].map(([, ref]) => [ref.id, ref]),
  );
  const views = new Map<object, PluginConfig>();
  /** Check one definition's services and parse its config view, naming it in any error. */
  const check = (
    what: string,
    definition: { services?: ServiceRefMap; config?: ConfigSchema },
    processOnly?: string,
  ) => {
    for (const ref of Object.values(definition.services ?? {})) {
      if (!available.has(ref.id)) {
        throw new PluginLoadError(
          `${what} uses service '${ref.id}', which the plugin neither requires nor provides`,
          named,
        );
      }
      if (processOnly && ref.lifetime === 'request') {
        throw new PluginLoadError(
          `${what} uses request-scoped service '${ref.id}', but ${processOnly}`,
          named,
        );
      }
    }
    if (definition.config !== undefined) {
      const view = definition.config.safeParse(config);
      if (!view.success) {
        throw new PluginLoadError(
          `${what} declares a config its plugin's config does not satisfy: ${formatIssues(view.error.issues)}`,
          named,
        );
      }
      views.set(definition, view.data as PluginConfig);
    }
  };
  for (const tool of plugin.tools ?? []) {
    if (!hasBrand(tool, TOOL_BRAND)) throw new PluginLoadError('has a tool not made by defineTool', named);
    if (!TOOL_NAME.test(tool.name))
      throw new PluginLoadError(`has an invalid tool name ${JSON.stringify(tool.name)}`, named);
    check(`tool '${tool.name}'`, tool);
  }
  if (plugin.toolSource !== undefined) {
    if (!isToolSource(plugin.toolSource))
      throw new PluginLoadError('has a toolSource not made by defineToolSource', named);
    check('toolSource', plugin.toolSource, 'tool sources run before any call, outside a request scope');
  }
  for (const provider of plugin.identityProviders ?? []) {
    if (!isIdentityProvider(provider))
      throw new PluginLoadError('has an identity provider not made by defineIdentityProvider', named);
    check(
      `identity provider '${provider.id}'`,
      provider,
      'identity providers run before the caller is known, outside a request scope',
    );
  }
  if (
    plugin.userSettings !== undefined &&
    !(plugin.userSettings instanceof Object && 'shape' in plugin.userSettings)
  )
    throw new PluginLoadError('userSettings must be a zod object (z.object({ … }))', named);
  for (const resource of plugin.resources ?? []) {
    if (!hasBrand(resource, RESOURCE_BRAND))
      throw new PluginLoadError('has a resource not made by defineResource', named);
    check(`resource '${resource.name}'`, resource);
  }
  for (const prompt of plugin.prompts ?? []) {
    if (!hasBrand(prompt, PROMPT_BRAND))
      throw new PluginLoadError('has a prompt not made by definePrompt', named);
    check(`prompt '${prompt.name}'`, prompt);
  }
  const middlewareNames = new Set<string>();
  for (const middleware of plugin.middleware ?? []) {
    if (!isMiddleware(middleware))
      throw new PluginLoadError('has a middleware not made by defineMiddleware', named);
    if (middlewareNames.has(middleware.name))
      throw new PluginLoadError(`declares middleware '${middleware.name}' twice`, named);
    middlewareNames.add(middleware.name);
    check(`middleware '${middleware.name}'`, middleware);
  }
  return {
    index,
    label: named,
    plugin,
    id: plugin.id,
    config,
    configFor: (definition) => views.get(definition) ?? config,
    logger: logger.child({ plugin: plugin.id }),
  };
}

function checkUniqueIds(plugins: readonly LoadedPlugin[]): void {
  const seen = new Map<string, LoadedPlugin>();
  for (const loaded of plugins) {
    const first = seen.get(loaded.id);
    if (first)
      throw new PluginLoadError(`duplicate plugin id '${loaded.id}' (also ${first.label})`, loaded.label);
    seen.set(loaded.id, loaded);
  }
}

/** Tool names, prompt names and resource URIs are global: two plugins may not claim the same one. */
function checkUniqueNames(plugins: readonly LoadedPlugin[]): void {
  const kinds = [
    ['tool', (p: AnyPlugin) => (p.tools ?? []).map((t) => t.name)],
    ['prompt', (p: AnyPlugin) => (p.prompts ?? []).map((t) => t.name)],
    ['resource', (p: AnyPlugin) => (p.resources ?? []).map((r) => r.uri ?? r.uriTemplate ?? '')],
  ] as const;
  for (const [kind, namesOf] of kinds) {
    const owner = new Map<string, LoadedPlugin>();
    for (const loaded of plugins) {
      for (const name of namesOf(loaded.plugin)) {
        const first = owner.get(name);
        if (first === loaded) throw new PluginLoadError(`declares ${kind} '${name}' twice`, loaded.label);
        if (first)
          throw new PluginLoadError(
            `${kind} '${name}' is declared by both ${first.label} and ${loaded.label}`,
          );
        owner.set(name, loaded);
      }
    }
  }
}

/** Topological order by services: providers before the plugins that require them. */
function orderByServices(plugins: readonly LoadedPlugin[]): LoadedPlugin[] {
  const providerOf = new Map<string, LoadedPlugin>();
  for (const loaded of plugins) {
    for (const { id } of Object.values(loaded.plugin.provides ?? {}) as ServiceRef<unknown>[]) {
      const other = providerOf.get(id);
      if (other)
        throw new PluginLoadError(`service '${id}' is provided by both ${other.label} and ${loaded.label}`);
      providerOf.set(id, loaded);
    }
  }
  const ordered: LoadedPlugin[] = [];
  const state = new Map<LoadedPlugin, 'visiting' | 'done'>();
  const visit = (loaded: LoadedPlugin, path: LoadedPlugin[]) => {
    if (state.get(loaded) === 'done') return;
    if (state.get(loaded) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(loaded)), loaded].map((p) => p.id).join(' → ');
      throw new PluginLoadError(`plugins require each other in a cycle: ${cycle}`, loaded.label);
    }
    state.set(loaded, 'visiting');
    for (const { id } of Object.values(loaded.plugin.requires ?? {}) as ServiceRef<unknown>[]) {
      const provider = providerOf.get(id);
      if (!provider) {
        throw new PluginLoadError(
          `requires service '${id}', which no plugin in the manifest provides`,
          loaded.label,
        );
      }
      if (provider !== loaded) visit(provider, [...path, loaded]);
    }
    state.set(loaded, 'done');
    ordered.push(loaded);
  };
  for (const loaded of plugins) visit(loaded, []);
  return ordered;
}
