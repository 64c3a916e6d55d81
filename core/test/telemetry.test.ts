import { describe, expect, it } from 'vitest';
import { definePlugin, type UpstreamCall } from '../src/api/index';
import {
  PluginHost,
  type RequestFinished,
  type Telemetry,
  TelemetryHub,
  type ToolsRelisted,
  type UpstreamCallFinished,
} from '../src/kernel/index';

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
