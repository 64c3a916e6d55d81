/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by
 * playwright-core, loads /dashboard after real MCP traffic (a real SDK client
 * against the Hub emulator) and must show the client, the tool and its count.
 * The screenshot is kept as a test artifact (test/artifacts/dashboard.png).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, DEFAULT_MANIFEST } from '@toolhost/server';
import pino from 'pino';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, REPO_ROOT, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test/artifacts');
const CLIENT_NAME = 'browser-test-client';

let hub: HubEmulator;
let toolhost: RunningToolhost;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`,
    );
  }
  hub = await startHubEmulator();
  toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url } });
  const client = await connectClient(toolhost.mcpUrl, { era: 'modern', name: CLIENT_NAME });
  try {
    await client.listTools();
    for (const query of ['bert', 'gpt2']) {
      const result = await client.callTool({ name: 'model_search', arguments: { query } });
      expect(result.isError).toBeFalsy();
    }
  } finally {
    await client.close();
  }
  profile = mkdtempSync(join(tmpdir(), 'toolhost-chromium-'));
});

afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 1000 },
  });
}

it('shows the client, the called tool and its count', async () => {
  const context = await launch();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`${request.url()} failed`));
    await page.goto(`${toolhost.baseUrl}/dashboard`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });

    const clients = await page.locator('#clients').innerText();
    expect(clients).toContain(CLIENT_NAME);
    expect(clients).toContain('modern');
    const toolRow = page.locator('#tools tr', { hasText: 'model_search' });
    const cells = await toolRow.locator('td').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['models', 'model_search', '2']);
    const methods = await page.locator('#methods').innerText();
    expect(methods).toContain('tools/call');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(failures).toEqual([]);
  } finally {
    await context.close();
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
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    expect(await page.locator('h1').innerText()).toContain('connections');
  } finally {
    await context.close();
    await app.close();
  }
});
