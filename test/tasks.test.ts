/**
 * Tool calls as tasks (2026-07-28 tasks extension, SEP-2663), end to end: real HTTP,
 * the Hub emulator and a slow test Space that answers only when the test releases it.
 * `generate_image` is started as a task, polled to completion, cancelled mid-way;
 * the client going away does not stop it; with a shared Redis store a task started
 * through one instance is polled and cancelled through another; a task whose
 * instance died is failed once its lease lapses.
 */
import { randomUUID } from 'node:crypto';
import { InMemoryTaskStore, type TaskRecord, type TaskStore } from '@toolhost/core/ports';
import { RedisTaskStore } from '@toolhost/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postMcp,
  postModern,
  type RpcAnswer,
  type RunningToolhost,
  rpcAnswer,
  startToolhost,
  waitFor,
} from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { OWNER, PNG_1PX, startTestSpaces, type TestSpaces } from './src/test-spaces';

const TASKS = 'io.modelcontextprotocol/tasks';
const HF_ALICE = 'hf_alice_test_token_000000000000';

let spaces: TestSpaces;
let hub: HubEmulator;

beforeAll(async () => {
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
});
afterAll(async () => {
  spaces?.slowImage.release();
  await hub?.close();
  await spaces?.close();
});

function start(options: { taskStore?: TaskStore; tasks?: Record<string, unknown> } = {}) {
  return startToolhost({
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-image-gen', config: { space: `${OWNER}/slow-image-space` } },
        { use: '@toolhost/plugin-gradio' },
      ],
      spaces: {
        endpoint: spaces.endpoint,
        allowedHosts: ['127.0.0.1'],
        allowPrivateAddresses: true,
        timeoutSeconds: 600,
      },
      server: { toolTimeoutMs: 600_000 },
      ...(options.tasks && { tasks: options.tasks }),
    },
    env: { HF_ENDPOINT: hub.url },
    ...(options.taskStore && { taskStore: options.taskStore }),
  });
}

/** One 2026-07-28 request (the tasks extension declared unless `declare` is false) and its answer. */
function rpc(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: { declare?: boolean; token?: string; signal?: AbortSignal } = {},
): Promise<RpcAnswer> {
  return postModern(url, method, params, { client: 'tasks-test', ...options }).then(rpcAnswer);
}

const generate = (url: string, prompt: string, options?: Parameters<typeof rpc>[3]) =>
  rpc(url, 'tools/call', { name: 'generate_image', arguments: { prompt } }, options);

/** Poll tasks/get until `done` holds (the protocol's own way to wait), as a client does. */
async function pollUntil(
  url: string,
  taskId: string,
  done: (task: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (;;) {
    const answer = await rpc(url, 'tasks/get', { taskId });
    expect(answer.error).toBeUndefined();
    if (done(answer.result!)) return answer.result!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const terminal = (task: Record<string, unknown>) =>
  ['completed', 'failed', 'cancelled'].includes(task['status'] as string);

describe('generate_image as a task', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await start();
  });
  afterAll(() => toolhost?.close());

  it('starts at once, reports working while the Space works, and completes with the image', async () => {
    const startedBefore = spaces.slowImage.started;
    const created = await generate(toolhost.mcpUrl, 'a lighthouse');
    expect(created.status).toBe(200);
    const task = created.result!;
    expect(task).toMatchObject({ resultType: 'task', status: 'working' });
    expect(task['taskId']).toEqual(expect.any(String));
    // The SDK adds an empty `content` to every tools/call answer; the task fields are what count.
    expect(task).not.toHaveProperty('result');
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    const working = await rpc(toolhost.mcpUrl, 'tasks/get', { taskId: task['taskId'] });
    expect(working.result).toMatchObject({
      taskId: task['taskId'],
      status: 'working',
      resultType: 'complete',
    });
    expect(working.result).not.toHaveProperty('result');
    spaces.slowImage.release();
    const done = await pollUntil(toolhost.mcpUrl, task['taskId'] as string, terminal);
    expect(done['status']).toBe('completed');
    const content = (done['result'] as { content: { type: string; data?: string; text?: string }[] }).content;
    expect(content.find((block) => block.type === 'image')?.data).toBe(PNG_1PX);
    expect(content.map((block) => block.text).join(' ')).toContain('slow image of a lighthouse');
  });

  it('with ?no_image_content, completes with a link to the image that resources/read serves its caller', async () => {
    const url = `${toolhost.mcpUrl}?no_image_content`;
    const startedBefore = spaces.slowImage.started;
    const created = await generate(url, 'a lantern');
    const taskId = created.result!['taskId'] as string;
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    spaces.slowImage.release();
    const done = await pollUntil(url, taskId, terminal);
    const content = (done['result'] as { content: { type: string; uri?: string }[] }).content;
    expect(content.map((block) => block.type)).not.toContain('image');
    const link = content.find((block) => block.type === 'resource_link');
    expect(link).toMatchObject({ name: 'generate_image-image-1.png', mimeType: 'image/png' });
    const read = await rpc(url, 'resources/read', { uri: link!.uri });
    expect(read.result!['contents']).toEqual([{ uri: link!.uri, mimeType: 'image/png', blob: PNG_1PX }]);
    const stranger = await rpc(url, 'resources/read', { uri: link!.uri }, { token: HF_ALICE });
    expect(stranger.error?.code).toBe(-32602);
  });

  it('is cancelled mid-way: tasks/cancel acks, the task is cancelled and the Space call abandoned', async () => {
    const startedBefore = spaces.slowImage.started;
    const created = await generate(toolhost.mcpUrl, 'a storm');
    const taskId = created.result!['taskId'] as string;
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    const abandonedBefore = spaces.abandoned.length;
    const ack = await rpc(toolhost.mcpUrl, 'tasks/cancel', { taskId });
    expect(ack.result).toMatchObject({ resultType: 'complete' });
    expect(ack.result).not.toHaveProperty('status');
    const after = await rpc(toolhost.mcpUrl, 'tasks/get', { taskId });
    expect(after.result).toMatchObject({ status: 'cancelled' });
    await waitFor(
      () => spaces.abandoned.slice(abandonedBefore).includes('slow_image_space_infer'),
      'the Space hears the call was abandoned',
    );
    // Cancelling again is the same empty ack; the task stays cancelled.
    expect((await rpc(toolhost.mcpUrl, 'tasks/cancel', { taskId })).result).toMatchObject({
      resultType: 'complete',
    });
  });

  it('goes on when the client that started it goes away', async () => {
    const startedBefore = spaces.slowImage.started;
    const abandonedBefore = spaces.abandoned.length;
    const gone = new AbortController();
    const created = await generate(toolhost.mcpUrl, 'a harbour', { signal: gone.signal });
    const taskId = created.result!['taskId'] as string;
    gone.abort(); // the client drops its connection
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    spaces.slowImage.release();
    const done = await pollUntil(toolhost.mcpUrl, taskId, terminal);
    expect(done['status']).toBe('completed');
    expect(spaces.abandoned.slice(abandonedBefore)).not.toContain('slow_image_space_infer');
  });

  it('belongs to its caller: anyone else gets -32602 not found', async () => {
    const startedBefore = spaces.slowImage.started;
    const created = await generate(toolhost.mcpUrl, 'a secret', { token: HF_ALICE });
    const taskId = created.result!['taskId'] as string;
    for (const method of ['tasks/get', 'tasks/cancel']) {
      const stranger = await rpc(toolhost.mcpUrl, method, { taskId });
      expect(stranger.error?.code).toBe(-32602);
      expect(stranger.error?.message).toContain('not found');
    }
    const own = await rpc(toolhost.mcpUrl, 'tasks/get', { taskId }, { token: HF_ALICE });
    expect(own.result).toMatchObject({ taskId });
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    spaces.slowImage.release();
    await pollUntil(toolhost.mcpUrl, taskId, terminal).catch(() => undefined);
  });

  it('runs on the request for a client that does not declare the extension, and refuses it the tasks methods', async () => {
    const startedBefore = spaces.slowImage.started;
    const pending = generate(toolhost.mcpUrl, 'a quick sketch', { declare: false });
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    spaces.slowImage.release();
    const answer = await pending;
    expect(answer.result).toMatchObject({ resultType: 'complete' });
    expect(answer.result).not.toHaveProperty('taskId');
    const refused = await rpc(toolhost.mcpUrl, 'tasks/get', { taskId: 'x' }, { declare: false });
    expect(refused.status).toBe(400);
    expect(refused.error?.code).toBe(-32021);
    expect(JSON.stringify(refused.error?.data)).toContain(TASKS);
  });

  it('answers a 2025-era call on the request: 2025 clients know no tasks', async () => {
    const startedBefore = spaces.slowImage.started;
    const pending = postMcp(toolhost.mcpUrl, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'generate_image', arguments: { prompt: 'old times' } },
    });
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    spaces.slowImage.release();
    const body = (await (await pending).json()) as { result: Record<string, unknown> };
    expect(body.result).not.toHaveProperty('taskId');
    expect((body.result['content'] as { type: string }[]).some((b) => b.type === 'image')).toBe(true);
  });
});

describe('a task whose instance died', () => {
  it('is failed once its lease lapses, never working forever', async () => {
    const store = new InMemoryTaskStore();
    const toolhost = await start({ taskStore: store });
    try {
      const startedBefore = spaces.slowImage.started;
      const created = await generate(toolhost.mcpUrl, 'an orphan');
      const taskId = created.result!['taskId'] as string;
      await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
      // As if its instance stopped renewing the lease (crashed) a while ago.
      await store.update(taskId, (current): TaskRecord => ({ ...current, leaseUntil: Date.now() - 1 }));
      const other = await start({ taskStore: store });
      try {
        const seen = await rpc(other.mcpUrl, 'tasks/get', { taskId });
        expect(seen.result).toMatchObject({ taskId, status: 'failed' });
        expect((seen.result!['error'] as { message: string }).message).toMatch(
          /stopped before the task finished/,
        );
      } finally {
        await other.close();
      }
    } finally {
      spaces.slowImage.release();
      await toolhost.close();
    }
  });
});

describe('tasks in Redis, across instances', () => {
  const prefix = `toolhost-test:${randomUUID()}:`;
  let redis: Redis;
  let first: RunningToolhost;
  let second: RunningToolhost;

  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    first = await start({ taskStore: new RedisTaskStore(redis, prefix) });
    second = await start({ taskStore: new RedisTaskStore(redis, prefix) });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    // Only this run's keys; never a FLUSH on the shared server.
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('is started through one instance and polled to completion through the other', async () => {
    const startedBefore = spaces.slowImage.started;
    const created = await generate(first.mcpUrl, 'two towers');
    const taskId = created.result!['taskId'] as string;
    expect(await redis.exists(`${prefix}task:${taskId}`)).toBe(1);
    const elsewhere = await rpc(second.mcpUrl, 'tasks/get', { taskId });
    expect(elsewhere.result).toMatchObject({ taskId, status: 'working' });
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    spaces.slowImage.release();
    const done = await pollUntil(second.mcpUrl, taskId, terminal);
    expect(done['status']).toBe('completed');
    expect(JSON.stringify(done['result'])).toContain(PNG_1PX);
    // Kept for its TTL, with Redis expiring it afterwards.
    expect(await redis.pttl(`${prefix}task:${taskId}`)).toBeGreaterThan(0);
  });

  it('is cancelled through the other instance: the running one stops the Space call', async () => {
    const startedBefore = spaces.slowImage.started;
    const abandonedBefore = spaces.abandoned.length;
    const created = await generate(first.mcpUrl, 'a far cancel');
    const taskId = created.result!['taskId'] as string;
    await waitFor(() => spaces.slowImage.started > startedBefore, 'the Space call');
    const ack = await rpc(second.mcpUrl, 'tasks/cancel', { taskId });
    expect(ack.result).toMatchObject({ resultType: 'complete' });
    await waitFor(
      () => spaces.abandoned.slice(abandonedBefore).includes('slow_image_space_infer'),
      'the instance running it stops the Space call',
    );
    expect((await rpc(first.mcpUrl, 'tasks/get', { taskId })).result).toMatchObject({ status: 'cancelled' });
  });
});
