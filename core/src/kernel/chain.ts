import { type CallToolResult, specTypeSchemas } from '@modelcontextprotocol/server';
import { hasBrand, TOOL_RESULT_BRAND } from '../api/brand';
import type { ContentBlock, ToolResult } from '../api/content';
import type { PluginConfig, ToolContext } from '../api/context';
import { isToolError, ToolError } from '../api/errors';
import type { Logger } from '../api/logger';
import type { AnyMiddleware, MiddlewareContext, MiddlewareTarget } from '../api/middleware';
import type { RequestValues } from '../api/service';
import type { Cancellation } from './cancellation';
import type { CompiledTool } from './catalog';
import { RequestScope, type ServiceBinding, type ServiceContainer } from './container';
import type { CallInfo, CallOutcome } from './gate';
import type { LoadedPlugin } from './host';
import { InputRequiredSignal } from './input-required';
import { CancelledError, TimeoutError, withTimeout } from './timeout';

/*
 * The part of a tool call after the gate's checks (selection, input, quota):
 *
 *   plugin middleware (in order) → timeout and abort → handler → result mapping
 *
 * composed once per tool when it is compiled, so a call runs a ready function and
 * a tool no middleware wraps runs the handler step directly.
 */

/**
 * One call in flight: what every step of the chain shares, and its request scope
 * (made only if a request-scoped service is resolved; one per call, so middleware
 * and handler share request services).
 */
export class ToolCallRun extends RequestScope {
  /** Set by the step that decided it (the handler step, or a failing middleware). */
  outcome?: CallOutcome;
  private callLogger?: Logger;

  constructor(
    readonly tool: CompiledTool,
    readonly args: Record<string, unknown>,
    readonly info: CallInfo,
  ) {
    super();
  }

  protected override requestValues(): RequestValues {
    const { info } = this;
    return {
      principal: info.principal,
      credentials: info.credentials,
      requestId: info.requestId,
      logger: this.logger,
      signal: info.cancellation.signal,
    };
  }

  /** The handler's logger (plugin, tool, request id), made on first use: most calls never log. */
  get logger(): Logger {
    this.callLogger ??= this.tool.plugin.logger.child({
      tool: this.tool.name,
      requestId: this.info.requestId,
    });
    return this.callLogger;
  }
}

export type ChainStep = (run: ToolCallRun) => Promise<CallToolResult>;

const NO_PROGRESS = async () => {};

/** Why elicit/sample cannot work here, in words the caller can act on. */
function needsStatefulConnection(what: string): () => Promise<never> {
  return async () => {
    throw new ToolError(
      `This tool needs to ask the client for ${what}, which needs a stateful connection: ` +
        'a 2025-era session (the server runs with transport.sessions: true and the client keeps its Mcp-Session-Id), ' +
        'the HTTP+SSE endpoint (/sse), stdio, or a 2026-07-28 client (input-required round trips). ' +
        'This request came without one.',
    );
  };
}
const NO_ELICIT = needsStatefulConnection('input (elicitation)');
const NO_SAMPLE = needsStatefulConnection('a model completion (sampling)');
const NO_ROOTS = needsStatefulConnection('its roots (roots/list)');

/** A bad return value from a handler or middleware: a plugin bug, reported as an internal error. */
class InvalidToolReturn extends Error {}

/*
 * Results are built in the key order of the SDK's CallToolResult schema (`_meta`,
 * `content`, `structuredContent`, `isError`): the SDK re-parses results with that
 * schema, so a result already in canonical form serializes identically on the SDK
 * path and the direct path.
 */

export function errorResult(message: string, meta?: Readonly<Record<string, unknown>>): CallToolResult {
  return { ...(meta && { _meta: { ...meta } }), content: [{ type: 'text', text: message }], isError: true };
}

const callToolResult = specTypeSchemas.CallToolResult['~standard'];

/** Validate plugin-built content with the SDK's schema, and take its canonical form. */
function canonicalResult(result: unknown): CallToolResult {
  const checked = callToolResult.validate(result);
  if (checked instanceof Promise || checked.issues) {
    const issues = checked instanceof Promise ? [] : checked.issues;
    throw new InvalidToolReturn(
      `the result is not a valid MCP tool result: ${issues.map((i) => i.message).join('; ')}`,
    );
  }
  return checked.value as CallToolResult;
}

export function formatInputIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Map what a handler returned to an MCP result. */
function toCallResult(tool: CompiledTool, value: unknown): CallToolResult {
  if (hasBrand(value, TOOL_RESULT_BRAND)) {
    const { content, structuredContent, isError, _meta } = value as ToolResult;
    return canonicalResult({ _meta, content, structuredContent, isError });
  }
  const { def } = tool;
  if (def.output) {
    const parsed = def.output.safeParse(value);
    if (!parsed.success) {
      throw new InvalidToolReturn(
        `output does not match the tool's output schema: ${formatInputIssues(parsed.error.issues)}`,
      );
    }
    const data = parsed.data as Record<string, unknown>;
    const text = def.render ? def.render(data) : JSON.stringify(data, null, 2);
    return { content: [{ type: 'text', text }], structuredContent: data };
  }
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (Array.isArray(value)) return canonicalResult({ content: value as ContentBlock[] });
  throw new InvalidToolReturn(
    'a tool without an output schema must return a string, content blocks or toolResult()',
  );
}

function internalError(run: ToolCallRun): CallToolResult {
  run.outcome = 'internal_error';
  return errorResult(
    `Tool ${run.tool.name} failed with an internal error. The server log has the details under request id ${run.info.requestId}.`,
  );
}

function toolErrorResult(run: ToolCallRun, error: Error): CallToolResult {
  run.outcome = 'tool_error';
  return errorResult(error.message, (error as { meta?: Record<string, unknown> }).meta);
}

/** The context a handler (or a task tool's `prepare`) gets for one call. */
export function toolContext(run: ToolCallRun, cancellation: Cancellation): ToolContext<never> {
  const { tool, info } = run;
  let services: Readonly<Record<string, unknown>> | undefined;
  return {
    get services() {
      services ??= run.services(tool.services);
      return services as never;
    },
    config: tool.config,
    principal: info.principal,
    credentials: info.credentials,
    get signal() {
      return cancellation.signal;
    },
    requestId: info.requestId,
    get logger() {
      return run.logger;
    },
    progress: info.progress ?? NO_PROGRESS,
    log: info.log ?? NO_PROGRESS,
    elicit: info.elicit ?? NO_ELICIT,
    sample: info.sample ?? NO_SAMPLE,
    listRoots: info.listRoots ?? NO_ROOTS,
    ...(info.clientCapabilities !== undefined && { clientCapabilities: info.clientCapabilities }),
    ...(info.results?.maxTokens !== undefined && { maxResultTokens: info.results.maxTokens }),
  };
}

/** The client-input half of a context (prompts get it too). */
export function askingContext(info: CallInfo) {
  return {
    elicit: info.elicit ?? NO_ELICIT,
    sample: info.sample ?? NO_SAMPLE,
    listRoots: info.listRoots ?? NO_ROOTS,
    ...(info.clientCapabilities !== undefined && { clientCapabilities: info.clientCapabilities }),
  };
}

/**
 * The innermost step: the handler under the tool's timeout and the caller's abort
 * signal, its value mapped to an MCP result. Every outcome becomes a result: a
 * `ToolError` an `isError` result with its message; anything else is logged with
 * plugin, tool and request id, and the caller gets a generic message that leaks
 * no internals.
 */
export const runHandler: ChainStep = async (run) => {
  const { tool, info } = run;
  try {
    const value = await withTimeout(tool.timeoutMs, info.cancellation, (cancellation) =>
      tool.def.handler(run.args, toolContext(run, cancellation)),
    );
    const result = toCallResult(tool, value);
    run.outcome = 'ok';
    return result;
  } catch (error) {
    // Not a failure: the transport asks the client for input and the call comes again.
    if (error instanceof InputRequiredSignal) throw error;
    if (isToolError(error)) return toolErrorResult(run, error);
    if (error instanceof TimeoutError) {
      run.outcome = 'timeout';
      return errorResult(
        `Tool ${tool.name} timed out after ${formatSeconds(error.timeoutMs)}. Try again, or ask for less.`,
      );
    }
    if (error instanceof CancelledError) {
      run.outcome = 'cancelled';
      return errorResult(`The call to ${tool.name} was cancelled.`);
    }
    run.logger.error({ err: error, requestId: info.requestId }, 'tool handler failed');
    return internalError(run);
  }
};

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A plugin's middleware, bound once at load: its services, its config, its place in the order. */
interface BoundMiddleware {
  readonly def: AnyMiddleware;
  readonly plugin: LoadedPlugin;
  readonly order: number;
  readonly services: ServiceBinding;
  readonly config: PluginConfig;
}

/**
 * Every plugin's middleware in chain order, and the composition of a tool's chain.
 *
 * Order: ascending `order` (default 0); ties keep the plugins' manifest order, then
 * the order a plugin declares its middleware in. Which tools: `scope: 'plugin'`
 * (default) wraps the contributing plugin's own tools, `scope: 'server'` every
 * tool, both narrowed by the middleware's `tools` filter. All of it is decided here,
 * once per tool; nothing of it per call.
 */
export class MiddlewareChains {
  private readonly middleware: readonly BoundMiddleware[];

  constructor(plugins: readonly LoadedPlugin[], container: ServiceContainer) {
    const bound: (BoundMiddleware & { rank: [number, number] })[] = [];
    for (const plugin of plugins) {
      for (const [position, def] of (plugin.plugin.middleware ?? []).entries()) {
        bound.push({
          def,
          plugin,
          order: def.order ?? 0,
          services: container.bind(def.services),
          config: plugin.configFor(def),
          rank: [plugin.index, position],
        });
      }
    }
    bound.sort((a, b) => a.order - b.order || a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1]);
    this.middleware = bound;
  }

  /** The middleware that wraps this tool, outermost first. */
  for(target: MiddlewareTarget): readonly BoundMiddleware[] {
    return this.middleware.filter(
      ({ def, plugin }) =>
        (def.scope === 'server' || plugin.id === target.pluginId) && (def.tools?.(target) ?? true),
    );
  }

  /** The tool's whole chain: its middleware around the handler step. */
  compose(target: MiddlewareTarget): ChainStep {
    let step = runHandler;
    for (const middleware of [...this.for(target)].reverse()) step = wrap(middleware, step);
    return step;
  }
}

/** One middleware around the rest of the chain; its failures become results, never rejections. */
function wrap(middleware: BoundMiddleware, next: ChainStep): ChainStep {
  const { def, plugin } = middleware;
  return async (run) => {
    let inner: CallToolResult | undefined;
    let called = false;
    const proceed = async () => {
      if (called) throw new Error(`middleware ${def.name} called next() twice`);
      called = true;
      inner = await next(run);
      return inner;
    };
    let logger: Logger | undefined;
    const middlewareLogger = () => {
      logger ??= plugin.logger.child({
        middleware: def.name,
        tool: run.tool.name,
        requestId: run.info.requestId,
      });
      return logger;
    };
    const { info } = run;
    const ctx: MiddlewareContext<never> = {
      get services() {
        return run.services(middleware.services) as never;
      },
      config: middleware.config,
      principal: info.principal,
      credentials: info.credentials,
      signal: info.cancellation.signal,
      requestId: info.requestId,
      get logger() {
        return middlewareLogger();
      },
      ...(info.results?.maxTokens !== undefined && { maxResultTokens: info.results.maxTokens }),
    };
    try {
      const result = await def.handle(
        { tool: run.tool.name, plugin: run.tool.plugin.id, args: run.args, ctx },
        proceed,
      );
      // What the rest of the chain returned is canonical already; anything else is checked.
      return result === inner ? result : canonicalResult(result);
    } catch (error) {
      if (error instanceof InputRequiredSignal) throw error;
      if (isToolError(error)) return toolErrorResult(run, error);
      middlewareLogger().error({ err: error }, 'tool middleware failed');
      return internalError(run);
    }
  };
}
