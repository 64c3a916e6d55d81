/**
 * `ctx.maxResultTokens`, the public way plugins read the caller's result limit: the
 * request's `max_result_tokens`, made stricter by a per-client rule, reaches both a
 * tool handler and middleware around it; absent when neither says.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ANONYMOUS, defineMiddleware, definePlugin, defineTool, z } from '../src/api/index';
import { type CallInfo, CancellationSource, Kernel } from '../src/kernel/internal';
import type { ResultPreferences } from '../src/kernel/results/preferences';

const logger = pino({ level: 'silent' });
let seenByMiddleware: (number | undefined)[] = [];

const plugin = definePlugin({
  id: 'limits',
  version: '1.0.0',
  kernel: '^0.1.0',
  tools: [
    defineTool({
      name: 'limit',
      description: 'Says the result limit it was given.',
      input: z.object({}),
      handler: (_args, ctx) => String(ctx.maxResultTokens),
    }),
  ],
  middleware: [
    defineMiddleware({
      name: 'watch',
      handle({ ctx }, next) {
        seenByMiddleware.push(ctx.maxResultTokens);
        return next();
      },
    }),
  ],
});

let kernel: Kernel;
beforeAll(async () => {
  kernel = await Kernel.fromPlugins([{ plugin }], {
    logger,
    results: { clients: [{ name: 'tight-*', maxTokens: 900 }] },
  });
});
afterAll(() => kernel.shutdown());

async function limitFor(results?: ResultPreferences, clientName?: string): Promise<string> {
  const info: CallInfo = {
    principal: ANONYMOUS,
    credentials: {},
    requestId: 'r',
    cancellation: new CancellationSource(),
    logger,
    ...(results && { results }),
    ...(clientName && { clientName }),
  };
  const result = await kernel.ops.callTool(kernel.toolSets.all(), 'limit', {}, info);
  return (result.content[0] as { text: string }).text;
}

it('reaches handler and middleware: the request, a client rule, the smaller of both, or none', async () => {
  seenByMiddleware = [];
  expect(await limitFor()).toBe('undefined');
  expect(await limitFor({ maxTokens: 2_000 })).toBe('2000');
  expect(await limitFor(undefined, 'tight-client')).toBe('900');
  expect(await limitFor({ maxTokens: 2_000 }, 'tight-client')).toBe('900');
  expect(await limitFor({ maxTokens: 600 }, 'tight-client')).toBe('600');
  expect(await limitFor({ maxTokens: 2_000 }, 'other')).toBe('2000');
  expect(seenByMiddleware).toEqual([undefined, 2_000, 900, 900, 600, 2_000]);
});
