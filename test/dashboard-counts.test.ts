/**
 * What the metrics and the dashboard count as errors. A client's `GET /mcp` stream
 * probe, answered 405 in stateless mode as the spec expects, is recorded as
 * `GET /mcp` with outcome `unsupported`: neither method `none` nor an error of the
 * client. Auth counts `rejected` only for tokens that were refused; a token the Hub
 * could not check is `unverified`.
 */
import { loadTokenCounter } from '@toolhost/core/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, postMcp, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { closedPort } from './src/hub-plugins';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

interface Dashboard {
  clients: { name: string | null; requests: number; errors: number; methods: Record<string, number> }[];
  methods: { method: string; count: number; errors: number; errorRate: number }[];
  auth: Record<string, number>;
}

const dashboard = async (toolhost: RunningToolhost) =>
  (await (await fetch(`${toolhost.baseUrl}/api/dashboard`)).json()) as Dashboard;
const metrics = async (toolhost: RunningToolhost) => (await fetch(`${toolhost.baseUrl}/metrics`)).text();

describe('a GET /mcp stream probe in stateless mode', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({ manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }] } });
  });
  afterAll(() => toolhost.close());

  it('is counted as GET /mcp, unsupported, not as an error of the client', async () => {
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy', name: 'probing-client' });
    await client.listTools();
    await client.close();
    // As a client probes for the GET stream (the SDK client does after initialize).
    const probe = await fetch(toolhost.mcpUrl, {
      headers: { accept: 'text/event-stream', 'user-agent': 'probe-agent/1' },
    });
    expect(probe.status).toBe(405);
    await probe.text();

    const text = await metrics(toolhost);
    expect(
      sample(text, 'toolhost_mcp_requests_total{method="GET /mcp",era="legacy",outcome="unsupported"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('method="none"');
    expect(text).not.toMatch(/method="GET \/mcp"[^}]*outcome="http_error"/);

    const board = await dashboard(toolhost);
    const get = board.methods.find((m) => m.method === 'GET /mcp');
    expect(get).toMatchObject({ errors: 0, errorRate: 0 });
    expect(get!.count).toBeGreaterThanOrEqual(1);
    expect(board.methods.map((m) => m.method)).not.toContain('none');
    for (const client of board.clients)
      expect({ name: client.name, errors: client.errors }).toEqual({
        name: client.name,
        errors: 0,
      });
    expect(board.clients.find((c) => c.name === 'probing-client')!.methods['tools/list']).toBe(1);
  });
});

describe('auth outcomes', () => {
  let hub: HubEmulator;
  let reachable: RunningToolhost;
  let unreachable: RunningToolhost;
  beforeAll(async () => {
    hub = await startHubEmulator();
    // The hub plugin's identity provider is what checks hf_ tokens against the Hub.
    const manifest = {
      plugins: [{ use: '@toolhost/plugin-hub' }, { use: '@toolhost/plugin-conformance' }],
    };
    reachable = await startToolhost({ manifest, env: { HF_ENDPOINT: hub.url } });
    unreachable = await startToolhost({
      manifest,
      env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
    });
  });
  afterAll(async () => {
    await reachable?.close();
    await unreachable?.close();
    await hub?.close();
  });

  it('count a token the Hub refused as rejected', async () => {
    const response = await postMcp(reachable.mcpUrl, undefined, {
      authorization: 'Bearer hf_revoked_or_made_up_token_000',
    });
    expect(response.status).toBe(401);
    await response.text();
    expect(sample(await metrics(reachable), 'toolhost_auth_total{outcome="rejected"}')).toBe(1);
    expect((await dashboard(reachable)).auth).toMatchObject({ rejected: 1, unverified: 0 });
  });

  it('count a token the Hub could not check as unverified, not rejected', async () => {
    const response = await postMcp(unreachable.mcpUrl, undefined, {
      authorization: 'Bearer hf_never_checked_token_0000000',
    });
    // Whatever the answer (a 503 today), the token was not refused.
    await response.text();
    const text = await metrics(unreachable);
    expect(sample(text, 'toolhost_auth_total{outcome="unverified"}')).toBe(1);
    expect(sample(text, 'toolhost_auth_total{outcome="rejected"}')).toBeUndefined();
    expect((await dashboard(unreachable)).auth).toMatchObject({ rejected: 0, unverified: 1 });
  });
});

describe("each client's selection size", () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({ manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }] } });
  });
  afterAll(() => toolhost.close());

  type Selection = { tools: number; tokens: number | null } | null;
  /** A client's selection, once its tokens are counted (they are counted after the answer, off its path). */
  async function counted(name: string): Promise<Selection> {
    for (;;) {
      const board = (await dashboard(toolhost)) as unknown as {
        clients: { name: string | null; selection: Selection }[];
      };
      const selection = board.clients.find((c) => c.name === name)?.selection;
      if (selection?.tokens != null) return selection;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('is the tools and tokens of its latest tools/list answer, per client, in both eras', async () => {
    const counter = await loadTokenCounter();
    const expected: Record<string, { tools: number; tokens: number }> = {};
    for (const [name, era, query] of [
      ['narrow-client', 'legacy', '?tools=test_simple_text,test_image_content'],
      ['wide-client', 'modern', ''],
    ] as const) {
      const client = await connectClient(`${toolhost.mcpUrl}${query}`, { era, name });
      const { tools } = await client.listTools();
      await client.close();
      expected[name] = {
        tools: tools.length,
        tokens: tools.reduce((sum, tool) => sum + counter.toolCost(tool).total, 0),
      };
    }
    expect(expected['narrow-client']!.tools).toBe(2);
    expect(expected['wide-client']!.tools).toBeGreaterThan(2);
    expect(await counted('narrow-client')).toEqual(expected['narrow-client']);
    expect(await counted('wide-client')).toEqual(expected['wide-client']);
  });
});
