import { type CallToolResult, specTypeSchemas } from '@modelcontextprotocol/server';
import { hasBrand, TOOL_RESULT_BRAND } from '../api/brand';
import type { ContentBlock, ToolResult } from '../api/content';
import type { ToolContext } from '../api/context';
import { isToolError, ToolError } from '../api/errors';
import type { Logger } from '../api/logger';
import type { Credentials, Principal } from '../api/principal';
import type { ServiceRef } from '../api/service';
import type { Cancellation } from './cancellation';
import type { CompiledTool } from './catalog';
import { createChildScope, type Scope } from './container';
import type { QuotaGuard } from './identity/quota';
import { InputRequiredSignal } from './input-required';
import { CancelledError, TimeoutError, withTimeout } from './timeout';

/** Everything about the caller that a tool call needs; built by the transport layer. */
export interface CallInfo {
  readonly principal: Principal;
  readonly credentials: Credentials;
  /** The quota account charged for the call: the principal id, or `anonymous:<ip>`. Defaults to the principal id. */
  readonly account?: string;
  readonly requestId: string;
  /** Cancelled when the client cancels or disconnects. */
  readonly cancellation: Cancellation;
  /** The request's logger (kernel lines); plugin code logs through its plugin's logger instead. */
  readonly logger: Logger;
  /** Sends `notifications/progress`; absent when the client gave no progress token. */
  readonly progress?: (progress: number, total?: number, message?: string) => Promise<void>;
  /** Sends `notifications/message`; absent where the answer cannot carry notifications. */
  readonly log?: ToolContext['log'];
  /** Server→client requests; present only on stateful connections (sessions, SSE, stdio). */
  readonly elicit?: ToolContext['elicit'];
  readonly sample?: ToolContext['sample'];
}

export type CallOutcome =
  | 'ok'
  | 'tool_error'
  | 'invalid_input'
  | 'quota_exceeded'
  | 'internal_error'
  | 'timeout'
  | 'cancelled';

export interface ToolCallEvent {
  readonly tool: CompiledTool;
  readonly principal: Principal;
  readonly requestId: string;
  readonly outcome: CallOutcome;
  readonly durationMs: number;
}

export interface CallGateOptions {
  /** Observer for every finished call (metrics, logs). Must not throw. */
  onCall?: (event: ToolCallEvent) => void;
  /** Quotas, charged after input validation and before the handler: invalid calls cost nothing. */
  quota?: QuotaGuard;
}

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

/** A bad return value from a handler: a plugin bug, reported as an internal error. */
class InvalidToolReturn extends Error {}

/*
 * Results are built in the key order of the SDK's CallToolResult schema (`_meta`,
 * `content`, `structuredContent`, `isError`): the SDK re-parses results with that
 * schema, so a result already in canonical form serializes identically on the SDK
 * path and the direct path.
 */

function errorResult(message: string, meta?: Readonly<Record<string, unknown>>): CallToolResult {
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

function formatInputIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
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

/**
 * The call gate: validates input, runs the handler in a request scope with a
 * timeout and abort signal, and turns every outcome into a tool result. A
 * `ToolError` becomes an `isError` result with its message; anything else is
 * logged with plugin, tool and request id, and the caller gets a generic message
 * that leaks no internals.
 */
export class CallGate {
  constructor(private readonly options: CallGateOptions = {}) {}

  async call(tool: CompiledTool, args: unknown, info: CallInfo): Promise<CallToolResult> {
    const started = performance.now();
    const { result, outcome } = await this.run(tool, args, info);
    this.options.onCall?.({
      tool,
      principal: info.principal,
      requestId: info.requestId,
      outcome,
      durationMs: performance.now() - started,
    });
    return result;
  }

  private async run(
    tool: CompiledTool,
    args: unknown,
    info: CallInfo,
  ): Promise<{ result: CallToolResult; outcome: CallOutcome }> {
    const input = tool.def.input.safeParse(args ?? {});
    if (!input.success) {
      return {
        outcome: 'invalid_input',
        result: errorResult(
          `Input validation error: Invalid arguments for tool ${tool.name}: ${formatInputIssues(input.error.issues)}`,
        ),
      };
    }
    const refusal = await this.options.quota?.charge(
      info.principal,
      info.account ?? info.principal.id,
      tool.cost,
    );
    if (refusal) return { outcome: 'quota_exceeded', result: refusal };
    // The request scope and the child logger are made only if the handler uses them:
    // most calls of cheap tools need neither, and both cost on the hot path.
    let scope: Scope | undefined;
    let logger: Logger | undefined;
    const callLogger = () => {
      logger ??= tool.plugin.logger.child({ tool: tool.name, requestId: info.requestId });
      return logger;
    };
    const services = () => {
      scope ??= createChildScope(tool.plugin.scope!, {
        principal: info.principal,
        credentials: info.credentials,
        requestId: info.requestId,
        logger: callLogger(),
      });
      const resolved: Record<string, unknown> = {};
      for (const [key, ref] of Object.entries(tool.def.services ?? {})) {
        resolved[key] = scope.resolve((ref as ServiceRef<unknown>).id);
      }
      return resolved;
    };
    try {
      const value = await withTimeout(tool.timeoutMs, info.cancellation, (cancellation) => {
        let resolvedServices: Record<string, unknown> | undefined;
        const ctx: ToolContext<never> = {
          get services() {
            resolvedServices ??= services();
            return resolvedServices as never;
          },
          principal: info.principal,
          credentials: info.credentials,
          get signal() {
            return cancellation.signal;
          },
          requestId: info.requestId,
          get logger() {
            return callLogger();
          },
          progress: info.progress ?? NO_PROGRESS,
          log: info.log ?? NO_PROGRESS,
          elicit: info.elicit ?? NO_ELICIT,
          sample: info.sample ?? NO_SAMPLE,
        };
        return tool.def.handler(input.data, ctx);
      });
      return { outcome: 'ok', result: toCallResult(tool, value) };
    } catch (error) {
      // Not a failure: the transport asks the client for input and the call comes again.
      if (error instanceof InputRequiredSignal) throw error;
      if (isToolError(error)) {
        return {
          outcome: 'tool_error',
          result: errorResult(error.message, (error as { meta?: Record<string, unknown> }).meta),
        };
      }
      if (error instanceof TimeoutError) {
        return {
          outcome: 'timeout',
          result: errorResult(
            `Tool ${tool.name} timed out after ${formatSeconds(error.timeoutMs)}. Try again, or ask for less.`,
          ),
        };
      }
      if (error instanceof CancelledError) {
        return { outcome: 'cancelled', result: errorResult(`The call to ${tool.name} was cancelled.`) };
      }
      callLogger().error({ err: error, requestId: info.requestId }, 'tool handler failed');
      return {
        outcome: 'internal_error',
        result: errorResult(
          `Tool ${tool.name} failed with an internal error. The server log has the details under request id ${info.requestId}.`,
        ),
      };
    } finally {
      if (scope) void scope.dispose();
    }
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
