import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ToolContext } from '../api/context';
import type { Logger } from '../api/logger';
import type { Credentials, Principal } from '../api/principal';
import type { Cancellation } from './cancellation';
import type { CompiledTool } from './catalog';
import { errorResult, formatInputIssues, ToolCallRun } from './chain';
import type { QuotaGuard } from './identity/quota';
import type { ResultPreferences } from './results/preferences';
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
  readonly listRoots?: ToolContext['listRoots'];
  /** What the client declared it supports, where the transport knows. */
  readonly clientCapabilities?: ToolContext['clientCapabilities'];
  /**
   * How the caller wants results shaped: what its request asked (`?max_result_tokens=`,
   * `?no_image_content`); the operations add the manifest's rules for its client.
   */
  readonly results?: ResultPreferences;
  /** The client's `clientInfo.name`, where the transport knows it (matched by per-client result rules). */
  readonly clientName?: string;
  /** The exchange was charged in an earlier input-required round (its signed requestState says so). */
  readonly prepaid?: boolean;
  /**
   * A 2026-07-28 request: whether its client declared the tasks extension, and the
   * answers it gave in input-required rounds so far. Absent on 2025-era requests,
   * which never run as tasks.
   */
  readonly tasks?: { readonly declared: boolean; readonly answers: Readonly<Record<string, unknown>> };
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
    return (await this.callWithOutcome(tool, args, info)).result;
  }

  /** As `call`, also saying how it ended (a task tells a tool error from an internal failure by it). */
  async callWithOutcome(tool: CompiledTool, args: unknown, info: CallInfo): Promise<GateAnswer> {
    const started = performance.now();
    const { tracing } = this.options;
    const answer = tracing
      ? await tracing.toolCall({ name: tool.name, pluginId: tool.plugin.id }, () =>
          this.admitAndExecute(tool, args, info),
        )
      : await this.admitAndExecute(tool, args, info);
    this.report(tool, info, answer.outcome, started);
    return answer;
  }

  private async admitAndExecute(tool: CompiledTool, args: unknown, info: CallInfo): Promise<GateAnswer> {
    const admitted = await this.admit(tool, args, info);
    return 'refused' in admitted ? admitted.refused : this.execute(tool, admitted.input, info);
  }

  /**
   * The checks before a call runs: its input, then its quota. A task is admitted on
   * its request (a refusal is answered there) and executed later, in the background.
   */
  async admit(
    tool: CompiledTool,
    args: unknown,
    info: CallInfo,
  ): Promise<{ input: Record<string, unknown> } | { refused: GateAnswer }> {
    const input = tool.def.input.safeParse(args ?? {});
    if (!input.success) {
      return {
        refused: {
          outcome: 'invalid_input',
          result: errorResult(
            `Input validation error: Invalid arguments for tool ${tool.name}: ${formatInputIssues(input.error.issues)}`,
          ),
        },
      };
    }
    // One input-required exchange is one call: its later rounds carry signed proof of the first.
    const refusal = info.prepaid
      ? undefined
      : await this.options.quota?.charge(info.principal, info.account ?? info.principal.id, tool.cost);
    if (refusal) return { refused: { outcome: 'quota_exceeded', result: refusal } };
    return { input: input.data as Record<string, unknown> };
  }

  /** Run an admitted call's chain: middleware → timeout and abort → handler → result mapping. */
  async execute(tool: CompiledTool, input: Record<string, unknown>, info: CallInfo): Promise<GateAnswer> {
    const run = new ToolCallRun(tool, input, info);
    try {
      const result = await tool.chain(run);
      // A middleware that answered without calling on decided the outcome by its result.
      return { result, outcome: run.outcome ?? (result.isError ? 'tool_error' : 'ok') };
    } finally {
      run.dispose();
    }
  }

  /** Report a finished call (a refused one too) to the observer. */
  report(tool: CompiledTool, info: CallInfo, outcome: CallOutcome, started: number): void {
    this.options.onCall?.({
      tool,
      principal: info.principal,
      requestId: info.requestId,
      outcome,
      durationMs: performance.now() - started,
    });
  }
}

export interface GateAnswer {
  readonly result: CallToolResult;
  readonly outcome: CallOutcome;
}
