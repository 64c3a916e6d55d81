/**
 * Metrics, connection records and the structured log line, after real traffic from
 * real SDK clients (both eras) against the Hub emulator; and who may read them.
 */
import type { Client } from '@modelcontextprotocol/client';
import { buildApp, DEFAULT_MANIFEST } from '@toolhost/server';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, memoryLogger, postMcp, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { closedPort, hubPluginsManifest } from './src/hub-plugins';

/** The value of one sample line of a Prometheus exposition, by its exact name and labels. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

interface DashboardClient {
  name: string | null;
  version: string | null;
  eras: string[];
  transports: string[];
  requests: number;
  methods: Record<string, number>;
}

let hub: HubEmulator;

beforeAll(async () => {
  hub = await startHubEmulator();
});
afterAll(async () => {
  await hub?.close();
});

describe('after a real client lists tools and calls model_search twice', () => {
  let toolhost: RunningToolhost;
  let modern: Client;
  let legacy: Client;
  const { logger, lines } = memoryLogger();

  beforeAll(async () => {
    toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url }, logger });
    modern = await connectClient(toolhost.mcpUrl, { era: 'modern', name: 'dash-modern' });
    await modern.listTools();
    for (const query of ['bert', 'gpt2']) {
      const result = await modern.callTool({ name: 'model_search', arguments: { query, limit: 2 } });
      expect(result.isError).toBeFalsy();
    }
    legacy = await connectClient(toolhost.mcpUrl, { era: 'legacy', name: 'dash-legacy' });
    await legacy.listTools();
    // Bounded labels: a method outside MCP and a tool the server does not have.
    await postMcp(toolhost.mcpUrl, { jsonrpc: '2.0', id: 7, method: 'made/up-method-x1' });
    const missing = await legacy.callTool({ name: 'no_such_tool_x1', arguments: {} }).catch((e) => e);
    expect(missing).toBeDefined();
  });
  afterAll(async () => {
    await modern?.close();
    await legacy?.close();
    await toolhost?.close();
  });

  it('/metrics counts the requests and tool calls with their labels', async () => {
    const response = await fetch(`${toolhost.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'toolhost_tool_calls_total{plugin="models",tool="model_search",outcome="ok"}')).toBe(
      2,
    );
    expect(
      sample(text, 'toolhost_tool_call_duration_seconds_count{plugin="models",tool="model_search"}'),
    ).toBe(2);
    expect(sample(text, 'toolhost_mcp_requests_total{method="tools/call",era="modern",outcome="ok"}')).toBe(
      2,
    );
    expect(sample(text, 'toolhost_mcp_requests_total{method="tools/list",era="modern",outcome="ok"}')).toBe(
      1,
    );
    expect(sample(text, 'toolhost_mcp_requests_total{method="tools/list",era="legacy",outcome="ok"}')).toBe(
      1,
    );
    expect(sample(text, 'toolhost_mcp_requests_total{method="initialize",era="legacy",outcome="ok"}')).toBe(
      1,
    );
    // Both searches reached the emulator (different queries: no cache hit).
    expect(sample(text, 'toolhost_upstream_request_duration_seconds_count{service="hub",outcome="ok"}')).toBe(
      2,
    );
    expect(sample(text, 'toolhost_auth_total{outcome="anonymous"}')).toBeGreaterThanOrEqual(6);
    expect(text).toContain('process_cpu_user_seconds_total');
    // Unknown names never become label values.
    expect(text).toMatch(/toolhost_mcp_requests_total\{method="other",era="legacy",outcome="error"\} 1/);
    expect(text).not.toContain('made/up-method-x1');
    expect(text).not.toContain('no_such_tool_x1');
  });

  it('/api/dashboard names each client with its era, transport and requests', async () => {
    const response = await fetch(`${toolhost.baseUrl}/api/dashboard`);
    expect(response.status).toBe(200);
    const dashboard = (await response.json()) as {
      clients: DashboardClient[];
      tools: { plugin: string; tool: string; count: number; errors: number; p50Ms: number }[];
      methods: { method: string; count: number; p95Ms: number }[];
      upstream: { service: string; count: number }[];
    };
    const byName = (name: string) => dashboard.clients.find((c) => c.name === name);
    expect(byName('dash-modern')).toMatchObject({
      version: '1.0.0',
      eras: ['modern'],
      transports: ['stateless-http'],
      methods: { 'tools/list': 1, 'tools/call': 2 },
    });
    // A 2025 client names itself only in initialize; its later requests are attributed to it.
    expect(byName('dash-legacy')).toMatchObject({ eras: ['legacy'], methods: { 'tools/list': 1 } });
    expect(dashboard.tools).toContainEqual(
      expect.objectContaining({ plugin: 'models', tool: 'model_search', count: 2, errors: 0 }),
    );
    expect(dashboard.methods.find((m) => m.method === 'tools/call')!.p95Ms).toBeGreaterThan(0);
    expect(dashboard.upstream).toContainEqual(expect.objectContaining({ service: 'hub', count: 2 }));
  });

  it('logs one line per MCP request with request id, method, tool, era, principal kind, duration and outcome', () => {
    const calls = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'mcp request' && line['tool'] === 'model_search');
    expect(calls).toHaveLength(2);
    for (const line of calls) {
      expect(line).toMatchObject({
        method: 'tools/call',
        era: 'modern',
        outcome: 'ok',
        status: 200,
        principal: 'anonymous',
      });
      expect(line['reqId']).toEqual(expect.any(String));
      expect(line['ms']).toEqual(expect.any(Number));
    }
  });

  it('serves the dashboard page with its built script and style from this server only', async () => {
    const response = await fetch(`${toolhost.baseUrl}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    // Only this server's own scripts, styles and API; nothing inline, nothing from elsewhere.
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>/);
    const sources = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]!);
    expect(sources.sort()).toEqual(['/console/dashboard.css', '/console/dashboard.js']);
    for (const source of sources) {
      const asset = await fetch(`${toolhost.baseUrl}${source}`);
      expect(asset.status, source).toBe(200);
      expect((await asset.text()).length, source).toBeGreaterThan(1000);
    }
    // The bundle polls the dashboard's APIs and carries uPlot (bundled, not fetched from a CDN).
    const script = await (await fetch(`${toolhost.baseUrl}/console/dashboard.js`)).text();
    expect(script).toContain('/api/dashboard');
    expect(script).toContain('/api/dashboard/series');
    expect(script).toContain('uplot');
    expect((await fetch(`${toolhost.baseUrl}/console/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${toolhost.baseUrl}/console/other.js`)).status).toBe(404);
  });

  it('/api/dashboard/series answers the last hour and narrows by client', async () => {
    type Series = {
      times: number[];
      revisions: Record<string, number[]>;
      choices: { clients: { client: string; label: string }[] };
      clients: { label: string }[];
    };
    const all = (await (await fetch(`${toolhost.baseUrl}/api/dashboard/series`)).json()) as Series;
    expect(all.times).toHaveLength(360);
    expect(all.choices.clients.length).toBeGreaterThan(0);
    const first = all.choices.clients[0]!;
    const one = (await (
      await fetch(`${toolhost.baseUrl}/api/dashboard/series?client=${encodeURIComponent(first.client)}`)
    ).json()) as Series;
    expect(one.clients.map((c) => c.label)).toEqual([first.label]);
    const none = (await (
      await fetch(`${toolhost.baseUrl}/api/dashboard/series?client=nobody`)
    ).json()) as Series;
    expect(none.clients).toEqual([]);
    expect(none.revisions).toEqual({});
  });
});

describe('upstream metrics', () => {
  it('count Hub latency by outcome, and errors: a 5xx retried, an unreachable Hub', async () => {
    const toolhost = await startToolhost({
      env: { HF_ENDPOINT: hub.url },
      manifest: hubPluginsManifest({ retries: 1, retryDelayMs: 10, cacheTtlMs: 0 }),
    });
    const down = await startToolhost({
      env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
      manifest: hubPluginsManifest({ retries: 0 }),
    });
    try {
      hub.failNext({ status: 503, pathPrefix: '/api/models' });
      const client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
      expect(
        (await client.callTool({ name: 'model_search', arguments: { query: 'bert' } })).isError,
      ).toBeFalsy();
      await client.close();
      const text = await (await fetch(`${toolhost.baseUrl}/metrics`)).text();
      const series = (outcome: string) =>
        sample(text, `toolhost_upstream_request_duration_seconds_count{service="hub",outcome="${outcome}"}`);
      expect([series('server_error'), series('ok')]).toEqual([1, 1]);
      expect(sample(text, 'toolhost_upstream_errors_total{service="hub",outcome="server_error"}')).toBe(1);

      const offline = await connectClient(down.mcpUrl, { era: 'modern' });
      const failed = await offline.callTool({
        name: 'model_details',
        arguments: { repo_id: 'google-bert/bert-base-uncased' },
      });
      expect(failed.isError).toBe(true);
      await offline.close();
      const downText = await (await fetch(`${down.baseUrl}/metrics`)).text();
      expect(sample(downText, 'toolhost_upstream_errors_total{service="hub",outcome="network_error"}')).toBe(
        1,
      );
    } finally {
      await toolhost.close();
      await down.close();
    }
  });
});

describe('quota refusals', () => {
  it('are counted by plugin, tool and plan', async () => {
    const toolhost = await startToolhost({
      env: { HF_ENDPOINT: hub.url },
      manifest: {
        plugins: DEFAULT_MANIFEST.plugins,
        quotas: { plans: { anonymous: { units: 1, per: '1h' } } },
      },
    });
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    try {
      await client.callTool({ name: 'model_search', arguments: { query: 'bert' } });
      const refused = await client.callTool({ name: 'model_search', arguments: { query: 'bert' } });
      expect(refused.isError).toBe(true);
      const text = await (await fetch(`${toolhost.baseUrl}/metrics`)).text();
      expect(
        sample(text, 'toolhost_quota_refusals_total{plugin="models",tool="model_search",plan="anonymous"}'),
      ).toBe(1);
      const dashboard = (await (await fetch(`${toolhost.baseUrl}/api/dashboard`)).json()) as {
        quotaRefusals: { total: number };
      };
      expect(dashboard.quotaRefusals.total).toBe(1);
    } finally {
      await client.close();
      await toolhost.close();
    }
  });
});

describe('off localhost', () => {
  const ADMIN = 'admin-secret-for-dashboard-test';
  let app: FastifyInstance;
  let base: string;

  /** Bound to every interface (not loopback), reached through 127.0.0.1. */
  async function listenOnAllInterfaces(env: Record<string, string>) {
    const built = await buildApp({
      logger: pino({ level: 'silent' }),
      env,
      manifest: {
        plugins: DEFAULT_MANIFEST.plugins,
        stores: { default: 'memory' },
        auth: { rateLimit: false },
      },
    });
    const address = await built.listen({ host: '0.0.0.0', port: 0 });
    return { built, base: `http://127.0.0.1:${new URL(address).port}` };
  }

  beforeAll(async () => {
    ({ built: app, base } = await listenOnAllInterfaces({
      HF_ENDPOINT: hub.url,
      TOOLHOST_ADMIN_TOKEN: ADMIN,
    }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses /dashboard, /api/dashboard and /metrics without the admin token', async () => {
    for (const path of ['/api/dashboard', '/api/dashboard/series', '/metrics']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as { message: string }).message).toContain('TOOLHOST_ADMIN_TOKEN');
    }
    const page = await fetch(`${base}/dashboard`);
    expect(page.status).toBe(401);
    const html = await page.text();
    expect(html).toContain('admin token');
    expect(html).not.toContain('/api/dashboard');
    const wrong = await fetch(`${base}/api/dashboard`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(401);
  });

  it('serves them with the admin token as a bearer token or the dashboard cookie', async () => {
    const bearer = { authorization: `Bearer ${ADMIN}` };
    expect((await fetch(`${base}/api/dashboard`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${base}/metrics`, { headers: bearer })).status).toBe(200);
    const cookie = { cookie: `toolhost_admin=${encodeURIComponent(ADMIN)}` };
    expect((await fetch(`${base}/dashboard`, { headers: cookie })).status).toBe(200);
    expect((await fetch(`${base}/api/dashboard`, { headers: cookie })).status).toBe(200);
    expect((await fetch(`${base}/api/dashboard/series`, { headers: cookie })).status).toBe(200);
  });

  it('turns them off when no admin token is set', async () => {
    const { built, base: open } = await listenOnAllInterfaces({ HF_ENDPOINT: hub.url });
    try {
      for (const path of ['/dashboard', '/api/dashboard', '/api/dashboard/series', '/metrics']) {
        const response = await fetch(`${open}${path}`);
        expect(response.status, path).toBe(403);
      }
    } finally {
      await built.close();
    }
  });
});

describe('server.metrics: false', () => {
  it('serves no /metrics or dashboard', async () => {
    const toolhost = await startToolhost({
      manifest: { plugins: DEFAULT_MANIFEST.plugins, server: { metrics: false } },
    });
    try {
      for (const path of ['/dashboard', '/api/dashboard', '/metrics']) {
        expect((await fetch(`${toolhost.baseUrl}${path}`)).status, path).toBe(404);
      }
    } finally {
      await toolhost.close();
    }
  });
});
