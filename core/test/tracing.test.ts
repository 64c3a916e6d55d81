/**
 * The kernel's tracing hooks, in process: with a tracer, an MCP request, its tool
 * call and the plugin's upstream request form one span tree, and the upstream
 * request's headers carry its span; without one, the kernel never asks OpenTelemetry
 * for a span (a tracer provider registered globally, as another library might, sees
 * no call) and plugins get no trace headers.
 */
import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, defineTool, type UpstreamExchange, type UpstreamStarter, z } from '../src/api/index';
import { CancellationSource, Kernel } from '../src/kernel/internal';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;

/** A plugin whose tool makes one "upstream request" and answers with the headers it was given. */
function fetchingPlugin() {
  let start: UpstreamStarter | undefined;
  const fetchTool = defineTool({
    name: 'fetch_thing',
    description: 'Pretends to fetch a thing from an upstream service.',
    input: z.object({}),
    handler: async () => {
      const upstream: UpstreamExchange = start!('thing-api', {
        method: 'get',
        url: 'http://thing.test/x?q=secret',
      });
      await new Promise((resolve) => setImmediate(resolve));
      upstream.end('ok', 200);
      return JSON.stringify(upstream.headers);
    },
  });
  return definePlugin({
    id: 'fetcher',
    version: '0.1.0',
    kernel: '^0.1.0',
    setup({ startUpstream }) {
      start = startUpstream;
    },
    tools: [fetchTool],
  });
}

async function callOverHttp(kernel: Kernel, headers: Record<string, string> = {}): Promise<string> {
  const resolution = await kernel.resolveCaller({ logger: silent });
  if (!resolution.ok) throw new Error('no caller');
  const answer = await kernel.http.handle({
    method: 'POST',
    url: 'http://127.0.0.1/mcp',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fetch_thing', arguments: {} } },
    cancellation: new CancellationSource(),
    caller: resolution.caller,
  });
  const text = 'response' in answer ? await answer.response.text() : String(answer.body);
  const result = JSON.parse(text) as { result: { content: { text: string }[] } };
  return result.result.content[0]!.text;
}

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

describe('with a tracer', () => {
  it('makes request → tool call → upstream spans, and hands the plugin the upstream span’s traceparent', async () => {
    exporter.reset();
    const kernel = await Kernel.fromPlugins([{ plugin: fetchingPlugin() }], {
      logger: silent,
      tracer: provider.getTracer('test'),
    });
    const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const headers = JSON.parse(await callOverHttp(kernel, { traceparent: caller })) as Record<string, string>;
    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.find((span) => span.name === name)!;
    const request = byName('tools/call fetch_thing');
    const toolCall = byName('execute_tool fetch_thing');
    const upstream = byName('thing-api GET');
    expect(request.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(request.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(toolCall.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(upstream.parentSpanContext?.spanId).toBe(toolCall.spanContext().spanId);
    expect(upstream.attributes).toMatchObject({ 'url.path': '/x', 'server.address': 'thing.test' });
    expect(JSON.stringify(upstream.attributes)).not.toContain('secret');
    expect(headers['traceparent']).toBe(
      `00-0af7651916cd43dd8448eb211c80319c-${upstream.spanContext().spanId}-01`,
    );
    await kernel.shutdown();
  });

  it('records nothing for a caller whose context is not sampled, and tells the upstream so', async () => {
    exporter.reset();
    const kernel = await Kernel.fromPlugins([{ plugin: fetchingPlugin() }], {
      logger: silent,
      tracer: provider.getTracer('test'),
    });
    const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const headers = JSON.parse(await callOverHttp(kernel, { traceparent: caller })) as Record<string, string>;
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(headers['traceparent']).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    await kernel.shutdown();
  });
});

describe('without a tracer', () => {
  it('never asks OpenTelemetry for a span, and gives plugins no trace headers', async () => {
    let spansAsked = 0;
    const counting = provider.getTracer('counting');
    const spy: Tracer = {
      startSpan: (...args) => {
        spansAsked++;
        return counting.startSpan(...args);
      },
      startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) => {
        spansAsked++;
        return (counting.startActiveSpan as (...a: unknown[]) => unknown)(...args);
      }) as Tracer['startActiveSpan'],
    };
    // A global provider, as an application embedding the kernel might register.
    trace.setGlobalTracerProvider({ getTracer: () => spy });
    try {
      const kernel = await Kernel.fromPlugins([{ plugin: fetchingPlugin() }], { logger: silent });
      const headers = await callOverHttp(kernel, {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(headers).toBe('{}');
      expect(spansAsked).toBe(0);
      await kernel.shutdown();
    } finally {
      trace.disable();
    }
  });
});
