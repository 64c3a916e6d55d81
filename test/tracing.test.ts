/**
 * OpenTelemetry traces end to end: a real `toolhost serve` process (and `--stdio`)
 * configured with OTEL_EXPORTER_OTLP_ENDPOINT exports its spans over OTLP/HTTP JSON
 * to a receiver in this test, while real SDK clients call tools that reach the Hub
 * emulator and a test Space. Asserted: the span tree of a call (request → tool call →
 * Hub or Space request), that a caller's `traceparent` (HTTP header, or `_meta` on
 * 2026-07-28 and stdio requests) becomes its parent, and that the Hub and the Space
 * receive the trace context of the span that called them.
 */

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, connectStdioClient, spawnCli, startToolhost, waitFor } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { type OtlpReceiver, type ReceivedSpan, SPAN_KIND, startOtlpReceiver } from './src/otlp-receiver';
import { OWNER, startTestSpaces, type TestSpaces } from './src/test-spaces';

const TEXT_SPACE = `${OWNER}/text-space`;
const SPACE_TOOL = 'toolhost-test_text-space_text_space_echo';

let hub: HubEmulator;
let spaces: TestSpaces;
let receiver: OtlpReceiver;
let server: ChildProcess;
let mcpUrl: string;
let baseUrl: string;
let configDir: string;

/** A caller's own trace context: a fresh trace and span id, sampled. */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** `00-<trace>-<span>-01` → its parts. */
function parseTraceparent(value: unknown): { traceId: string; spanId: string } | undefined {
  const match = typeof value === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(value) : null;
  return match ? { traceId: match[1]!, spanId: match[2]! } : undefined;
}

const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
const childrenOf = (parent: ReceivedSpan) =>
  receiver.spans.filter((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId);

/** Wait until the trace holds a span matching `predicate` (spans come in batches). */
async function spanIn(traceId: string, predicate: (span: ReceivedSpan) => boolean, what: string) {
  await waitFor(() => inTrace(traceId).some(predicate), what, 15_000);
  return inTrace(traceId).find(predicate)!;
}

const manifest = () => ({
  plugins: [
    { use: '@toolhost/plugin-hub' },
    { use: '@toolhost/plugin-models' },
    { use: '@toolhost/plugin-gradio' },
  ],
  spaces: { endpoint: spaces.endpoint, allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true },
  stores: { default: 'memory' },
  auth: { rateLimit: false },
  transport: { sessions: true, sse: true },
  server: { metrics: false },
});

/** What the spawned servers get: the Hub emulator, and the receiver as their OTLP endpoint. */
const tracingEnv = () => ({
  HF_ENDPOINT: hub.url,
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_BSP_SCHEDULE_DELAY: '50',
  OTEL_SERVICE_NAME: 'toolhost-under-test',
});

beforeAll(async () => {
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
  receiver = await startOtlpReceiver();
  configDir = mkdtempSync(join(tmpdir(), 'toolhost-tracing-'));
  writeFileSync(join(configDir, 'toolhost.config.json'), JSON.stringify(manifest()));
  server = spawnCli(['serve', '--port', '0'], { cwd: configDir, env: tracingEnv() });
  let stderr = '';
  server.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  await waitFor(() => /serving MCP at (\S+)/.test(stderr), `the server to start\n${stderr}`, 20_000);
  mcpUrl = /serving MCP at (\S+)/.exec(stderr)![1]!;
  baseUrl = mcpUrl.replace(/\/mcp$/, '');
}, 30_000);

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  await Promise.all([hub?.close(), spaces?.close(), receiver?.close()]);
});

describe('the span tree of a model_search call', () => {
  it('2026-07-28: request → tool call → Hub request, under the caller’s _meta traceparent, passed on to the Hub', async () => {
    const caller = callerContext();
    const client = await connectClient(mcpUrl, { era: 'modern' });
    const hubBefore = hub.requests.length;
    const result = await client.callTool({
      name: 'model_search',
      arguments: { query: 'bert', limit: 2 },
      _meta: { traceparent: caller.traceparent },
    });
    expect(result.isError).toBeFalsy();
    await client.close();

    const request = await spanIn(
      caller.traceId,
      (s) => s.name === 'tools/call model_search',
      'the request span',
    );
    expect(request.parentSpanId).toBe(caller.spanId);
    expect(request.kind).toBe(SPAN_KIND.server);
    expect(request.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'model_search',
      'toolhost.era': 'modern',
      'toolhost.transport': 'stateless-http',
      'toolhost.outcome': 'ok',
      'http.response.status_code': 200,
    });
    expect(request.resource['service.name']).toBe('toolhost-under-test');

    const toolCall = await spanIn(
      caller.traceId,
      (s) => s.name === 'execute_tool model_search',
      'the tool call span',
    );
    expect(toolCall.parentSpanId).toBe(request.spanId);
    expect(toolCall.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'model_search',
      'toolhost.plugin': 'models',
      'toolhost.outcome': 'ok',
    });

    const hubSpan = await spanIn(caller.traceId, (s) => s.name === 'hub GET', 'the Hub request span');
    expect(hubSpan.parentSpanId).toBe(toolCall.spanId);
    expect(hubSpan.kind).toBe(SPAN_KIND.client);
    expect(hubSpan.attributes).toMatchObject({
      'toolhost.upstream.service': 'hub',
      'toolhost.plugin': 'hub',
      'http.request.method': 'GET',
      'url.path': '/api/models',
      'http.response.status_code': 200,
      'toolhost.outcome': 'ok',
    });
    // Host and path only: the search words stay out of the trace.
    expect(JSON.stringify(hubSpan.attributes)).not.toContain('bert');
    // Nothing else hangs off the request: one tool call, one Hub request under it.
    expect(childrenOf(request).map((s) => s.name)).toEqual(['execute_tool model_search']);
    expect(childrenOf(toolCall).map((s) => s.name)).toEqual(['hub GET']);

    // The Hub got the trace context of the span that called it.
    const search = hub.requests.slice(hubBefore).find((r) => r.path === '/api/models');
    expect(parseTraceparent(search?.headers['traceparent'])).toEqual({
      traceId: caller.traceId,
      spanId: hubSpan.spanId,
    });
  });

  it('2025 era: the HTTP traceparent header is the parent of every request of the client', async () => {
    const caller = callerContext();
    const client = new Client({ name: 'traced-2025', version: '1.0.0' });
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { traceparent: caller.traceparent } },
      }),
    );
    await client.callTool({ name: 'model_search', arguments: { query: 'gpt', limit: 1 } });
    await client.close();

    const request = await spanIn(
      caller.traceId,
      (s) => s.name === 'tools/call model_search',
      'the request span',
    );
    expect(request.parentSpanId).toBe(caller.spanId);
    // A session (transport.sessions: true): the 2025 client's requests are served in it.
    expect(request.attributes).toMatchObject({
      'toolhost.era': 'legacy',
      'toolhost.transport': 'session-http',
    });
    expect(typeof request.attributes['mcp.session.id']).toBe('string');
    const toolCall = await spanIn(caller.traceId, (s) => s.name === 'execute_tool model_search', 'tool call');
    expect(toolCall.parentSpanId).toBe(request.spanId);
    await spanIn(
      caller.traceId,
      (s) => s.name === 'hub GET' && s.parentSpanId === toolCall.spanId,
      'Hub span',
    );
    // initialize is a request of its own in the same trace, also parented by the caller.
    const initialize = await spanIn(caller.traceId, (s) => s.name === 'initialize', 'initialize span');
    expect(initialize.parentSpanId).toBe(caller.spanId);
  });

  it('a request without trace context starts a trace of its own', async () => {
    const client = await connectClient(mcpUrl, { era: 'modern' });
    const before = receiver.spans.length;
    await client.callTool({ name: 'model_search', arguments: { query: 'roberta', limit: 1 } });
    await client.close();
    await waitFor(
      () => receiver.spans.slice(before).some((s) => s.name === 'hub GET'),
      'the spans of an untraced call',
      15_000,
    );
    const request = receiver.spans.slice(before).find((s) => s.name === 'tools/call model_search')!;
    expect(request.parentSpanId).toBe('');
    const hubSpan = receiver.spans.slice(before).find((s) => s.name === 'hub GET')!;
    expect(hubSpan.traceId).toBe(request.traceId);
  });

  it('a Hub answer of 404 marks its span and the tool call span as errors', async () => {
    const caller = callerContext();
    const client = await connectClient(mcpUrl, { era: 'modern' });
    const result = await client.callTool({
      name: 'model_details',
      arguments: { repo_id: 'nobody/no-such-model' },
      _meta: { traceparent: caller.traceparent },
    });
    expect(result.isError).toBe(true);
    await client.close();
    const hubSpan = await spanIn(caller.traceId, (s) => s.name === 'hub GET', 'the failed Hub span');
    expect(hubSpan.statusCode).toBe(2);
    expect(hubSpan.attributes).toMatchObject({
      'http.response.status_code': 404,
      'toolhost.outcome': 'client_error',
    });
    const toolCall = await spanIn(
      caller.traceId,
      (s) => s.name === 'execute_tool model_details',
      'tool call',
    );
    expect(toolCall.statusCode).toBe(2);
    expect(toolCall.attributes['toolhost.outcome']).toBe('tool_error');
  });
});

describe('Space calls', () => {
  it('a Space tool call has a space span whose trace context the Space receives', async () => {
    const caller = callerContext();
    const client = await connectClient(`${mcpUrl}?gradio=${TEXT_SPACE}`, { era: 'modern' });
    const before = spaces.requests.length;
    const result = await client.callTool({
      name: SPACE_TOOL,
      arguments: { text: 'hi' },
      _meta: { traceparent: caller.traceparent },
    });
    expect(result.isError).toBeFalsy();
    await client.close();

    const toolCall = await spanIn(
      caller.traceId,
      (s) => s.name === `execute_tool ${SPACE_TOOL}`,
      'tool call',
    );
    const spaceSpan = await spanIn(caller.traceId, (s) => s.name === 'space POST', 'the Space span');
    expect(spaceSpan.parentSpanId).toBe(toolCall.spanId);
    expect(spaceSpan.kind).toBe(SPAN_KIND.client);
    expect(spaceSpan.attributes).toMatchObject({ 'toolhost.plugin': 'gradio', 'toolhost.outcome': 'ok' });
    const call = spaces.requests.slice(before).find((r) => r.rpc.includes('tools/call'));
    expect(parseTraceparent(call?.headers['traceparent'])).toEqual({
      traceId: caller.traceId,
      spanId: spaceSpan.spanId,
    });
  });
});

describe('HTTP+SSE (2024-11-05)', () => {
  it('a message posted to /messages is a request span with the tool call under it', async () => {
    const caller = callerContext();
    const client = new Client({ name: 'traced-sse', version: '1.0.0' });
    await client.connect(
      new SSEClientTransport(new URL(`${baseUrl}/sse`), {
        requestInit: { headers: { traceparent: caller.traceparent } },
      }),
    );
    await client.callTool({ name: 'model_search', arguments: { query: 'llama', limit: 1 } });
    await client.close();
    const request = await spanIn(caller.traceId, (s) => s.name === 'tools/call model_search', 'request span');
    expect(request.parentSpanId).toBe(caller.spanId);
    expect(request.attributes['toolhost.transport']).toBe('legacy-sse');
    const toolCall = await spanIn(caller.traceId, (s) => s.name === 'execute_tool model_search', 'tool call');
    expect(toolCall.parentSpanId).toBe(request.spanId);
  });
});

describe('stdio', () => {
  it('each request is a span parented by its _meta traceparent; spans are flushed when the client hangs up', async () => {
    const caller = callerContext();
    const { client } = await connectStdioClient({
      era: 'modern',
      cwd: configDir,
      env: { ...tracingEnv(), OTEL_BSP_SCHEDULE_DELAY: '600000' },
    });
    await client.callTool({
      name: 'model_search',
      arguments: { query: 't5', limit: 1 },
      _meta: { traceparent: caller.traceparent },
    });
    // The batch delay is ten minutes: these spans arrive only because shutdown flushes them.
    await client.close();
    const request = await spanIn(
      caller.traceId,
      (s) => s.name === 'tools/call model_search',
      'stdio request',
    );
    expect(request.parentSpanId).toBe(caller.spanId);
    expect(request.attributes).toMatchObject({ 'toolhost.transport': 'stdio', 'network.transport': 'pipe' });
    const toolCall = await spanIn(caller.traceId, (s) => s.name === 'execute_tool model_search', 'tool call');
    expect(toolCall.parentSpanId).toBe(request.spanId);
    await spanIn(
      caller.traceId,
      (s) => s.name === 'hub GET' && s.parentSpanId === toolCall.spanId,
      'Hub span',
    );
  });
});

describe('tracing off (no endpoint configured)', () => {
  it('sends no trace context to the Hub and exports nothing', async () => {
    const quiet = await startToolhost({
      manifest: { plugins: manifest().plugins, spaces: manifest().spaces },
      env: { HF_ENDPOINT: hub.url },
    });
    try {
      const client = await connectClient(quiet.mcpUrl, { era: 'modern' });
      const before = hub.requests.length;
      const caller = callerContext();
      await client.callTool({
        name: 'model_search',
        arguments: { query: 'xlnet', limit: 1 },
        _meta: { traceparent: caller.traceparent },
      });
      await client.close();
      const sent = hub.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((r) => r.headers['traceparent'] === undefined)).toBe(true);
      expect(inTrace(caller.traceId)).toEqual([]);
    } finally {
      await quiet.close();
    }
    expect(receiver.rejected).toEqual([]);
  });
});
