import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { definePlugin, defineTool, type UpstreamCall, z } from '../src/api/index';
import {
  Kernel,
  PluginHost,
  type RequestFinished,
  type Telemetry,
  TelemetryHub,
  type ToolsRelisted,
  type UpstreamCallFinished,
} from '../src/kernel/internal';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;

const listRequest = (client: RequestFinished['client'], sessionId?: string): RequestFinished => ({
  transport: 'stateless-http',
  era: 'legacy',
  method: 'tools/list',
  outcome: 'ok',
  status: 200,
  durationMs: 1,
  client,
  principalKind: 'anonymous',
  ...(sessionId && { sessionId }),
});

describe('the telemetry hub', () => {
  it('derives a re-list when a client lists tools after a tools list_changed, once per notification', () => {
    const relists: ToolsRelisted[] = [];
    const hub = new TelemetryHub({ toolsRelisted: (event) => relists.push(event) });
    const cursor = { name: 'cursor', version: '1.2' };
    hub.requestFinished(listRequest(cursor));
    expect(relists).toEqual([]);
    hub.listChangedSent({ list: 'prompts', client: cursor });
    hub.requestFinished(listRequest(cursor));
    expect(relists).toEqual([]);
    hub.listChangedSent({ list: 'tools', client: cursor });
    hub.listChangedSent({ list: 'tools', client: { name: 'other' } });
    hub.requestFinished(listRequest(cursor));
    hub.requestFinished(listRequest(cursor));
    expect(relists).toHaveLength(1);
    expect(relists[0]).toMatchObject({ client: cursor, afterMs: expect.any(Number) });
  });

  it('keys re-lists by session when the transport has one', () => {
    const relists: ToolsRelisted[] = [];
    const hub = new TelemetryHub({ toolsRelisted: (event) => relists.push(event) });
    const client = { name: 'claude' };
    hub.listChangedSent({ list: 'tools', client, sessionId: 's1' });
    hub.requestFinished(listRequest(client, 's2'));
    expect(relists).toEqual([]);
    hub.requestFinished(listRequest(client, 's1'));
    expect(relists).toEqual([expect.objectContaining({ sessionId: 's1' })]);
  });

  it('never lets a throwing observer fail the caller', () => {
    const errors: unknown[] = [];
    const observer: Telemetry = {
      toolCallFinished() {
        throw new Error('observer bug');
      },
    };
    const hub = new TelemetryHub(observer, (error) => errors.push(error));
    expect(() =>
      hub.toolCallFinished({
        plugin: 'p',
        tool: 't',
        outcome: 'ok',
        durationMs: 1,
        principalKind: 'anonymous',
        requestId: 'r',
      }),
    ).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(new TelemetryHub().active).toBe(false);
    expect(hub.active).toBe(true);
  });
});

describe('reportUpstream on the setup context', () => {
  it('tags each report with the plugin id', async () => {
    const reports: UpstreamCallFinished[] = [];
    const hub = new TelemetryHub({ upstreamCall: (event) => reports.push(event) });
    const call: UpstreamCall = { service: 'hub', durationMs: 12, outcome: 'server_error' };
    const plugin = definePlugin({
      id: 'reporter',
      version: '0.1.0',
      kernel: '^0.1.0',
      setup({ reportUpstream }) {
        reportUpstream(call);
      },
    });
    const host = PluginHost.fromPlugins([{ plugin }], { baseDir: '.', logger: silent, telemetry: hub });
    await host.start();
    expect(reports).toEqual([{ ...call, plugin: 'reporter' }]);
    await host.stop();
  });
});

describe('stdio', () => {
  it('reports each request with its method, tool, era, client and the stdio transport', async () => {
    const requests: RequestFinished[] = [];
    const calls: string[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'Echo the text.',
      input: z.object({ text: z.string() }),
      handler: ({ text }) => text,
    });
    const plugin = definePlugin({ id: 'echo', version: '0.1.0', kernel: '^0.1.0', tools: [echo] });
    const kernel = await Kernel.fromPlugins([{ plugin }], {
      logger: silent,
      telemetry: {
        requestFinished: (event) => requests.push(event),
        toolCallFinished: (event) => calls.push(`${event.plugin}/${event.tool}:${event.outcome}`),
      },
    });
    const resolution = await kernel.resolveCaller({ logger: silent });
    if (!resolution.ok) throw new Error('no caller');
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    stdout.on('data', (chunk) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    });
    const handle = kernel.serveStdio(resolution.caller, { stdin, stdout });
    const send = (message: object) => stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'stdio-probe', version: '3.1' },
      },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'hi' } },
    });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'missing', arguments: {} } });
    await waitUntil(() => lines.filter((l) => l['id'] === 2 || l['id'] === 3).length === 2);
    // The two calls run concurrently: compare in a fixed order.
    requests.sort((a, b) => (a.tool ?? '').localeCompare(b.tool ?? ''));
    expect(requests.map((r) => [r.method, r.tool, r.outcome])).toEqual([
      ['tools/call', 'echo', 'ok'],
      ['tools/call', 'missing', 'error'],
    ]);
    expect(requests[0]).toMatchObject({
      era: 'legacy',
      transport: 'stdio',
      client: { name: 'stdio-probe', version: '3.1' },
      principalKind: 'anonymous',
    });
    expect(calls).toEqual(['echo/echo:ok']);
    await handle.close?.();
    await kernel.shutdown();
  });
});

async function waitUntil(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!predicate()) throw new Error('timed out');
}
