import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ToolContext } from '../api/context';
import type { Logger } from '../api/logger';
import type { Credentials, Principal } from '../api/principal';
import type { Cancellation } from './cancellation';
import type { CompiledTool } from './catalog';
import { errorResult, formatInputIssues, ToolCallRun } from './chain';
import type { QuotaGuard } from './identity/quota';
import type { Tracing } from './tracing';

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
  /** Trace each call in a span of its own; absent when the server does not trace. */
  tracing?: Tracing;
}

/**
 * The call gate: every tool call passes it. Selection has been checked by the
 * caller (the tool came from the caller's ToolSet); the gate validates input,
 * charges quota, then runs the tool's chain (middleware → timeout and abort →
 * handler → result mapping, composed once per tool in `chain.ts`) and reports the
 * outcome. Whatever happens, the caller gets a tool result.
 */
export class CallGate {
  constructor(private readonly options: CallGateOptions = {}) {}

  async call(tool: CompiledTool, args: unknown, info: CallInfo): Promise<CallToolResult> {
    const started = performance.now();
    const { tracing } = this.options;
    const { result, outcome } = tracing
      ? await tracing.toolCall({ name: tool.name, pluginId: tool.plugin.id }, () =>
          this.run(tool, args, info),
        )
      : await this.run(tool, args, info);
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
    const run = new ToolCallRun(tool, input.data as Record<string, unknown>, info);
    try {
      const result = await tool.chain(run);
      // A middleware that answered without calling on decided the outcome by its result.
      return { result, outcome: run.outcome ?? (result.isError ? 'tool_error' : 'ok') };
    } finally {
      run.dispose();
    }
  }
}
