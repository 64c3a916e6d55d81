/**
 * The /settings page in a real browser (Debian's headless Chromium, playwright-core):
 * a user signs in with their Hugging Face token (checked by the Hub emulator), turns a
 * plugin and a tool off, is told why a missing Space cannot be used, adds a test Space
 * (discovered through the real Space proxy), saves — and a real SDK client with the
 * same token then lists exactly that selection. Screenshots at 1280 and 375 px are
 * kept as test artifacts (test/artifacts/settings-*.png).
 */
import { DEFAULT_MANIFEST } from '@toolhost/server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { horizontalOverflow, launchBrowser, pageFailures, requireChromium, screenshots } from './src/browser';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { OWNER, startTestSpaces, type TestSpaces } from './src/test-spaces';

// Headless Chromium on a loaded 2-core machine can take long to start and render; these
// are bounds for a hang, not timings (a flake at 15 s was seen with other suites running).
vi.setConfig({ testTimeout: 90_000 });
const PAGE_READY = { timeout: 60_000 };

const HF_ALICE = 'hf_alice_test_token_000000000000';
const TEXT_SPACE = `${OWNER}/text-space`;
const MISSING_SPACE = `${OWNER}/no-such-space`;
/** The proxied name of the text Space's one tool (Space prefix + upstream name). */
const TEXT_SPACE_TOOL = 'toolhost-test_text-space_text_space_echo';
const PLUGIN_OFF = 'datasets';
const TOOL_OFF = 'paper_search';

let spaces: TestSpaces;
let hub: HubEmulator;
let toolhost: RunningToolhost;

beforeAll(async () => {
  requireChromium();
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
  toolhost = await startToolhost({
    env: { HF_ENDPOINT: hub.url },
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-models' },
        { use: '@toolhost/plugin-datasets' },
        { use: '@toolhost/plugin-papers' },
        { use: '@toolhost/plugin-gradio' },
      ],
      spaces: {
        endpoint: spaces.endpoint,
        allowedHosts: ['127.0.0.1'],
        allowPrivateAddresses: true,
      },
      quotas: { plans: { pro: { units: 40, per: '1h' } } },
    },
  });
});

afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
  await spaces?.close();
});

it('a user signs in, changes their selection, adds a Space and saves; a client lists exactly that', async () => {
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    const failures = pageFailures(page);
    const response = await page.goto(`${toolhost.baseUrl}/settings`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-loaded="signed-out"]');

    // Keyboard only: the token field is labelled, Enter signs in.
    await page.getByLabel(/Your token/).focus();
    await page.keyboard.type(HF_ALICE);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-loaded="true"]', PAGE_READY);
    expect(await page.locator('#signin-status').innerText()).toContain('alice');

    // What the policy allows, by plugin, with titles and descriptions; the quota as it stands.
    const models = page.locator('#panel-models');
    expect(await models.locator('legend').innerText()).toContain('models');
    expect(await models.innerText()).toContain('model_search');
    const quota = await page.locator('#quota').innerText();
    expect(quota).toContain('pro');
    expect(quota).toContain('0 / 40');

    // A plugin off (keyboard: focus and Space), and a single tool off.
    await page.locator(`#plugin-${PLUGIN_OFF}`).focus();
    await page.keyboard.press('Space');
    expect(await page.locator(`#plugin-${PLUGIN_OFF}`).isChecked()).toBe(false);
    expect(await page.locator('#tool-dataset_search').isDisabled()).toBe(true);
    await page.getByLabel(new RegExp(TOOL_OFF)).uncheck();

    // A Space that does not exist is refused with the reason the proxy's discovery gives.
    await page.getByLabel('Space id (owner/name)').fill(MISSING_SPACE);
    await page.getByRole('button', { name: 'Add Space' }).click();
    await page.waitForSelector('#space-status.error');
    expect(await page.locator('#space-status').innerText()).toMatch(/cannot be used: .*NOT_FOUND/);
    expect(await page.locator(`[data-space="${MISSING_SPACE}"]`).count()).toBe(0);

    // A test Space is discovered and shows its tool.
    await page.getByLabel('Space id (owner/name)').fill(TEXT_SPACE);
    await page.getByRole('button', { name: 'Add Space' }).click();
    const space = page.locator(`[data-space="${TEXT_SPACE}"]`);
    await space.waitFor();
    expect(await space.innerText()).toContain(TEXT_SPACE_TOOL);

    await page.getByRole('button', { name: 'Save my selection' }).click();
    await page.waitForSelector('body[data-saved="1"]');
    expect(await page.locator('#save-status').innerText()).toContain('Saved');

    // The client configuration names this server's endpoint and carries the token.
    const cursor = await page.locator('#config-cursor').innerText();
    expect(JSON.parse(cursor)).toEqual({
      mcpServers: { toolhost: { url: toolhost.mcpUrl, headers: { Authorization: `Bearer ${HF_ALICE}` } } },
    });

    // The saved selection, seen by a real SDK client with the same token.
    const expected = [
      ...toolhost.app.kernel
        .health()
        .tools.filter((tool) => tool.plugin !== PLUGIN_OFF && tool.name !== TOOL_OFF)
        .map((tool) => tool.name),
      TEXT_SPACE_TOOL,
    ].sort();
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern', token: HF_ALICE });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(expected);
      const echoed = await client.callTool({ name: TEXT_SPACE_TOOL, arguments: { text: 'hi' } });
      expect(echoed.isError).toBeFalsy();
    } finally {
      await client.close();
    }

    // The page, reloaded (the token is still in this tab), shows the saved state and the spent unit.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]', PAGE_READY);
    expect(await page.locator(`#plugin-${PLUGIN_OFF}`).isChecked()).toBe(false);
    expect(await page.locator(`#tool-${TOOL_OFF}`).isChecked()).toBe(false);
    expect(await page.locator(`[data-space="${TEXT_SPACE}"]`).innerText()).toContain(TEXT_SPACE_TOOL);
    expect(await page.locator('#quota').innerText()).toContain('1 / 40');

    await screenshots(page, 'settings');
    expect(await horizontalOverflow(page)).toBe(0);
    expect(failures).toEqual([]);
  } finally {
    await browser.close();
  }
});

it('a wrong token is refused on the page, with the reason', async () => {
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    await page.goto(`${toolhost.baseUrl}/settings`);
    await page.waitForSelector('body[data-loaded="signed-out"]');
    await page.getByLabel(/Your token/).fill('hf_not_a_real_token_00000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#signin-status.error');
    expect(await page.locator('#signin-status').innerText()).toContain('Could not sign in');
    expect(await page.locator('#selection').isHidden()).toBe(true);
  } finally {
    await browser.close();
  }
});

it('settings from the Hub are shown read-only, with a note saying where to change them', async () => {
  const readOnly = await startToolhost({
    env: { HF_ENDPOINT: hub.url },
    manifest: { plugins: DEFAULT_MANIFEST.plugins, stores: { default: 'memory', settings: 'hf' } },
  });
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    const failures = pageFailures(page);
    await page.goto(`${readOnly.baseUrl}/settings`);
    await page.getByLabel(/Your token/).fill(HF_ALICE);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('body[data-loaded="true"]', PAGE_READY);
    expect(await page.locator('#read-only').innerText()).toContain('huggingface.co/settings/mcp');
    expect(await page.getByRole('button', { name: 'Save my selection' }).isDisabled()).toBe(true);
    expect(await page.locator('#plugin-models').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add Space' }).isDisabled()).toBe(true);
    expect(failures).toEqual([]);
  } finally {
    await browser.close();
    await readOnly.close();
  }
});
