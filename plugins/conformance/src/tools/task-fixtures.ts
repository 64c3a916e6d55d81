import { defineTool, ToolError, z } from '@toolhost/core';

/*
 * 2026-07-28 tasks extension fixtures (SEP-2663): the tools the conformance suite's
 * tasks-* scenarios call, with the behaviour their descriptions require.
 */

/** Resolves after `ms`, or rejects when the call is cancelled (tasks/cancel). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

const confirmation = (message: string) => ({
  message,
  requestedSchema: {
    type: 'object' as const,
    properties: { confirm: { type: 'boolean' as const } },
    required: ['confirm'],
  },
});

/** Sync-only: never a task. */
export const greet = defineTool({
  name: 'greet',
  description: 'Greets someone by name, at once (conformance fixture; never a task).',
  input: z.object({ name: z.string() }),
  handler: ({ name }) => `Hello, ${name}!`,
});

export const slowCompute = defineTool({
  name: 'slow_compute',
  description: 'Sleeps for `seconds`, then answers (conformance fixture; runs as a task).',
  input: z.object({ seconds: z.number().min(0).max(600), label: z.string().optional() }),
  task: 'optional',
  timeoutMs: 700_000,
  handler: async ({ seconds, label }, ctx) => {
    await sleep(seconds * 1000, ctx.signal);
    return `Computed ${label ?? 'result'} after ${seconds} s.`;
  },
});

export const failingJob = defineTool({
  name: 'failing_job',
  description: 'Fails with a tool error after a second (conformance fixture; task required).',
  input: z.object({}),
  task: 'required',
  handler: async (_input, ctx) => {
    await sleep(1000, ctx.signal);
    throw new ToolError('The job failed, as this fixture always does.');
  },
});

export const protocolErrorJob = defineTool({
  name: 'protocol_error_job',
  description: 'Crashes with an internal error (conformance fixture; runs as a task).',
  input: z.object({}),
  task: 'optional',
  handler: () => {
    throw new Error('protocol_error_job crashed on purpose');
  },
});

export const confirmDelete = defineTool({
  name: 'confirm_delete',
  description: 'Asks for confirmation before "deleting" a file (conformance fixture; runs as a task).',
  input: z.object({ filename: z.string() }),
  task: 'optional',
  timeoutMs: 700_000,
  handler: async ({ filename }, ctx) => {
    const answer = await ctx.elicit(confirmation(`Delete ${filename}?`), { key: 'confirm' });
    return answer.action === 'accept' && answer.content?.['confirm'] === true
      ? `Deleted ${filename}.`
      : `Kept ${filename}.`;
  },
});

export const multiInput = defineTool({
  name: 'multi_input',
  description: 'Asks two questions at once (conformance fixture; runs as a task).',
  input: z.object({}),
  task: 'optional',
  timeoutMs: 700_000,
  handler: async (_input, ctx) => {
    const [first, second] = await Promise.all([
      ctx.elicit(confirmation('First question'), { key: 'first' }),
      ctx.elicit(confirmation('Second question'), { key: 'second' }),
    ]);
    return `Answers: ${JSON.stringify(first.content)} and ${JSON.stringify(second.content)}.`;
  },
});

const askName = {
  message: 'What is your name?',
  requestedSchema: {
    type: 'object' as const,
    properties: { name: { type: 'string' as const } },
    required: ['name'],
  },
};

/** Asks for a name in an input-required round on the request, then runs as a task that uses it. */
export const testToolWithTask = defineTool({
  name: 'test_tool_with_task',
  description: 'Asks your name on the request, then greets you from a task (conformance fixture).',
  input: z.object({}),
  task: 'required',
  prepare: async (_input, ctx) => {
    await ctx.elicit(askName, { key: 'user_name' });
  },
  handler: async (_input, ctx) => {
    const answer = await ctx.elicit(askName, { key: 'user_name' });
    return `Hello from the task, ${String(answer.content?.['name'] ?? 'stranger')}!`;
  },
});
