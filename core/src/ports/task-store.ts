/**
 * Tasks (the 2026-07-28 tasks extension, SEP-2663): a tool call that outlives its
 * request. The kernel runs it on one instance; its state lives here, so any
 * instance can answer `tasks/get`, take `tasks/update` input and `tasks/cancel`.
 */

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

export function isTerminalTask(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.includes(status);
}

/** One task as stored: JSON-serialisable, never credentials. */
export interface TaskRecord {
  readonly taskId: string;
  /** Who may see and steer it: the quota account of the caller who started it. Anyone else gets not-found. */
  readonly owner: string;
  readonly tool: string;
  readonly status: TaskStatus;
  readonly statusMessage?: string;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  /** How long the task is kept after it last changed (ms). */
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
  /** Questions waiting for the client, by the ids it answers them under (`tasks/update`). */
  readonly inputRequests?: Readonly<Record<string, unknown>>;
  /** Answers taken by `tasks/update` that the running instance has not picked up yet. */
  readonly inputResponses?: Readonly<Record<string, unknown>>;
  /** `tasks/cancel` arrived; the running instance stops the call when it sees this. */
  readonly cancelRequested?: boolean;
  /** The tool result of a completed task. */
  readonly result?: Readonly<Record<string, unknown>>;
  /** The JSON-RPC error of a failed task. */
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
  /** The instance running it holds it until then (epoch ms) and renews; past it, the task is failed. */
  readonly leaseUntil: number;
}

/**
 * Where tasks live. `update` is a read-modify-write that must be atomic against
 * other updates of the same task (from any instance): `change` gets the current
 * record and returns the next one, or `undefined` to leave it as it is; it may
 * be called again if a concurrent update won, so it must be pure.
 */
export interface TaskStore {
  create(record: TaskRecord): Promise<void>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  /** Resolves to the record after the change (or unchanged), `undefined` when there is no such task. */
  update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<TaskRecord | undefined>;
  close?(): void | Promise<void>;
}

/**
 * When a stored task may be forgotten (epoch ms): `ttlMs` after it last changed,
 * and never while it is running (a live lease keeps it; a dead one fails it first).
 */
export function taskExpiry(record: TaskRecord): number {
  const changed = Date.parse(record.lastUpdatedAt);
  return isTerminalTask(record.status)
    ? changed + record.ttlMs
    : Math.max(record.leaseUntil, changed) + record.ttlMs;
}

/** Tasks in this process's memory: one instance, or tests. Expired tasks are swept as others are created. */
export class InMemoryTaskStore implements TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();

  async create(record: TaskRecord): Promise<void> {
    this.sweep();
    this.tasks.set(record.taskId, structuredClone(record));
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const record = this.live(taskId);
    return record && structuredClone(record);
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<TaskRecord | undefined> {
    const current = this.live(taskId);
    if (!current) return undefined;
    const next = change(structuredClone(current));
    if (next) this.tasks.set(taskId, structuredClone(next));
    return structuredClone(next ?? current);
  }

  private live(taskId: string): TaskRecord | undefined {
    const record = this.tasks.get(taskId);
    if (record && taskExpiry(record) <= Date.now()) {
      this.tasks.delete(taskId);
      return undefined;
    }
    return record;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, record] of this.tasks) if (taskExpiry(record) <= now) this.tasks.delete(id);
  }
}
