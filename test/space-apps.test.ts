/**
 * MCP Apps (SEP-1865) through the Space proxy, end to end: a test Space serves a
 * tool whose `_meta.ui.resourceUri` names a `ui://` page; real SDK clients see the
 * tool and the page under Toolhost's own `ui://` namespace, and `resources/read`
 * returns the Space's HTML, read with the caller's token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type Era, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { APP_MIME_TYPE, OWNER, startTestSpaces, type TestSpaces } from './src/test-spaces';

const HF_ALICE = 'hf_alice_test_token_000000000000';
const APP_SPACE = `${OWNER}/app-space`;
const APP_PAGE = `ui://toolhost/spaces/${APP_SPACE}/counter/app.html`;
const HISTORY_PAGE = `ui://toolhost/spaces/${APP_SPACE}/counter/history.html`;

let spaces: TestSpaces;
let hub: HubEmulator;
let toolhost: RunningToolhost;

beforeAll(async () => {
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: '@toolhost/plugin-hub' }, { use: '@toolhost/plugin-gradio' }],
      spaces: {
        endpoint: spaces.endpoint,
        allowedHosts: ['127.0.0.1'],
        allowPrivateAddresses: true,
        timeoutSeconds: 5,
      },
    },
    env: { HF_ENDPOINT: hub.url },
  });
});
afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
  await spaces?.close();
});

const withApp = () => `${toolhost.mcpUrl}?gradio=${APP_SPACE}`;

describe.each<Era>(['legacy', 'modern'])('a Space that serves an MCP App (%s era)', (era) => {
  it("lists its tool with the page's URI in Toolhost's ui:// namespace, the rest of _meta kept", async () => {
    const client = await connectClient(withApp(), { era });
    const { tools } = await client.listTools();
    const count = tools.find((tool) => tool.name === 'toolhost-test_app-space_app_space_count');
    expect(count?._meta).toEqual({
      ui: { resourceUri: APP_PAGE, visibility: ['model', 'app'] },
      'gradio/kind': 'app',
    });
    // The older flat key is rewritten the same way.
    const history = tools.find((tool) => tool.name === 'toolhost-test_app-space_app_space_history');
    expect(history?._meta).toEqual({ 'ui/resourceUri': HISTORY_PAGE });
    // A Space without Apps lists no _meta.
    const plain = await connectClient(`${toolhost.mcpUrl}?gradio=${OWNER}/text-space`, { era });
    const echo = (await plain.listTools()).tools.find((tool) => tool.name.endsWith('text_space_echo'));
    expect(echo).toBeDefined();
    expect(echo!._meta).toBeUndefined();
    await Promise.all([client.close(), plain.close()]);
  });

  it('lists the pages as resources: the one the Space lists with its metadata, and the one only a tool names', async () => {
    const client = await connectClient(withApp(), { era });
    expect(client.getServerCapabilities()?.resources).toBeDefined();
    const { resources } = await client.listResources();
    const app = resources.find((r) => r.uri === APP_PAGE);
    expect(app).toMatchObject({
      name: `${APP_SPACE} counter-app`,
      mimeType: APP_MIME_TYPE,
      _meta: spaces.pages[APP_SPACE]![0]!._meta,
    });
    const history = resources.find((r) => r.uri === HISTORY_PAGE);
    expect(history).toMatchObject({ mimeType: APP_MIME_TYPE });
    // One entry per page, though two tools of the Space carry them.
    expect(resources.filter((r) => r.uri.startsWith(`ui://toolhost/spaces/${APP_SPACE}/`))).toHaveLength(2);
    await client.close();
  });

  it("reads a page: the Space's HTML and _meta under Toolhost's URI, asked with the caller's token", async () => {
    const client = await connectClient(withApp(), { era, token: HF_ALICE });
    const before = spaces.requests.length;
    const read = await client.readResource({ uri: APP_PAGE });
    const page = spaces.pages[APP_SPACE]![0]!;
    expect(read.contents).toEqual([
      { uri: APP_PAGE, mimeType: APP_MIME_TYPE, text: page.html, _meta: page._meta },
    ]);
    const upstream = spaces.requests.slice(before).find((r) => r.rpc.includes('resources/read'));
    expect(upstream?.space).toBe(APP_SPACE);
    expect(upstream?.headers['x-hf-authorization']).toBe(`Bearer ${HF_ALICE}`);
    const history = await client.readResource({ uri: HISTORY_PAGE });
    expect(history.contents[0]).toMatchObject({ uri: HISTORY_PAGE, text: spaces.pages[APP_SPACE]![1]!.html });
    await client.close();
  });

  it('has no page for a caller without the Space, nor for an upstream URI', async () => {
    const client = await connectClient(toolhost.mcpUrl, { era });
    const { resources } = await client.listResources();
    expect(resources.some((r) => r.uri.startsWith('ui://'))).toBe(false);
    await expect(client.readResource({ uri: APP_PAGE })).rejects.toThrow(/not found/i);
    const withSpace = await connectClient(withApp(), { era });
    // Only Toolhost's own URIs are served: the Space's URI is not passed through.
    await expect(withSpace.readResource({ uri: 'ui://counter/app.html' })).rejects.toThrow(/not found/i);
    await Promise.all([client.close(), withSpace.close()]);
  });
});

describe('a Space whose resources/list fails', () => {
  it('still has its tools, and the page its tool names', async () => {
    const client = await connectClient(`${toolhost.mcpUrl}?gradio=${OWNER}/broken-app-space`, {
      era: 'legacy',
    });
    const { tools } = await client.listTools();
    const page = `ui://toolhost/spaces/${OWNER}/broken-app-space/broken/page.html`;
    expect(
      tools.find((t) => t.name === 'toolhost-test_broken-app-space_broken_app_space_show')?._meta,
    ).toEqual({
      ui: { resourceUri: page },
    });
    expect((await client.listResources()).resources.map((r) => r.uri)).toContain(page);
    expect((await client.readResource({ uri: page })).contents[0]).toMatchObject({
      text: '<p>still here</p>',
    });
    await client.close();
  });
});

describe('the pages follow the tools', () => {
  it('a caller who switched off every tool of the Space gets none of its pages', async () => {
    const client = await connectClient(`${withApp()}&tools=hf_whoami`, { era: 'legacy' });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['hf_whoami']);
    const { resources } = await client.listResources();
    expect(resources.some((r) => r.uri === APP_PAGE)).toBe(false);
    await client.close();
  });
});
