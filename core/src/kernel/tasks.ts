import { randomUUID } from 'node:crypto';
import {
  type CallToolResult,
  inputRequired,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import type { ToolContext } from '../api/context';
import type { Logger } from '../api/logger';
import { isTerminalTask, type TaskRecord, type TaskStatus, type TaskStore } from '../ports/task-store';
import { CancellationSource } from './cancellation';
import type { CompiledTool } from './catalog';
import type { CallGate, CallInfo } from './gate';
import type { ImageLinks } from './results/image-links';

/*
 * Tasks (SEP-2663, the `io.modelcontextprotocol/tasks` extension of 2026-07-28): a
 * tools/call the server answers with a task at once, running the call on in the
 * background. The instance that started it runs it and holds a lease on it in the
 * TaskStore; `tasks/get`, `tasks/update` (answers to its questions) and
 * `tasks/cancel` work on the stored record from any instance, and the running
 * instance picks answers and cancellation up from the store. A task whose instance
 * died is failed once its lease lapses, never `working` forever.
 */

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export interface TaskSettings {
  /** How long a task is kept after it last changed (default 1 h). */
  ttlMs?: number;
  /** The polling interval suggested to clients (default 1 s). */
  pollIntervalMs?: number;
  /** How long a running task stays claimed without its instance renewing the claim (default 30 s). */
  leaseMs?: number;
  /** How often the running instance looks for answers and cancellation left on another instance (default 250 ms). */
  checkMs?: number;
}

const DEFAULTS = { ttlMs: 3_600_000, pollIntervalMs: 1_000, leaseMs: 30_000, checkMs: 250 };

/** The error of a task whose instance stopped renewing its lease. */
const LEASE_LOST = {
  code: ProtocolErrorCode.InternalError,
  message: 'The server instance running this task stopped before the task finished. Start it again.',
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The client declared the tasks extension in this request's capabilities. */
export function declaresTasks(capabilities: unknown): boolean {
  const extensions = (capabilities as { extensions?: unknown } | undefined)?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

/** -32021 for a 2026-07-28 client that did not declare the tasks extension. */
export function tasksCapabilityMissing(what: string): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    `${what} needs the ${TASKS_EXTENSION} extension: declare it in the request's client capabilities.`,
  );
}

/** The task fields every answer about a task carries. */
function taskFields(record: TaskRecord) {
  return {
    taskId: record.taskId,
    status: record.status,
    ...(record.statusMessage !== undefined && { statusMessage: record.statusMessage }),
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
    ttlMs: record.ttlMs,
    pollIntervalMs: record.pollIntervalMs,
  };
}

/** What `tasks/get` shows moved: status, status message, questions or the update time. */
function visiblyChanged(before: TaskRecord, after: TaskRecord): boolean {
  const asked = (record: TaskRecord) => Object.keys(record.inputRequests ?? {}).join(',');
  return (
    before.status !== after.status ||
    before.statusMessage !== after.statusMessage ||
    before.lastUpdatedAt !== after.lastUpdatedAt ||
    asked(before) !== asked(after)
  );
}

/** A call running on this instance: how to stop it, and its questions waiting for answers. */
interface RunningTask {
  readonly cancellation: CancellationSource;
  readonly waiting: Map<string, (answer: unknown) => void>;
  readonly answers: Record<string, unknown>;
  timer?: NodeJS.Timeout;
  leaseRenewedAt: number;
  checking?: Promise<void>;
}

export class TaskManager {
  private readonly settings: Required<TaskSettings>;
  private readonly running = new Map<string, RunningTask>();
  private closed = false;

  constructor(
    private readonly store: TaskStore,
    private readonly gate: CallGate,
    private readonly logger: Logger,
    settings: TaskSettings = {},
    /** Where a task's images go when its caller asked for links (`?no_image_content`). */
    private readonly imageLinks?: ImageLinks,
    /** Told of each change a client could see (status, message, questions): the bus, for listen streams. */
    private readonly changed?: (task: { taskId: string; owner: string }) => void,
  ) {
    this.settings = { ...DEFAULTS, ...settings };
  }

  /**
   * Create the task (stored before this resolves, so `tasks/get` finds it at once)
   * and run the admitted call in the background. `answers` are those given on the
   * request before the task started (input-required rounds of `prepare`).
   */
  async start(
    tool: CompiledTool,
    input: Record<string, unknown>,
    info: CallInfo,
    answers: Record<string, unknown>,
  ) {
    const now = Date.now();
    const record: TaskRecord = {
      taskId: randomUUID(),
      owner: info.account ?? info.principal.id,
      tool: tool.name,
      status: 'working',
      createdAt: iso(now),
      lastUpdatedAt: iso(now),
      ttlMs: this.settings.ttlMs,
      pollIntervalMs: this.settings.pollIntervalMs,
      leaseUntil: now + this.settings.leaseMs,
    };
    await this.store.create(record);
    const task: RunningTask = {
      cancellation: new CancellationSource(),
      waiting: new Map(),
      answers: { ...answers },
      leaseRenewedAt: now,
    };
    this.running.set(record.taskId, task);
    task.timer = setInterval(() => this.check(record.taskId, task), this.settings.checkMs);
    task.timer.unref();
    void this.run(tool, input, info, record.taskId, task);
    return { resultType: 'task' as const, ...taskFields(record) };
  }

  /** `tasks/get`: the task with its result, error or questions inlined. */
  async get(owner: string, taskId: string) {
    const record = await this.find(owner, taskId);
    return {
      ...taskFields(record),
      ...(record.status === 'input_required' &&
        record.inputRequests && { inputRequests: record.inputRequests }),
      ...(record.status === 'completed' && record.result && { result: record.result }),
      ...(record.status === 'failed' && record.error && { error: record.error }),
    };
  }

  /**
   * `tasks/update`: answers to some or all of the task's questions. Answered ones
   * leave `inputRequests`; the task is `working` again once none is left. Answers
   * to questions it is not asking are ignored.
   */
  async update(owner: string, taskId: string, responses: Record<string, unknown>): Promise<void> {
    await this.find(owner, taskId);
    await this.change(taskId, (current) => {
      if (current.status !== 'input_required' || !current.inputRequests) return undefined;
      const pending = { ...current.inputRequests };
      const delivered = { ...current.inputResponses };
      let taken = false;
      for (const [key, answer] of Object.entries(responses)) {
        if (!(key in pending)) continue;
        delete pending[key];
        delivered[key] = answer;
        taken = true;
      }
      if (!taken) return undefined;
      const left = Object.keys(pending).length > 0;
      return {
        ...current,
        status: left ? 'input_required' : 'working',
        inputRequests: left ? pending : undefined,
        inputResponses: delivered,
        lastUpdatedAt: iso(Date.now()),
      };
    });
    const local = this.running.get(taskId);
    if (local) this.check(taskId, local);
  }

  /** `tasks/cancel`: the task is `cancelled` at once and its call stopped; a finished task stays as it is. */
  async cancel(owner: string, taskId: string): Promise<void> {
    await this.find(owner, taskId);
    await this.change(taskId, (current) =>
      isTerminalTask(current.status)
        ? undefined
        : this.settle({ ...current, cancelRequested: true }, 'cancelled', 'Cancelled by the client.'),
    );
    const local = this.running.get(taskId);
    if (local) this.check(taskId, local);
  }

  /** Stop watching running tasks (shutdown); their leases lapse and other instances fail them. */
  close(): void {
    this.closed = true;
    for (const [, task] of this.running) {
      clearInterval(task.timer);
      task.cancellation.cancel(new Error('server shutting down'));
    }
    this.running.clear();
  }

  /** The caller's task, its lease checked; anyone else's, or none, is -32602 "not found". */
  private async find(owner: string, taskId: string): Promise<TaskRecord> {
    let record = typeof taskId === 'string' ? await this.store.get(taskId) : undefined;
    if (!record || record.owner !== owner) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Task ${taskId} not found`);
    }
    if (!isTerminalTask(record.status) && record.leaseUntil < Date.now()) {
      record =
        (await this.change(taskId, (current) =>
          !isTerminalTask(current.status) && current.leaseUntil < Date.now()
            ? { ...this.settle(current, 'failed', LEASE_LOST.message), error: LEASE_LOST }
            : undefined,
        )) ?? record;
    }
    return record;
  }

  /** `store.update`, telling `changed` when the change is one a client could see. */
  private async change(
    taskId: string,
    next: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<TaskRecord | undefined> {
    let seen = false;
    const record = await this.store.update(taskId, (current) => {
      // The last call is the one applied (a store may call again after a concurrent update).
      const changed = next(current);
      seen = changed !== undefined && visiblyChanged(current, changed);
      return changed;
    });
    if (seen && record) this.changed?.({ taskId, owner: record.owner });
    return record;
  }

  private settle(record: TaskRecord, status: TaskStatus, statusMessage?: string): TaskRecord {
    return {
      ...record,
      status,
      ...(statusMessage !== undefined && { statusMessage }),
      inputRequests: undefined,
      inputResponses: undefined,
      lastUpdatedAt: iso(Date.now()),
    };
  }

  private async run(
    tool: CompiledTool,
    input: Record<string, unknown>,
    info: CallInfo,
    taskId: string,
    task: RunningTask,
  ): Promise<void> {
    const started = performance.now();
    let outcome: Awaited<ReturnType<CallGate['execute']>>['outcome'] = 'internal_error';
    try {
      const answer = await this.gate.execute(tool, input, this.taskInfo(info, taskId, task));
      outcome = answer.outcome;
      const result =
        answer.result && info.results?.imageLinks && this.imageLinks
          ? await this.imageLinks.link(answer.result, info.account ?? info.principal.id, tool.name)
          : answer.result;
      await this.finish(taskId, answer.outcome, result);
    } catch (error) {
      this.logger.error({ err: error, taskId, tool: tool.name }, 'task failed');
      await this.finish(taskId, 'internal_error', undefined).catch(() => {});
    } finally {
      clearInterval(task.timer);
      this.running.delete(taskId);
      this.gate.report(tool, info, outcome, started);
    }
  }

  /** Store how the call ended, unless the task was settled already (cancelled). */
  private async finish(
    taskId: string,
    outcome: Awaited<ReturnType<CallGate['execute']>>['outcome'],
    result: CallToolResult | undefined,
  ): Promise<void> {
    await this.change(taskId, (current) => {
      if (isTerminalTask(current.status)) return undefined;
      if (outcome === 'cancelled') return this.settle(current, 'cancelled');
      // A tool error is a completed task with an isError result; `failed` is for protocol-level failures.
      if (outcome === 'internal_error' || !result) {
        const message =
          (result?.content?.[0] as { text?: string } | undefined)?.text ??
          'The task failed with an internal error.';
        return {
          ...this.settle(current, 'failed'),
          error: { code: ProtocolErrorCode.InternalError, message },
        };
      }
      return { ...this.settle(current, 'completed'), result: result as Record<string, unknown> };
    });
  }

  /** The call's context: its own cancellation (a client disconnecting does not stop it), questions through the task. */
  private taskInfo(info: CallInfo, taskId: string, task: RunningTask): CallInfo {
    let asked = 0;
    const ask = (kind: 'elicit' | 'sample', key: string | undefined, request: unknown) => {
      const name = key ?? `${kind}-${asked}`;
      asked++;
      if (name in task.answers) return Promise.resolve(task.answers[name]);
      return new Promise<unknown>((resolve, reject) => {
        const stop = task.cancellation.onCancel(reject);
        task.waiting.set(name, (answer) => {
          stop();
          resolve(answer);
        });
        this.change(taskId, (current) =>
          isTerminalTask(current.status)
            ? undefined
            : {
                ...current,
                status: 'input_required',
                inputRequests: { ...current.inputRequests, [name]: request },
                lastUpdatedAt: iso(Date.now()),
              },
        ).catch(reject);
      });
    };
    const progress: ToolContext['progress'] = async (value, total, message) => {
      const statusMessage = [total === undefined ? `${value}` : `${value}/${total}`, message]
        .filter(Boolean)
        .join(' ');
      await this.change(taskId, (current) =>
        current.status === 'working'
          ? { ...current, statusMessage, lastUpdatedAt: iso(Date.now()) }
          : undefined,
      ).catch((error) => this.logger.warn({ err: error, taskId }, 'task progress not stored'));
    };
    return {
      principal: info.principal,
      credentials: info.credentials,
      ...(info.account !== undefined && { account: info.account }),
      requestId: info.requestId,
      cancellation: task.cancellation,
      logger: info.logger,
      progress,
      elicit: (params, options) =>
        ask('elicit', options?.key, inputRequired.elicit(params)) as ReturnType<ToolContext['elicit']>,
      sample: (params, options) =>
        ask('sample', options?.key, inputRequired.createMessage(params)) as ReturnType<ToolContext['sample']>,
    };
  }

  /**
   * Look at the stored task: take delivered answers, stop the call when it was
   * cancelled, renew the lease. One look at a time per task.
   */
  private check(taskId: string, task: RunningTask): void {
    if (task.checking || this.closed) return;
    task.checking = this.look(taskId, task)
      .catch((error) => this.logger.warn({ err: error, taskId }, 'task check failed'))
      .finally(() => {
        task.checking = undefined;
      });
  }

  private async look(taskId: string, task: RunningTask): Promise<void> {
    const now = Date.now();
    const renew = now - task.leaseRenewedAt >= this.settings.leaseMs / 3;
    let delivered: Record<string, unknown> | undefined;
    const record = await this.change(taskId, (current) => {
      const taking = current.inputResponses && Object.keys(current.inputResponses).length > 0;
      if (!taking && !renew) return undefined;
      delivered = taking ? { ...current.inputResponses } : undefined;
      return {
        ...current,
        ...(taking && { inputResponses: undefined }),
        ...(renew && { leaseUntil: now + this.settings.leaseMs }),
      };
    });
    if (renew) task.leaseRenewedAt = now;
    if (!record || record.cancelRequested || record.status === 'cancelled') {
      task.cancellation.cancel(new Error('task cancelled'));
      return;
    }
    for (const [key, answer] of Object.entries(delivered ?? {})) {
      task.answers[key] = answer;
      const waiter = task.waiting.get(key);
      task.waiting.delete(key);
      waiter?.(answer);
    }
  }
}
