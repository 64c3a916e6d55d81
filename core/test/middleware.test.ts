/**
 * Plugin middleware around tool calls: the declared order, before and after the
 * handler, short-circuit, transform, and failures that never leak.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  type AnyMiddleware,
  type CallToolResult,
  type DynamicTool,
  defineMiddleware,
  definePlugin,
  defineTool,
  defineToolSource,
  ToolError,
  z,
} from '../src/api/index';
import { InputRequiredSignal } from '../src/kernel/input-required';
import {
  type CallInfo,
  CancellationSource,
  InMemoryQuotaStore,
  Kernel,
  type ToolCallEvent,
} from '../src/kernel/internal';

const lines: string[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  }),
);

/** What ran, in order, for the call in flight. */
const trace: string[] = [];
let handlerRuns = 0;
/** Which tools each `tools` filter was asked about: at load only, never per call. */
const asked: string[] = [];

/** Records before and after `next()`. */
const recorder = (name: string, order?: number, scope?: 'plugin' | 'server'): AnyMiddleware =>
  defineMiddleware({
    name,
    ...(order !== undefined && { order }),
    ...(scope && { scope }),
    async handle(_call, next) {
      trace.push(`${name}:before`);
      const result = await next();
      trace.push(`${name}:after`);
      return result;
    },
  });

const textOf = (result: CallToolResult) => (result.content[0] as { text: string }).text;

const tools = [
  defineTool({
    name: 'greet',
    description: 'Greets.',
    input: z.object({ who: z.string().default('world') }),
    handler: ({ who }) => {
      handlerRuns++;
      trace.push('handler');
      return `hello ${who}`;
    },
  }),
  defineTool({
    name: 'sum',
    description: 'Adds, with structured output.',
    input: z.object({ a: z.number(), b: z.number() }),
    output: z.object({ sum: z.number() }),
    render: ({ sum }) => `The sum is ${sum}.`,
    handler: ({ a, b }) => {
      handlerRuns++;
      return { sum: a + b };
    },
  }),
  defineTool({
    name: 'ask_first',
    description: 'Needs an answer from the client before it can run (a 2026 input-required round).',
    input: z.object({}),
    handler: () => {
      trace.push('handler');
      throw new InputRequiredSignal(
        { 'elicit-1': { method: 'elicitation/create', params: {} } } as never,
        {},
      );
    },
  }),
  defineTool({
    name: 'refuse',
    description: 'Fails as expected.',
    input: z.object({}),
    handler: () => {
      handlerRuns++;
      throw new ToolError('refused by the handler');
    },
  }),
];

const wrapped = definePlugin({
  id: 'wrapped',
  version: '1.0.0',
  kernel: '^0.1.0',
  config: z.object({ greeting: z.string().default('hi') }),
  tools,
  middleware: [
    // Declared out of order on purpose: order decides, then declaration.
    recorder('inner', 10),
    recorder('outer', -10),
    recorder('middle-a'),
    recorder('middle-b'),
    defineMiddleware({
      name: 'sees-the-call',
      order: 20,
      tools: ({ name }) => {
        asked.push(name);
        return name === 'greet';
      },
      config: z.object({ greeting: z.string() }),
      async handle({ tool, plugin, args, ctx }, next) {
        trace.push(
          `sees ${tool} of ${plugin} with ${JSON.stringify(args)}, ${ctx.config.greeting}, ${ctx.requestId}`,
        );
        return next();
      },
    }),
    defineMiddleware({
      name: 'short-circuit',
      tools: ({ name }) => name === 'greet',
      handle({ args }, next) {
        if (args['who'] === 'nobody') return { content: [{ type: 'text', text: 'answered by middleware' }] };
        return next();
      },
    }),
    defineMiddleware({
      name: 'transform',
      tools: ({ name }) => name === 'sum',
      async handle(_call, next) {
        const result = await next();
        const { sum } = result.structuredContent as { sum: number };
        return {
          content: [{ type: 'text', text: `Doubled: ${sum * 2}.` }],
          structuredContent: { sum: sum * 2 },
        };
      },
    }),
  ],
});

/** Middleware of a second plugin: one for every tool of the server, one left at its plugin's scope. */
const observer = definePlugin({
  id: 'observer',
  version: '1.0.0',
  kernel: '^0.1.0',
  tools: [
    defineTool({
      name: 'own',
      description: 'The observer plugin’s own tool.',
      input: z.object({}),
      handler: () => 'own',
    }),
  ],
  middleware: [recorder('everywhere', -10, 'server'), recorder('only-own', -20)],
});

/** Middleware that fails in the ways a plugin bug can. */
const faulty = definePlugin({
  id: 'faulty',
  version: '1.0.0',
  kernel: '^0.1.0',
  tools: ['throws', 'tool-error', 'bad-result', 'twice', 'after-error'].map((name) =>
    defineTool({
      name: `faulty_${name.replace('-', '_')}`,
      description: `Wrapped by a middleware that ${name}.`,
      input: z.object({}),
      handler: () => {
        handlerRuns++;
        return 'handler ran';
      },
    }),
  ),
  middleware: [
    defineMiddleware({
      name: 'failing',
      async handle({ tool }, next) {
        if (tool === 'faulty_throws') throw new Error('database password is hunter2');
        if (tool === 'faulty_tool_error') throw new ToolError('Not allowed for your plan.');
        if (tool === 'faulty_bad_result') return { content: 'not an array' } as never;
        if (tool === 'faulty_twice') {
          await next();
          return next();
        }
        const result = await next();
        if (tool === 'faulty_after_error') throw new Error(`secret after ${textOf(result)}`);
        return result;
      },
    }),
  ],
});

/** Per-caller tools (as Spaces are): middleware wraps them too, composed once per tool object. */
const remoteTool: DynamicTool = {
  name: 'remote_echo',
  description: 'A dynamic tool.',
  inputSchema: { type: 'object' },
  handler: () => {
    trace.push('remote handler');
    return 'remote';
  },
};
const remote = definePlugin({
  id: 'remote',
  version: '1.0.0',
  kernel: '^0.1.0',
  toolSource: defineToolSource({ tools: ({ query }) => (query['remote'] ? [remoteTool] : []) }),
  middleware: [recorder('remote-own')],
});

let kernel: Kernel;
const events: ToolCallEvent[] = [];
/** Units charged so far: the gate charges before any middleware runs. */
let charged = 0;
const quotaStore = new InMemoryQuotaStore();
const countingStore = {
  charge: (...args: Parameters<InMemoryQuotaStore['charge']>) => {
    charged += args[1];
    return quotaStore.charge(...args);
  },
};
const info = (requestId = 'req-1'): CallInfo => ({
  principal: ANONYMOUS,
  credentials: {},
  requestId,
  cancellation: new CancellationSource(),
  logger,
});
const call = (name: string, args: unknown = {}, requestId?: string) => {
  trace.length = 0;
  return kernel.ops.callTool(kernel.toolSets.all(), name, args, info(requestId));
};

beforeAll(async () => {
  kernel = await Kernel.fromPlugins(
    [
      { plugin: wrapped, config: { greeting: 'howdy' } },
      { plugin: observer },
      { plugin: faulty },
      { plugin: remote },
    ],
    {
      logger,
      quotas: { plans: { anonymous: { units: 1_000, perMs: 3_600_000 } } },
      stores: { quotas: countingStore },
    },
  );
  kernel.onToolCall((event) => events.push(event));
});
afterAll(() => kernel.shutdown());

describe('middleware order', () => {
  it('runs by ascending order, ties in declaration order, server-wide middleware of other plugins included', async () => {
    const result = await call('greet', { who: 'ada' }, 'req-order');
    expect(textOf(result)).toBe('hello ada');
    expect(trace).toEqual([
      'outer:before',
      'everywhere:before',
      'middle-a:before',
      'middle-b:before',
      'inner:before',
      'sees greet of wrapped with {"who":"ada"}, howdy, req-order',
      'handler',
      'inner:after',
      'middle-b:after',
      'middle-a:after',
      'everywhere:after',
      'outer:after',
    ]);
  });

  it('keeps plugin-scoped middleware to its own plugin’s tools', async () => {
    await call('own');
    expect(trace).toEqual(['only-own:before', 'everywhere:before', 'everywhere:after', 'only-own:after']);
  });

  it('wraps dynamic tools: their plugin’s middleware and server-wide middleware', async () => {
    const resolution = await kernel.resolveCaller({ logger, query: { remote: '1' } });
    if (!resolution.ok) throw new Error('refused');
    trace.length = 0;
    const result = await kernel.ops.callTool(resolution.caller.toolSet, 'remote_echo', {}, info());
    expect(textOf(result)).toBe('remote');
    expect(trace).toEqual([
      'everywhere:before',
      'remote-own:before',
      'remote handler',
      'remote-own:after',
      'everywhere:after',
    ]);
  });

  it('decides which tools a middleware wraps once, at load, not per call', async () => {
    const before = [...asked];
    await call('greet');
    await call('sum', { a: 1, b: 2 });
    expect(asked).toEqual(before);
    expect([...before].sort()).toEqual(['ask_first', 'greet', 'refuse', 'sum']);
  });
});

describe('middleware results', () => {
  it('short-circuits with its own result: the handler does not run, the quota is still charged', async () => {
    const runs = handlerRuns;
    const units = charged;
    const answer = await kernel.ops.callTool(kernel.toolSets.all(), 'greet', { who: 'nobody' }, info());
    expect(answer).toEqual({ content: [{ type: 'text', text: 'answered by middleware' }] });
    expect(handlerRuns).toBe(runs);
    expect(charged).toBe(units + 1);
    // Outer middleware still saw the call, after the answer.
    events.length = 0;
    await call('greet', { who: 'nobody' });
    expect(trace).toContain('outer:after');
    expect(trace).not.toContain('handler');
    expect(events.map((e) => e.outcome)).toEqual(['ok']);
  });

  it('transforms the mapped result, structured content and text', async () => {
    expect(await call('sum', { a: 2, b: 3 })).toEqual({
      content: [{ type: 'text', text: 'Doubled: 10.' }],
      structuredContent: { sum: 10 },
    });
  });

  it('sees a handler failure as an isError result, not an exception', async () => {
    const result = await call('refuse');
    expect(result).toEqual({ content: [{ type: 'text', text: 'refused by the handler' }], isError: true });
    expect(trace.at(-1)).toBe('outer:after');
  });

  it('lets a pause for client input pass through to the transport, not as a failure', async () => {
    events.length = 0;
    await expect(call('ask_first')).rejects.toBeInstanceOf(InputRequiredSignal);
    expect(trace).toEqual([
      'outer:before',
      'everywhere:before',
      'middle-a:before',
      'middle-b:before',
      'inner:before',
      'handler',
    ]);
  });

  it('does not run middleware for invalid input: validation comes first, and costs nothing', async () => {
    const units = charged;
    const result = await call('sum', { a: 'two' });
    expect(result.isError).toBe(true);
    expect(trace).toEqual([]);
    expect(charged).toBe(units);
  });
});

describe('middleware failures', () => {
  const internal = (tool: string, requestId: string) =>
    `Tool ${tool} failed with an internal error. The server log has the details under request id ${requestId}.`;

  it('turns an error thrown by middleware into a generic isError result, logged but not leaked', async () => {
    lines.length = 0;
    events.length = 0;
    const runs = handlerRuns;
    const result = await call('faulty_throws', {}, 'req-mw-1');
    expect(result).toEqual({
      content: [{ type: 'text', text: internal('faulty_throws', 'req-mw-1') }],
      isError: true,
    });
    expect(JSON.stringify(result)).not.toMatch(/hunter2|password|\.ts/);
    expect(handlerRuns).toBe(runs);
    expect(events.map((e) => e.outcome)).toEqual(['internal_error']);
    const logged = lines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'tool middleware failed');
    expect(logged).toMatchObject({
      plugin: 'faulty',
      middleware: 'failing',
      tool: 'faulty_throws',
      requestId: 'req-mw-1',
    });
    expect(logged.err.message).toContain('hunter2');
  });

  it('answers a ToolError thrown by middleware with its message', async () => {
    expect(await call('faulty_tool_error')).toEqual({
      content: [{ type: 'text', text: 'Not allowed for your plan.' }],
      isError: true,
    });
  });

  it('refuses a result that is not an MCP tool result', async () => {
    const result = await call('faulty_bad_result', {}, 'req-mw-2');
    expect(result).toEqual({
      content: [{ type: 'text', text: internal('faulty_bad_result', 'req-mw-2') }],
      isError: true,
    });
  });

  it('never runs the handler twice for one call', async () => {
    const runs = handlerRuns;
    const result = await call('faulty_twice', {}, 'req-mw-3');
    expect(handlerRuns).toBe(runs + 1);
    expect(textOf(result)).toBe(internal('faulty_twice', 'req-mw-3'));
  });

  it('turns a failure after the handler ran into the same generic error', async () => {
    const result = await call('faulty_after_error', {}, 'req-mw-4');
    expect(textOf(result)).toBe(internal('faulty_after_error', 'req-mw-4'));
    expect(JSON.stringify(result)).not.toMatch(/secret/);
  });
});

describe('loading middleware', () => {
  const load = (plugin: ReturnType<typeof definePlugin>, config?: unknown) =>
    Kernel.fromPlugins([{ plugin, config }], { logger: pino({ level: 'silent' }) });

  it('refuses middleware not made by defineMiddleware, and duplicate names', async () => {
    const base = { version: '1.0.0', kernel: '^0.1.0' };
    await expect(
      load(
        definePlugin({
          id: 'raw',
          ...base,
          middleware: [{ name: 'x', handle: () => ({ content: [] }) } as never],
        }),
      ),
    ).rejects.toThrow(/plugins\[0\] \(raw\): has a middleware not made by defineMiddleware/);
    await expect(
      load(definePlugin({ id: 'twice', ...base, middleware: [recorder('same'), recorder('same')] })),
    ).rejects.toThrow(/declares middleware 'same' twice/);
  });

  it('refuses a middleware whose config view the plugin config does not satisfy', async () => {
    const plugin = definePlugin({
      id: 'viewed',
      version: '1.0.0',
      kernel: '^0.1.0',
      config: z.object({ size: z.number().default(1) }),
      middleware: [
        defineMiddleware({
          name: 'needs-limit',
          config: z.object({ limit: z.number() }),
          handle: (_call, next) => next(),
        }),
      ],
    });
    await expect(load(plugin)).rejects.toThrow(
      /middleware 'needs-limit' declares a config its plugin's config does not satisfy: config\.limit/,
    );
  });

  it('rejects bad declarations when they are made', () => {
    expect(() => defineMiddleware({ name: 'has space', handle: (_c, next) => next() })).toThrow(
      /invalid name/,
    );
    expect(() => defineMiddleware({ name: 'x', order: Number.NaN, handle: (_c, next) => next() })).toThrow(
      /order must be a finite number/,
    );
  });
});
