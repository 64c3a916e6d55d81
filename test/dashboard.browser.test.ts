/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by
 * playwright-core, loads /dashboard after real MCP traffic (real SDK clients
 * against the Hub emulator) and must show the client, the tool and its count; after
 * traffic from a 2025 client (a session that re-lists on tools/list_changed) and a
 * 2026-07-28 client, its charts' data holds both and the filters narrow them.
 * Screenshots are kept as test artifacts (test/artifacts/dashboard*.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadTokenCounter } from '@toolhost/core/kernel';
import { buildApp, DEFAULT_MANIFEST } from '@toolhost/server';
import pino from 'pino';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  ARTIFACTS,
  horizontalOverflow,
  launchBrowser,
  pageFailures,
  requireChromium,
  screenshots,
} from './src/browser';
import { connectClient, type RunningToolhost, startToolhost, waitFor } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

// Headless Chromium on a loaded 2-core machine can take long to start and render; these
// are bounds for a hang, not timings (a flake at 15 s was seen with other suites running).
vi.setConfig({ testTimeout: 90_000 });
const PAGE_READY = { timeout: 60_000 };

const CLIENT_NAME = 'browser-test-client';

let hub: HubEmulator;
let toolhost: RunningToolhost;
/** What the client's tools/list answer held: how many tools, and their tokens as the settings page counts them. */
const listed = { tools: 0, tokens: 0 };

beforeAll(async () => {
  requireChromium();
  hub = await startHubEmulator();
  toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url } });
  const client = await connectClient(toolhost.mcpUrl, { era: 'modern', name: CLIENT_NAME });
  try {
    const { tools } = await client.listTools();
    const counter = await loadTokenCounter();
    listed.tools = tools.length;
    listed.tokens = tools.reduce((sum, tool) => sum + counter.toolCost(tool).total, 0);
    for (const query of ['bert', 'gpt2']) {
      const result = await client.callTool({ name: 'model_search', arguments: { query } });
      expect(result.isError).toBeFalsy();
    }
  } finally {
    await client.close();
  }
});

afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
});

/** A browser on a fresh profile, as the first two tests had it (context and close). */
async function launch(): Promise<BrowserContext & { closeAll(): Promise<void> }> {
  const browser = await launchBrowser();
  return Object.assign(browser.context, { closeAll: browser.close });
}

/** The dashboard's record of a client, once its tools/list tokens are counted (off the request path). */
async function countedSelection(name: string) {
  type Summary = {
    clients: { name: string | null; selection: { tools: number; tokens: number | null } | null }[];
  };
  for (;;) {
    const summary = (await (await fetch(`${toolhost.baseUrl}/api/dashboard`)).json()) as Summary;
    const selection = summary.clients.find((c) => c.name === name)?.selection;
    if (selection?.tokens != null) return selection;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

it('shows the client, the called tool and its count', async () => {
  expect(await countedSelection(CLIENT_NAME)).toEqual(listed);
  const context = await launch();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`${request.url()} failed`));
    await page.goto(`${toolhost.baseUrl}/dashboard`);
    await page.waitForSelector('body[data-loaded="true"]', PAGE_READY);

    const clients = await page.locator('#clients').innerText();
    expect(clients).toContain(CLIENT_NAME);
    expect(clients).toContain('modern');
    // Its selection size: the tools its tools/list answer had, and what they cost in tokens.
    const headers = await page.locator('#clients th').allInnerTexts();
    const clientRow = await page
      .locator('#clients tr', { hasText: CLIENT_NAME })
      .locator('td')
      .allInnerTexts();
    expect(clientRow[headers.indexOf('tools listed')]).toBe(String(listed.tools));
    expect(clientRow[headers.indexOf('listing tokens')]).toBe(String(listed.tokens));
    expect(listed.tools).toBeGreaterThan(10);
    const toolRow = page.locator('#tools tr', { hasText: 'model_search' });
    const cells = await toolRow.locator('td').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['models', 'model_search', '2']);
    const methods = await page.locator('#methods').innerText();
    expect(methods).toContain('tools/call');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(failures).toEqual([]);
  } finally {
    await context.closeAll();
  }
});

it('off localhost, asks for the admin token and then shows the dashboard', async () => {
  const admin = 'browser-admin-token';
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    env: { HF_ENDPOINT: hub.url, TOOLHOST_ADMIN_TOKEN: admin },
    manifest: {
      plugins: DEFAULT_MANIFEST.plugins,
      stores: { default: 'memory' },
      auth: { rateLimit: false },
    },
  });
  const address = await app.listen({ host: '0.0.0.0', port: 0 });
  const context = await launch();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const first = await page.goto(`http://127.0.0.1:${new URL(address).port}/dashboard`);
    expect(first?.status()).toBe(401);
    await page.fill('#t', admin);
    await Promise.all([page.waitForEvent('load'), page.click('button')]);
    await page.waitForSelector('body[data-loaded="true"]', PAGE_READY);
    expect(await page.locator('h1').innerText()).toContain('connections');
  } finally {
    await context.closeAll();
    await app.close();
  }
});

const HF_ALICE = 'hf_alice_test_token_000000000000';
const OLD_CLIENT = 'console-client-2025';
const NEW_CLIENT = 'console-client-2026';

interface ChartData {
  series: string[];
  totals: Record<string, number>;
}

it('charts the last hour for a 2025 and a 2026-07-28 client, and the filters narrow them', async () => {
  const server = await startToolhost({
    env: { HF_ENDPOINT: hub.url },
    manifest: { plugins: DEFAULT_MANIFEST.plugins, transport: { sessions: true } },
  });
  const clients: Client[] = [];
  const browser = await launchBrowser();
  try {
    // A 2025 client in a session, re-listing tools whenever it is told the list changed.
    const old = new Client({ name: OLD_CLIENT, version: '1.0.0' });
    let relisted = 0;
    old.setNotificationHandler('notifications/tools/list_changed', async () => {
      await old.listTools();
      relisted++;
    });
    await old.connect(
      new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${HF_ALICE}` } },
      }),
    );
    clients.push(old);
    await old.listTools();
    expect((await old.callTool({ name: 'hf_whoami', arguments: {} })).isError).toBeFalsy();
    // A 2026-07-28 client calling a models tool.
    const young = await connectClient(server.mcpUrl, { era: 'modern', name: NEW_CLIENT });
    clients.push(young);
    await young.listTools();
    expect(
      (await young.callTool({ name: 'model_search', arguments: { query: 'bert' } })).isError,
    ).toBeFalsy();
    // Alice changes her settings: her session is told, and re-lists.
    await waitFor(() => (server.app.kernel.health().openSessions ?? 0) === 1, 'the session is open');
    const put = await fetch(`${server.baseUrl}/api/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${HF_ALICE}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plugins: ['hub', 'models'] }),
    });
    expect(put.status).toBe(200);
    await waitFor(() => relisted === 1, 'the 2025 client re-lists after tools/list_changed');

    const { page } = browser;
    const failures = pageFailures(page);
    const response = await page.goto(`${server.baseUrl}/dashboard`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-loaded="true"]', PAGE_READY);
    const chart = async (id: string): Promise<ChartData> => {
      const figure = page.locator(`#chart-${id}`);
      return {
        series: JSON.parse((await figure.getAttribute('data-series')) ?? '[]'),
        totals: JSON.parse((await figure.getAttribute('data-totals')) ?? '{}'),
      };
    };
    // Which clients use which revision: both revisions charted, both clients in the table.
    const revisions = await chart('revisions');
    expect(revisions.series).toContain('2026-07-28');
    const oldRevision = revisions.series.find((revision) => revision.startsWith('2025-'));
    expect(oldRevision).toBeDefined();
    const table = await page.locator('#revisions').innerText();
    expect(table).toContain(`${OLD_CLIENT} 1.0.0`);
    expect(table).toContain(`${NEW_CLIENT} 1.0.0`);
    // Traffic by era and transport, and p95 over time.
    const requests = await chart('requests');
    expect(requests.series).toEqual(
      expect.arrayContaining(['legacy · session-http', 'modern · stateless-http']),
    );
    expect((await chart('latency')).totals['p95']).toBeGreaterThan(0);
    expect((await chart('tools')).series).toEqual(['hub', 'models']);
    // List changes against re-lists, and how fast the 2025 client re-listed.
    const listChanged = await chart('listchanged');
    expect(listChanged.totals['list_changed sent']).toBeGreaterThanOrEqual(1);
    expect(listChanged.totals['re-lists']).toBe(1);
    const relistRow = await page
      .locator('#relists tr', { hasText: OLD_CLIENT })
      .locator('td')
      .allInnerTexts();
    expect(relistRow[2]).toBe('1');
    expect(relistRow[3]).toMatch(/^\d+(\.\d+)? ms$/);

    // Filtered to the 2025 client: only its revision and its traffic.
    const filtered = (client: string, plugin: string) =>
      page.waitForFunction(
        ([c, p]) =>
          document.body.dataset['filterClient'] === c && document.body.dataset['filterPlugin'] === p,
        [client, plugin],
      );
    const oldKey = await page.locator('#client-filter option', { hasText: OLD_CLIENT }).getAttribute('value');
    await page.getByLabel('Client', { exact: true }).selectOption(oldKey!);
    await filtered(oldKey!, '');
    expect((await chart('revisions')).series).toEqual([oldRevision]);
    expect((await chart('requests')).series).toEqual(['legacy · session-http']);
    expect((await chart('tools')).series).toEqual(['hub']);
    expect(await page.locator('#revisions').innerText()).not.toContain(NEW_CLIENT);

    // Filtered to a plugin: only the calls to its tools (the 2026 client's).
    await page.getByLabel('Client', { exact: true }).selectOption('');
    await page.getByLabel('Plugin', { exact: true }).selectOption('models');
    await filtered('', 'models');
    expect((await chart('tools')).series).toEqual(['models']);
    expect((await chart('tools')).totals).toEqual({ models: 1 });
    expect((await chart('revisions')).series).toEqual(['2026-07-28']);
    const modelsTable = await page.locator('#revisions').innerText();
    expect(modelsTable).toContain(NEW_CLIENT);
    expect(modelsTable).not.toContain(OLD_CLIENT);

    await page.getByLabel('Plugin', { exact: true }).selectOption('');
    await filtered('', '');
    await screenshots(page, 'dashboard');
    expect(await horizontalOverflow(page)).toBe(0);
    expect(failures).toEqual([]);
  } finally {
    await browser.close();
    for (const client of clients) await client.close().catch(() => {});
    await server.close();
  }
});
