import { type StdioServerHandle, StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../api/logger';
import type { AnyPlugin } from '../api/plugin';
import { KERNEL_VERSION } from '../api/version';
import { type EventBus, InMemoryEventBus } from '../ports/event-bus';
import { Catalog } from './catalog';
import { CallGate, type ToolCallEvent } from './gate';
import { PluginHost } from './host';
import type { PluginEntry } from './loader';
import type { McpCaller, ServerIdentity } from './mcp/caller';
import { McpHttpEndpoint } from './mcp/http-endpoint';
import { createSdkServer } from './mcp/sdk-server';
import { McpOperations } from './operations';
import { ToolSetCache } from './toolset';

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
  serverInfo?: { name: string; version: string; title?: string };
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
  private readonly callListeners = new Set<(event: ToolCallEvent) => void>();

  private constructor(
    readonly host: PluginHost,
    private readonly options: KernelOptions,
  ) {
    this.catalog = new Catalog(host.plugins, { toolTimeoutMs: options.toolTimeoutMs });
    this.bus =
      options.bus ??
      new InMemoryEventBus((error) => options.logger.warn({ err: error }, 'event listener failed'));
    this.toolSets = new ToolSetCache(this.catalog);
    const gate = new CallGate({
      onCall: (event) => {
        for (const listener of this.callListeners) listener(event);
      },
    });
    this.ops = new McpOperations(gate);
    this.identity = {
      serverInfo: options.serverInfo ?? { name: 'toolhost', version: KERNEL_VERSION },
      capabilities: this.capabilities(),
      ...(options.instructions !== undefined && { instructions: options.instructions }),
    };
    this.http = new McpHttpEndpoint(this.ops, this.identity, {
      directPath: options.directPath,
      onError: (error) => options.logger.debug({ err: error }, 'MCP request rejected by the SDK'),
    });
  }

  /** Load the plugins a manifest names, set them up, and compile the catalog. */
  static async start(entries: readonly PluginEntry[], options: KernelOptions): Promise<Kernel> {
    const host = await PluginHost.load(entries, {
      baseDir: options.baseDir ?? process.cwd(),
      logger: options.pluginLogger ?? options.logger,
      env: options.env,
      setupTimeoutMs: options.setupTimeoutMs,
    });
    await host.start();
    return new Kernel(host, options);
  }

  /** Start from plugin objects in hand instead of a manifest (tests and embedding). */
  static async fromPlugins(
    plugins: readonly { plugin: AnyPlugin; config?: unknown }[],
    options: KernelOptions,
  ): Promise<Kernel> {
    const host = PluginHost.fromPlugins(plugins, {
      baseDir: options.baseDir ?? process.cwd(),
      logger: options.pluginLogger ?? options.logger,
      env: options.env,
      setupTimeoutMs: options.setupTimeoutMs,
    });
    await host.start();
    return new Kernel(host, options);
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
    return serveStdio(() => createSdkServer(this.ops, this.identity, caller), {
      legacy: 'serve',
      ...(streams && {
        transport: new StdioServerTransport(streams.stdin as never, streams.stdout as never),
      }),
      onerror: (error) => this.options.logger.warn({ err: error }, 'stdio transport error'),
    });
  }

  async shutdown(): Promise<void> {
    await this.http.close();
    await this.host.stop();
    await this.bus.close?.();
  }

  private capabilities(): Record<string, unknown> {
    const resources = [...this.catalog.resources.values()];
    const prompts = [...this.catalog.prompts.values()];
    const completes =
      prompts.some((p) => p.def.complete) ||
      resources.some((r) => (r.def as { complete?: unknown }).complete);
    return {
      tools: { listChanged: true },
      ...(resources.length > 0 && { resources: { listChanged: true } }),
      ...(prompts.length > 0 && { prompts: { listChanged: true } }),
      ...(completes && { completions: {} }),
    };
  }
}
