/**
 * dynamic_space (plugin `gradio`): find MCP Spaces, view a Space's parameters and
 * invoke it by id, through the Space proxy — real SDK clients, the Hub emulator and
 * the test Spaces (test/src/test-spaces.ts). The proxy's allowlist and address
 * guard, and the caller's quota, apply to it as to any Space tool.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { OWNER, startTestSpaces, type TestSpaces } from './src/test-spaces';

const HF_ALICE = 'hf_alice_test_token_000000000000';
const TEXT_SPACE = `${OWNER}/text-space`;

type Result = { content: { type: string; text?: string }[]; isError?: boolean; structuredContent?: unknown };

let spaces: TestSpaces;
let hub: HubEmulator;
let toolhost: RunningToolhost;
let client: Client;

function start(spacesSection: Record<string, unknown> = {}, more: Record<string, unknown> = {}) {
  return startToolhost({
    manifest: {
      ...more,
      plugins: [{ use: '@toolhost/plugin-hub' }, { use: '@toolhost/plugin-gradio' }],
      spaces: {
        endpoint: spaces.endpoint,
        allowedHosts: ['127.0.0.1'],
        allowPrivateAddresses: true,
        timeoutSeconds: 5,
        ...spacesSection,
      },
    },
    env: { HF_ENDPOINT: hub.url },
  });
}

beforeAll(async () => {
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
  toolhost = await start();
  client = await connectClient(toolhost.mcpUrl, { era: 'modern', token: HF_ALICE });
});
afterAll(async () => {
  await client?.close();
  await toolhost?.close();
  await hub?.close();
  await spaces?.close();
});

const call = async (args: Record<string, unknown>, on: Client = client) =>
  (await on.callTool({ name: 'dynamic_space', arguments: args })) as Result;
const text = (result: Result) =>
  result.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
const spaceCalls = (since: number, rpc = 'tools/call') =>
  spaces.requests.slice(since).filter((r) => r.rpc.includes(rpc));

describe('dynamic_space', () => {
  it('is listed for every caller, without per-Space tools', async () => {
    const anonymous = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    const { tools } = await anonymous.listTools();
    const tool = tools.find((t) => t.name === 'dynamic_space');
    expect(tool?.inputSchema.properties).toHaveProperty('operation');
    expect(tools.some((t) => t.name.startsWith(`${OWNER}_`))).toBe(false);
    await anonymous.close();
  });

  it('find: MCP-enabled Spaces for a task, from the Hub semantic search', async () => {
    const before = hub.requests.length;
    const result = await call({ operation: 'find', search_query: 'flux image', limit: 5 });
    expect(result.isError).toBeFalsy();
    const found = text(result);
    expect(found).toContain('`ginipick/FLUXllama`');
    // Not tagged mcp-server: not an MCP Space.
    expect(found).not.toContain('`black-forest-labs/FLUX.1-schnell`');
    expect(found).toMatch(/view_parameters/);
    const asked = hub.requests.slice(before).find((r) => r.path === '/api/spaces/semantic-search')!;
    expect(asked.query.get('q')).toBe('flux image');
    expect(asked.query.get('filter')).toBe('mcp-server');

    const blank = await call({ operation: 'find' });
    expect(blank.isError).toBe(true);
    expect(text(blank)).toMatch(/search_query/);
  });

  it("view_parameters: each of the Space's tools with its parameters, required and defaults", async () => {
    const result = await call({ operation: 'view_parameters', space_name: TEXT_SPACE });
    expect(result.isError).toBeFalsy();
    const view = text(result);
    expect(view).toContain('text_space_echo (the default)');
    expect(view).toContain('Echo the text back, optionally shouted.');
    expect(view).toMatch(/`text` \(string, required\) — What to echo/);
    expect(view).toMatch(/`shout` \(boolean, default false\)/);
    const many = text(await call({ operation: 'view_parameters', space_name: `${OWNER}/app-space` }));
    expect(many).toContain('serves 2 tools');
    expect(many).toContain('## app_space_history');
  });

  it("invoke: calls the Space's first tool with the caller's token, parameters as an object or JSON", async () => {
    const before = spaces.requests.length;
    const result = await call({
      operation: 'invoke',
      space_name: TEXT_SPACE,
      parameters: { text: 'hi', shout: true },
    });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('echo: HI');
    const [upstream] = spaceCalls(before);
    expect(upstream?.headers['x-hf-authorization']).toBe(`Bearer ${HF_ALICE}`);
    const json = await call({ operation: 'invoke', space_name: TEXT_SPACE, parameters: '{"text": "json"}' });
    expect(text(json)).toBe('echo: json');
    // A tool named by the caller.
    const history = await call({
      operation: 'invoke',
      space_name: `${OWNER}/app-space`,
      tool: 'app_space_history',
    });
    expect(text(history)).toBe('history: 1');
  });

  it("invoke: passes the Space's own error and its images through", async () => {
    const failed = await call({ operation: 'invoke', space_name: `${OWNER}/error-space` });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toBe('Error: CUDA out of memory');
    const image = await call({
      operation: 'invoke',
      space_name: `${OWNER}/image-space`,
      parameters: { prompt: 'a cat' },
    });
    expect(image.content[0]).toMatchObject({ type: 'image', mimeType: 'image/png' });
  });

  it.each([
    [{ operation: 'invoke', space_name: TEXT_SPACE, parameters: {} }, /needs "text" in parameters/],
    [{ operation: 'invoke', space_name: TEXT_SPACE, parameters: '{"text": ' }, /not valid JSON/],
    [{ operation: 'invoke', space_name: TEXT_SPACE, parameters: '[1]' }, /must be a JSON object/],
    [
      { operation: 'invoke', space_name: TEXT_SPACE, tool: 'nope' },
      /no tool "nope"; its tools: text_space_echo/,
    ],
    [{ operation: 'invoke' }, /needs space_name/],
    [{ operation: 'view_parameters', space_name: 'not a space' }, /space_name must look like "owner\/name"/],
    [{ operation: 'dance' }, /operation/],
  ])('refuses %j without calling the Space', async (args, message) => {
    const before = spaces.requests.length;
    const result = await call(args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(spaceCalls(before)).toEqual([]);
  });

  it('names a Space that cannot be used: sleeping, unknown', async () => {
    const sleepy = await call({ operation: 'invoke', space_name: `${OWNER}/sleepy-space` });
    expect(sleepy.isError).toBe(true);
    expect(text(sleepy)).toMatch(/Space toolhost-test\/sleepy-space is unavailable \(SLEEPING\)/);
    const missing = await call({ operation: 'view_parameters', space_name: 'nobody/nothing' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/nobody\/nothing is unavailable \(NOT_FOUND\)/);
  });
});

describe('dynamic_space goes through the proxy guards', () => {
  it('does not contact a Space off the allowlist or on a private address', async () => {
    for (const section of [{ allowedHosts: ['*.hf.space'] }, { allowPrivateAddresses: false }]) {
      const guarded = await start(section);
      try {
        const guardedClient = await connectClient(guarded.mcpUrl, { era: 'legacy' });
        const before = spaces.requests.length;
        const result = await call(
          { operation: 'invoke', space_name: TEXT_SPACE, parameters: { text: 'x' } },
          guardedClient,
        );
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(/unavailable \(REFUSED\)/);
        expect(spaces.requests.length).toBe(before);
        await guardedClient.close();
      } finally {
        await guarded.close();
      }
    }
  });

  it("charges the caller's quota: an exhausted quota is refused before the Space is called", async () => {
    const limited = await start({}, { quotas: { plans: { anonymous: { units: 2, per: '1h' } } } });
    try {
      const anonymous = await connectClient(limited.mcpUrl, { era: 'legacy' });
      const args = { operation: 'invoke', space_name: TEXT_SPACE, parameters: { text: 'q' } };
      expect(text(await call(args, anonymous))).toBe('echo: q');
      expect(text(await call(args, anonymous))).toBe('echo: q');
      const before = spaces.requests.length;
      const refused = await call(args, anonymous);
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/quota/i);
      expect(spaceCalls(before)).toEqual([]);
      await anonymous.close();
    } finally {
      await limited.close();
    }
  });
});
