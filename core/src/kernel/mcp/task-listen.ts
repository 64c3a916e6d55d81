import { SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { EventBus, KernelEvent } from '../../ports/event-bus';
import { declaresTasks, type TaskManager, tasksCapabilityMissing } from '../tasks';
import { type ServerIdentity, stampedServerInfo } from './caller';
import { MODERN_REVISION } from './direct-path';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import { header } from './web';

/*
 * Task status notifications (SEP-2663): a 2026-07-28 client asks for them on a
 * `subscriptions/listen` stream with `notifications.taskIds`, and gets
 * `notifications/tasks` — the whole task, as `tasks/get` gives it — each time one of
 * those tasks changes. The SDK's listen router knows no `taskIds` (it would drop them
 * from the acknowledgement and never send a task), so Toolhost serves such streams
 * itself, list changes included; listen requests without `taskIds` stay the SDK's.
 * Changes come from the kernel bus, so a task running on another instance is heard too.
 */

const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';
const MAX_TASK_IDS = 100;
const LISTS = {
  toolsListChanged: 'tools',
  promptsListChanged: 'prompts',
  resourcesListChanged: 'resources',
} as const;
type ListFlag = keyof typeof LISTS;

interface ListenParams {
  notifications?: Record<string, unknown> & { taskIds?: unknown };
  _meta?: Record<string, unknown>;
}

interface ListenRequest {
  jsonrpc: '2.0';
  id: string | number;
  method: 'subscriptions/listen';
  params?: ListenParams;
}

const isTerminal = (status: unknown) =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

function jsonError(
  status: number,
  id: unknown,
  code: number,
  message: string,
  data?: unknown,
): McpHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      error: { code, message, ...(data !== undefined && { data }) },
    }),
  };
}

export class TaskListenStreams {
  constructor(
    private readonly bus: EventBus,
    private readonly tasks: TaskManager,
    private readonly identity: ServerIdentity,
    private readonly keepAliveMs = 15_000,
  ) {}

  /** A 2026-07-28 `subscriptions/listen` that asks for task notifications (anything else is the SDK's). */
  claims(request: McpHttpRequest): boolean {
    const body = request.body as Partial<ListenRequest> | undefined;
    return (
      request.method === 'POST' &&
      body?.method === 'subscriptions/listen' &&
      body.params?.notifications?.taskIds !== undefined &&
      (typeof body.id === 'string' || typeof body.id === 'number') &&
      header(request.headers['mcp-protocol-version']) === MODERN_REVISION &&
      header(request.headers['mcp-method']) === 'subscriptions/listen' &&
      body.params?._meta?.['io.modelcontextprotocol/protocolVersion'] === MODERN_REVISION
    );
  }

  async serve(request: McpHttpRequest): Promise<McpHttpResponse> {
    const message = request.body as ListenRequest;
    const notifications = message.params?.notifications ?? {};
    const { taskIds } = notifications;
    if (!declaresTasks(message.params?._meta?.[CLIENT_CAPABILITIES_KEY])) {
      const error = tasksCapabilityMissing('Task status notifications (notifications.taskIds)');
      return jsonError(400, message.id, error.code, error.message, error.data);
    }
    if (
      !Array.isArray(taskIds) ||
      taskIds.length > MAX_TASK_IDS ||
      !taskIds.every((id): id is string => typeof id === 'string')
    ) {
      return jsonError(
        400,
        message.id,
        -32602,
        `Invalid params: notifications.taskIds must be a list of at most ${MAX_TASK_IDS} task ids`,
      );
    }
    const { account } = request.caller;
    // Listening before the tasks are read: a change between the read and the stream's
    // start is kept and sent after where each task is now, never lost.
    const early: KernelEvent[] = [];
    let hear: (event: KernelEvent) => void = (event) => {
      early.push(event);
    };
    const unsubscribe = this.bus.subscribe((event) => hear(event));
    // Only the caller's own tasks, and only those still there: the acknowledgement names them.
    const current = new Map<string, Record<string, unknown>>();
    try {
      for (const taskId of new Set(taskIds)) {
        const task = await this.tasks.get(account, taskId).catch(() => undefined);
        if (task) current.set(taskId, task);
      }
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const watched = new Set([...current].filter(([, task]) => !isTerminal(task['status'])).map(([id]) => id));
    const lists = this.honoredLists(notifications);
    return {
      response: this.stream(request, message.id, {
        acknowledged: {
          ...Object.fromEntries(lists.map((flag) => [flag, true])),
          taskIds: [...current.keys()],
        },
        current: [...current.values()],
        watched,
        lists: new Set(lists.map((flag) => LISTS[flag])),
        unsubscribe,
        listen: (listener) => {
          hear = listener;
          for (const event of early.splice(0)) listener(event);
        },
      }),
    };
  }

  /** The list-change kinds asked for that the server announces (its `listChanged` capabilities). */
  private honoredLists(requested: Record<string, unknown>): ListFlag[] {
    const capabilities = this.identity.capabilities as Record<string, { listChanged?: boolean } | undefined>;
    return (Object.keys(LISTS) as ListFlag[]).filter(
      (flag) => requested[flag] === true && capabilities[LISTS[flag]]?.listChanged === true,
    );
  }

  private stream(
    request: McpHttpRequest,
    subscriptionId: string | number,
    plan: {
      acknowledged: Record<string, unknown>;
      current: readonly Record<string, unknown>[];
      watched: Set<string>;
      lists: Set<string>;
      /** Ends the bus subscription made before the tasks were read. */
      unsubscribe: () => void;
      /** Hands that subscription's events, those heard so far first, to the stream. */
      listen: (listener: (event: KernelEvent) => void) => void;
    },
  ): Response {
    const { caller } = request;
    const encoder = new TextEncoder();
    const stamp = { [SUBSCRIPTION_ID_META_KEY]: subscriptionId };
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    let keepAlive: NodeJS.Timeout | undefined;
    // One task read at a time, in the order the changes came: a stream never goes back in time.
    let sending = Promise.resolve();

    let stopOnCancel = () => {};
    const write = (frame: string) => {
      if (!closed) controller.enqueue(encoder.encode(frame));
    };
    const notify = (method: string, params: Record<string, unknown>) =>
      write(
        `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method, params: { ...params, _meta: stamp } })}\n\n`,
      );
    const close = (graceful: boolean) => {
      if (closed) return;
      if (graceful) {
        // The spec's graceful end of a subscription: its (empty) result.
        const result = {
          resultType: 'complete',
          _meta: { ...stamp, [SERVER_INFO_META_KEY]: stampedServerInfo(this.identity.serverInfo) },
        };
        write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: subscriptionId, result })}\n\n`);
      }
      closed = true;
      plan.unsubscribe();
      clearInterval(keepAlive);
      stopOnCancel();
      try {
        controller?.close();
      } catch {
        // already closed by the client
      }
    };
    const sendTask = (taskId: string) => {
      sending = sending.then(async () => {
        if (closed || !plan.watched.has(taskId)) return;
        const task = await this.tasks.get(caller.account, taskId).catch(() => undefined);
        if (!task) return;
        notify('notifications/tasks', task);
        if (isTerminal(task['status'])) plan.watched.delete(taskId);
        // Nothing left to say: every task is over and no list was asked for.
        if (plan.watched.size === 0 && plan.lists.size === 0) close(true);
      });
    };
    const hear = (event: KernelEvent) => {
      if (event.type === 'task-changed') {
        if (event.owner === caller.account && plan.watched.has(event.taskId)) sendTask(event.taskId);
      } else if (event.type === 'list-changed') {
        // A user's own change reaches only their streams; a plugin's reaches everyone's.
        if (event.principalId !== undefined && event.principalId !== caller.principal.id) return;
        for (const list of event.lists)
          if (plan.lists.has(list)) notify(`notifications/${list}/list_changed`, {});
      }
    };
    const response = new Response(
      new ReadableStream<Uint8Array>({
        start: (streamController) => {
          controller = streamController;
          notify('notifications/subscriptions/acknowledged', { notifications: plan.acknowledged });
          // Where each task is now, so a change made before the stream opened is not missed.
          for (const task of plan.current) notify('notifications/tasks', task);
          if (plan.watched.size === 0 && plan.lists.size === 0) {
            close(true);
            return;
          }
          plan.listen(hear);
          keepAlive = setInterval(() => write(': keepalive\n\n'), this.keepAliveMs);
          keepAlive.unref();
        },
        cancel: () => close(false),
      }),
      {
        status: 200,
        headers: {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
        },
      },
    );
    // The client went away: nothing more to send.
    stopOnCancel = request.cancellation.onCancel(() => close(false));
    return response;
  }
}
