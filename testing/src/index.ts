/**
 * @toolhost/testing — test a Toolhost plugin without a server. `startTestKernel`
 * boots the real kernel (plugin validation, `setup`, the call gate, middleware,
 * result mapping) with your plugins, and connects a real MCP SDK client to it over
 * an in-memory transport: what the test sees is what a model's client would see.
 */
import { type CallToolResult, Client, InMemoryTransport, type Tool } from '@modelcontextprotocol/client';
import type { AnyPlugin, Logger } from '@toolhost/core';
import { createKernel, type ToolhostKernel } from '@toolhost/core/kernel';
import { newToken } from '@toolhost/core/ports';

/** `legacy`: the 2025 handshake (`initialize`); `modern`: the 2026-07-28 era. */
export type Era = 'legacy' | 'modern';

/** Who calls: anonymous, a user with a Toolhost API token, or a token a plugin's identity provider checks. */
export type TestPrincipal = 'anonymous' | { user: string; plan?: string } | { token: string };

export interface TestKernelOptions {
  /** The plugins to load: plugin objects, or `{ plugin, config }`. */
  plugins: readonly (AnyPlugin | { plugin: AnyPlugin; config?: unknown })[];
  /** Each plugin's config by plugin id, as the manifest's `config:` would give it. */
  config?: Readonly<Record<string, unknown>>;
  /** Who calls (default anonymous). */
  principal?: TestPrincipal;
  /** The calling user's saved settings (plugins, disabledTools, plugin fields); needs a `{ user }` principal. */
  settings?: Readonly<Record<string, unknown>>;
  /** The environment plugins see in `setup` (default: none, so a test never picks up real tokens). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The protocol era of the client (default `legacy`). */
  era?: Era;
  /** Where kernel and plugin logs go (default: kept in `logs`, warnings and errors also to stderr). */
  logger?: Logger;
  /** Default tool timeout (30 s). */
  toolTimeoutMs?: number;
}

export interface LogLine {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface TestKernel {
  /** A real MCP SDK v2 client connected to the kernel. */
  readonly client: Client;
  /** The kernel, for what the client cannot reach (health, settings). */
  readonly kernel: ToolhostKernel;
  /** Log lines written by the kernel and the plugins (when no `logger` was given). */
  readonly logs: readonly LogLine[];
  /** Every tool the caller sees, as `tools/list` lists them. */
  listTools(): Promise<Tool[]>;
  /** Call a tool; a failure the model would see comes back as an `isError` result, not a throw. */
  callTool(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Disconnect and shut the kernel (and the plugins' `onShutdown` hooks) down. */
  close(): Promise<void>;
}

/** A logger that keeps lines for assertions and shows warnings and errors on stderr. */
function memoryLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const write =
    (level: LogLine['level']) =>
    (obj: unknown, msg?: string): void => {
      const fields = typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>) : {};
      const text = typeof obj === 'string' ? obj : msg;
      const line: LogLine = { ...bindings, ...fields, level, ...(text !== undefined && { msg: text }) };
      lines.push(line);
      if (level === 'warn' || level === 'error') {
        const err = fields['err'] instanceof Error ? ` ${(fields['err'] as Error).stack}` : '';
        process.stderr.write(`[toolhost ${level}] ${text ?? ''}${err}\n`);
      }
    };
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => memoryLogger(lines, { ...bindings, ...more }),
  };
}

function asEntry(
  item: AnyPlugin | { plugin: AnyPlugin; config?: unknown },
  config: Readonly<Record<string, unknown>> | undefined,
): { plugin: AnyPlugin; config?: unknown } {
  const entry = 'plugin' in item && typeof item.plugin === 'object' ? item : { plugin: item as AnyPlugin };
  const given = config?.[entry.plugin.id];
  return given === undefined ? entry : { plugin: entry.plugin, config: given };
}

/** Boot the real kernel with `plugins` and connect a real SDK client to it, in memory. */
export async function startTestKernel(options: TestKernelOptions): Promise<TestKernel> {
  const logs: LogLine[] = [];
  const logger = options.logger ?? memoryLogger(logs);
  const kernel = await createKernel({
    plugins: options.plugins.map((item) => asEntry(item, options.config)),
    logger,
    env: options.env ?? {},
    ...(options.toolTimeoutMs !== undefined && { toolTimeoutMs: options.toolTimeoutMs }),
  });
  try {
    const token = await tokenFor(kernel, options.principal ?? 'anonymous');
    if (options.settings !== undefined) {
      const caller = await kernel.resolveCaller({ token, logger });
      if (!caller.ok || caller.caller.principal.kind !== 'user') {
        throw new Error('startTestKernel: `settings` needs a signed-in principal, such as { user: "alice" }');
      }
      await kernel.settings.put(caller.caller.principal.id, options.settings);
    }
    const resolution = await kernel.resolveCaller({ token, logger });
    if (!resolution.ok) throw new Error(`startTestKernel: the principal was refused: ${resolution.message}`);

    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const handle = kernel.serveTransport(resolution.caller, serverSide);
    const era = options.era ?? 'legacy';
    const client = new Client(
      { name: `toolhost-testing-${era}`, version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
    await client.connect(clientSide);
    let closed = false;
    return {
      client,
      kernel,
      logs,
      listTools: async () => {
        const tools: Tool[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.listTools(cursor === undefined ? {} : { cursor });
          tools.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        return tools;
      },
      callTool: async (name, args = {}) =>
        (await client.callTool({ name, arguments: args })) as CallToolResult,
      close: async () => {
        if (closed) return;
        closed = true;
        await client.close().catch(() => {});
        await handle.close().catch(() => {});
        await kernel.shutdown();
      },
    };
  } catch (error) {
    await kernel.shutdown();
    throw error;
  }
}

/** The bearer token for a principal: none for anonymous, a fresh Toolhost API token for a user. */
async function tokenFor(kernel: ToolhostKernel, principal: TestPrincipal): Promise<string | undefined> {
  if (principal === 'anonymous') return undefined;
  if ('token' in principal) return principal.token;
  const { token, hash, record } = newToken(principal.user, principal.plan ?? 'free');
  await kernel.tokens.insert(hash, record);
  return token;
}
