/**
 * Task status notifications (SEP-2663): a 2026-07-28 `subscriptions/listen` stream with
 * `notifications.taskIds` is acknowledged with the caller's own tasks and then gets
 * `notifications/tasks` (the whole task, as tasks/get gives it) each time one changes:
 * here working → input_required → working → completed with its result, then a list
 * change on the same stream. Without the tasks extension: -32021. Real HTTP; the
 * conformance plugin's `confirm_delete` task waits for its answer, so nothing is timed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postModern, type RunningToolhost, rpcAnswer, startToolhost } from './src/helpers';

const TASKS = 'io.modelcontextprotocol/tasks';
type Frame = {
  method?: string;
  id?: unknown;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
};

let toolhost: RunningToolhost;
beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }], auth: { hf: false } },
  });
});
afterAll(() => toolhost?.close());

function post(
  method: string,
  params: Record<string, unknown>,
  options: { declare?: boolean; signal?: AbortSignal; url?: string } = {},
) {
  const { url = toolhost.mcpUrl, ...rest } = options;
  return postModern(url, method, params, { client: 'task-notifications-test', ...rest });
}

async function call(method: string, params: Record<string, unknown>, url?: string) {
  return (await rpcAnswer(await post(method, params, { ...(url && { url }) }))) as {
    result: Record<string, unknown>;
  };
}

/** The frames of an SSE answer, one at a time, as they come. */
function framesOf(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async function next(): Promise<Frame | undefined> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data) return JSON.parse(data.slice(6)) as Frame;
        continue; // a keep-alive comment
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += value;
    }
  };
}

describe('task status notifications on a listen stream', () => {
  it('acknowledges the caller’s tasks and sends each change, the result included, then list changes', async () => {
    const created = await call('tools/call', { name: 'confirm_delete', arguments: { filename: 'a.txt' } });
    expect(created.result['resultType']).toBe('task');
    const taskId = created.result['taskId'] as string;

    const abort = new AbortController();
    const listen = await post(
      'subscriptions/listen',
      { notifications: { taskIds: [taskId, 'no-such-task'], toolsListChanged: true } },
      { signal: abort.signal },
    );
    expect(listen.status).toBe(200);
    expect(listen.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const next = framesOf(listen);
    const ack = await next();
    expect(ack).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: {
        notifications: { taskIds: [taskId], toolsListChanged: true },
        _meta: { 'io.modelcontextprotocol/subscriptionId': 'subscriptions/listen-1' },
      },
    });
    // Where the task is now, then each change until it asks its question.
    let frame = await next();
    expect(frame?.method).toBe('notifications/tasks');
    while (frame?.params?.['status'] !== 'input_required') frame = await next();
    expect(frame.params).toMatchObject({ taskId, inputRequests: { confirm: expect.any(Object) } });

    await call('tasks/update', {
      taskId,
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
    });
    while (frame?.params?.['status'] !== 'completed') {
      frame = await next();
      expect(frame?.method).toBe('notifications/tasks');
    }
    // The whole task, as tasks/get gives it: the result comes with the notification.
    expect(frame.params).toMatchObject({
      taskId,
      status: 'completed',
      result: { content: [{ type: 'text', text: 'Deleted a.txt.' }] },
      _meta: { 'io.modelcontextprotocol/subscriptionId': 'subscriptions/listen-1' },
    });
    const polled = await call('tasks/get', { taskId });
    expect(polled.result).toMatchObject({ status: 'completed', result: frame.params!['result'] });

    // The stream asked for tool list changes too: it is still open for them.
    await call('tools/call', { name: 'test_trigger_tool_change', arguments: {} });
    expect(await next()).toMatchObject({ method: 'notifications/tools/list_changed' });
    abort.abort();
  });

  it('ends a stream of finished tasks after saying where they are', async () => {
    const created = await call('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } });
    const taskId = created.result['taskId'] as string;
    let status = created.result['status'];
    while (status !== 'completed') status = (await call('tasks/get', { taskId })).result['status'];
    const next = framesOf(await post('subscriptions/listen', { notifications: { taskIds: [taskId] } }));
    expect((await next())?.method).toBe('notifications/subscriptions/acknowledged');
    expect(await next()).toMatchObject({
      method: 'notifications/tasks',
      params: { taskId, status: 'completed' },
    });
    // The graceful end of a subscription: its result, then the stream closes.
    expect(await next()).toMatchObject({ id: 'subscriptions/listen-1', result: { resultType: 'complete' } });
    expect(await next()).toBeUndefined();
  });

  it('refuses task notifications to a client without the tasks extension (-32021)', async () => {
    const response = await post(
      'subscriptions/listen',
      { notifications: { taskIds: ['x'] } },
      { declare: false },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; data: unknown } };
    expect(body.error.code).toBe(-32021);
    expect(body.error.data).toEqual({ requiredCapabilities: { extensions: { [TASKS]: {} } } });
  });

  it('refuses taskIds that are not a list of ids (-32602)', async () => {
    const response = await post('subscriptions/listen', { notifications: { taskIds: 'x' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32602);
  });
});

describe('task status notifications across instances (Redis tasks and bus)', () => {
  const stores = {
    default: 'memory',
    tasks: 'redis',
    bus: 'redis',
    redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: `toolhost-test-${randomUUID()}:` },
  } as const;
  let first: RunningToolhost;
  let second: RunningToolhost;
  beforeAll(async () => {
    const manifest = {
      plugins: [{ use: '@toolhost/plugin-conformance' }],
      auth: { hf: false as const },
      stores,
    };
    first = await startToolhost({ manifest });
    second = await startToolhost({ manifest });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('a stream on one instance hears of a task running on the other', async () => {
    const created = await call(
      'tools/call',
      { name: 'confirm_delete', arguments: { filename: 'b.txt' } },
      first.mcpUrl,
    );
    const taskId = created.result['taskId'] as string;
    const abort = new AbortController();
    const next = framesOf(
      await post(
        'subscriptions/listen',
        { notifications: { taskIds: [taskId] } },
        { signal: abort.signal, url: second.mcpUrl },
      ),
    );
    expect(await next()).toMatchObject({ params: { notifications: { taskIds: [taskId] } } });
    let frame = await next();
    while (frame?.params?.['status'] !== 'input_required') frame = await next();
    await call(
      'tasks/update',
      { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: false } } } },
      second.mcpUrl,
    );
    while (frame?.params?.['status'] !== 'completed') frame = await next();
    expect(frame.params).toMatchObject({ result: { content: [{ type: 'text', text: 'Kept b.txt.' }] } });
    // Every task is over and no list was asked for: the subscription ends.
    expect(await next()).toMatchObject({ result: { resultType: 'complete' } });
    abort.abort();
  });
});
