import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript fixture plugin, shared with the CLI tests.
import testkit from '../../test/fixtures/plugins/testkit.mjs';
import { ANONYMOUS, createServiceRef, definePlugin, defineTool, z } from '../src/api/index';
import { type CallInfo, CancellationSource, Kernel, type ToolCallEvent } from '../src/kernel/internal';

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

const requestLabel = createServiceRef<{ label: string }>('request-label');
const scoped = definePlugin({
  id: 'scoped',
  version: '1.0.0',
  kernel: '^0.1.0',
  provides: { requestLabel },
  setup: () => ({ requestLabel: { label: 'shared' } }),
  tools: [
    defineTool({
      name: 'label',
      description: 'Reads a provided service.',
      input: z.object({}),
      services: { requestLabel },
      handler: (_input, ctx) => `${ctx.services.requestLabel.label} for ${ctx.requestId}`,
    }),
  ],
});

let kernel: Kernel;
const events: ToolCallEvent[] = [];

const info = (overrides: Partial<CallInfo> = {}): CallInfo => ({
  principal: ANONYMOUS,
  credentials: {},
  requestId: 'req-42',
  cancellation: new CancellationSource(),
  logger,
  ...overrides,
});
const call = (name: string, args: unknown, overrides?: Partial<CallInfo>) =>
  kernel.ops.callTool(kernel.toolSets.all(), name, args, info(overrides));
const text = (result: { content: unknown[] }) => (result.content[0] as { text: string }).text;

beforeAll(async () => {
  kernel = await Kernel.fromPlugins([{ plugin: testkit }, { plugin: scoped }], { logger });
  kernel.onToolCall((event) => events.push(event));
});
afterAll(() => kernel.shutdown());

describe('call gate', () => {
  it('returns a handler string as text content', async () => {
    expect(await call('echo', { text: 'hi' })).toEqual({ content: [{ type: 'text', text: 'hi' }] });
  });

  it('returns structured output with its rendered text', async () => {
    expect(await call('add', { a: 2, b: 3 })).toEqual({
      content: [{ type: 'text', text: 'The sum is 5.' }],
      structuredContent: { sum: 5 },
    });
  });

  it('answers invalid arguments with an isError result naming the field', async () => {
    const result = await call('echo', { text: 5 });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      'Input validation error: Invalid arguments for tool echo: text: Invalid input: expected string, received number',
    );
  });

  it('turns a ToolError into an isError result with its message and meta', async () => {
    const result = await call('fail_expected', {});
    expect(result).toEqual({
      content: [{ type: 'text', text: 'No model named nobody/nothing on the Hub.' }],
      isError: true,
      _meta: { hint: 'check the id' },
    });
  });

  it('hides an internal error from the caller but logs it with plugin, tool and request id', async () => {
    lines.length = 0;
    const result = await call('fail_internal', {}, { requestId: 'req-internal' });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      'Tool fail_internal failed with an internal error. The server log has the details under request id req-internal.',
    );
    expect(JSON.stringify(result)).not.toMatch(/hunter2|secret|\.js/);
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'tool handler failed');
    expect(logged).toMatchObject({ plugin: 'testkit', tool: 'fail_internal', requestId: 'req-internal' });
    expect(logged.err.message).toContain('hunter2');
  });

  it('treats output that breaks the output schema as an internal error', async () => {
    const result = await call('bad_output', {});
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Tool bad_output failed with an internal error/);
  });

  it('times out a slow handler and aborts its signal', async () => {
    const started = Date.now();
    const result = await call('slow', { ms: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(text(result)).toBe('Tool slow timed out after 0.5 s. Try again, or ask for less.');
  });

  it('does not hang on a handler that ignores its signal', async () => {
    const result = await call('stuck', {});
    expect(text(result)).toBe('Tool stuck timed out after 0.3 s. Try again, or ask for less.');
  });

  it('stops waiting when the caller cancels', async () => {
    const cancellation = new CancellationSource();
    setTimeout(() => cancellation.cancel(), 50);
    const started = Date.now();
    const result = await call('slow', { ms: 400 }, { cancellation });
    expect(Date.now() - started).toBeLessThan(300);
    expect(text(result)).toBe('The call to slow was cancelled.');
  });

  it('passes content results through unchanged', async () => {
    const result = await call('with_meta', {});
    expect(result._meta).toEqual({ 'toolhost/test': true });
    expect(result.content[1]).toEqual({ type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' });
  });

  it('resolves provided services for the call', async () => {
    expect(text(await call('label', {}, { requestId: 'r-7' }))).toBe('shared for r-7');
  });

  it('reports each call with its outcome', async () => {
    events.length = 0;
    await call('echo', { text: 'x' });
    await call('echo', {});
    await call('fail_expected', {});
    expect(events.map((e) => [e.tool.name, e.outcome])).toEqual([
      ['echo', 'ok'],
      ['echo', 'invalid_input'],
      ['fail_expected', 'tool_error'],
    ]);
    expect(events[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses a tool outside the ToolSet exactly like an unknown tool', async () => {
    const onlyEcho = kernel.toolSets.get({ tools: ['echo'] });
    await expect(kernel.ops.callTool(onlyEcho, 'add', { a: 1, b: 1 }, info())).rejects.toThrow(
      'Tool add not found',
    );
    await expect(kernel.ops.callTool(onlyEcho, 'nope', {}, info())).rejects.toThrow('Tool nope not found');
  });

  it('builds one ToolSet per selection and its list once', () => {
    const a = kernel.toolSets.get({ plugins: ['testkit'] });
    const b = kernel.toolSets.get({ plugins: ['testkit'] });
    expect(a).toBe(b);
    expect(a.listResult()).toBe(b.listResult());
    expect(a.listResult().tools.map((t) => t.name)).not.toContain('label');
  });
});

describe('catalog', () => {
  it('compiles JSON Schemas and annotations once, at load', () => {
    const echo = kernel.catalog.tools.get('echo')!;
    expect(echo.descriptor).toEqual({
      name: 'echo',
      description: 'Echo the text back.',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', maxLength: 1000 } },
        required: ['text'],
      },
      annotations: { readOnlyHint: true },
    });
    expect(echo.tokens).toBeGreaterThan(10);
    expect(kernel.catalog.tools.get('add')!.descriptor.outputSchema).toMatchObject({
      type: 'object',
      required: ['sum'],
    });
  });

  it('advertises resources, prompts and tools as capabilities, and the tasks extension', () => {
    expect(kernel.identity.capabilities).toEqual({
      tools: { listChanged: true },
      resources: { listChanged: true },
      prompts: { listChanged: true },
      extensions: { 'io.modelcontextprotocol/tasks': {} },
    });
  });
});
