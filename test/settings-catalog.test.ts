/**
 * What the /settings page reads and checks, over real HTTP: the catalog of what a
 * caller's policy allows (by plugin, with titles and descriptions), a preview of
 * settings that validates without saving (Spaces discovered through the real proxy),
 * the caller's quota read without charging, and the read-only note when settings
 * come from the Hub.
 */
import { loadTokenCounter } from '@toolhost/core/kernel';
import { DEFAULT_MANIFEST } from '@toolhost/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { OWNER, startTestSpaces, type TestSpaces } from './src/test-spaces';

const HF_ALICE = 'hf_alice_test_token_000000000000';
const TEXT_SPACE = `${OWNER}/text-space`;

interface Catalog {
  plugins: {
    id: string;
    title?: string;
    description?: string;
    selected: boolean;
    perCaller: boolean;
    tools: {
      name: string;
      description: string;
      selected: boolean;
      dynamic: boolean;
      origin?: string;
      unavailable?: string;
      tokens: number;
    }[];
  }[];
  fields: { name: string; plugin: string }[];
  selectedTokens: number;
}

let spaces: TestSpaces;
let hub: HubEmulator;
let toolhost: RunningToolhost;

const auth = { authorization: `Bearer ${HF_ALICE}` };
const json = { ...auth, 'content-type': 'application/json' };

beforeAll(async () => {
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
  toolhost = await startToolhost({
    env: { HF_ENDPOINT: hub.url },
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-models' },
        { use: '@toolhost/plugin-papers' },
        { use: '@toolhost/plugin-gradio' },
      ],
      spaces: { endpoint: spaces.endpoint, allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true },
      // alice is on the pro plan: she may not have papers, and gets hub and models by default.
      access: { authenticated: 'all', plans: { pro: ['hub', 'models', 'gradio'] }, defaults: ['hub'] },
      quotas: { plans: { pro: { units: 5, per: '1h' } } },
    },
  });
});

afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
  await spaces?.close();
});

describe('token costs', () => {
  it("GET /api/settings gives what each selected tool's tools/list entry costs, counted with the tokenizer, and the total", async () => {
    const answer = (await (await fetch(`${toolhost.baseUrl}/api/settings`, { headers: auth })).json()) as {
      tokens: { total: number; tools: Record<string, number> };
    };
    // What a real client is given to list, counted independently of the server.
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy', token: HF_ALICE });
    const listed = (await client.listTools()).tools;
    await client.close();
    const counter = await loadTokenCounter();
    expect(Object.keys(answer.tokens.tools).sort()).toEqual(listed.map((tool) => tool.name).sort());
    for (const tool of listed) expect(answer.tokens.tools[tool.name]).toBe(counter.toolCost(tool).total);
    const sum = Object.values(answer.tokens.tools).reduce((a, b) => a + b, 0);
    expect(answer.tokens.total).toBe(sum);
    expect(sum).toBeGreaterThan(100 * listed.length); // real descriptions and schemas, not a stub count
  });

  it('the catalog gives every tool its cost, and what a previewed selection costs', async () => {
    const all = (await (
      await fetch(`${toolhost.baseUrl}/api/settings/catalog`, { headers: auth })
    ).json()) as Catalog;
    for (const tool of all.plugins.flatMap((p) => p.tools)) expect(tool.tokens).toBeGreaterThan(0);
    const preview = await fetch(`${toolhost.baseUrl}/api/settings/catalog`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ plugins: ['models'], disabledTools: ['model_details'] }),
    });
    const narrowed = (await preview.json()) as Catalog;
    const search = narrowed.plugins
      .find((p) => p.id === 'models')!
      .tools.find((t) => t.name === 'model_search')!;
    const gradioStatic = narrowed.plugins.find((p) => p.id === 'gradio')!.tools.filter((t) => t.selected);
    expect(narrowed.selectedTokens).toBe(search.tokens + gradioStatic.reduce((sum, t) => sum + t.tokens, 0));
    expect(narrowed.selectedTokens).toBeLessThan(all.selectedTokens + search.tokens);
  });
});

describe('GET /api/settings/catalog', () => {
  it("lists only what the caller's policy allows, by plugin, with titles, descriptions and selection", async () => {
    const response = await fetch(`${toolhost.baseUrl}/api/settings/catalog`, { headers: auth });
    expect(response.status).toBe(200);
    const catalog = (await response.json()) as Catalog;
    expect(catalog.plugins.map((p) => p.id)).toEqual(['hub', 'models', 'gradio']);
    const [hubPlugin, models, gradio] = catalog.plugins;
    expect(hubPlugin!.selected).toBe(true);
    expect(models!.selected).toBe(false);
    expect(models!.title).toEqual(expect.any(String));
    expect(models!.description).toEqual(expect.any(String));
    const search = models!.tools.find((t) => t.name === 'model_search')!;
    expect(search).toMatchObject({ selected: false, dynamic: false });
    expect(search.description.length).toBeGreaterThan(20);
    // Its one static tool (dynamic_space); the Space tools come from the caller's settings.
    expect(gradio).toMatchObject({ perCaller: true });
    expect(gradio!.tools.map((t) => [t.name, t.dynamic])).toEqual([['dynamic_space', false]]);
    expect(catalog.fields).toEqual([{ name: 'spaces', plugin: 'gradio' }]);
  });

  it('needs a token', async () => {
    const response = await fetch(`${toolhost.baseUrl}/api/settings/catalog`);
    expect(response.status).toBe(401);
  });
});

describe('POST /api/settings/catalog (a preview)', () => {
  it('shows what settings would select, with a Space discovered, and saves nothing', async () => {
    const response = await fetch(`${toolhost.baseUrl}/api/settings/catalog`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ plugins: ['models'], disabledTools: ['model_details'], spaces: [TEXT_SPACE] }),
    });
    expect(response.status).toBe(200);
    const catalog = (await response.json()) as Catalog;
    const byId = Object.fromEntries(catalog.plugins.map((p) => [p.id, p]));
    expect(byId['hub']!.selected).toBe(false);
    expect(byId['models']!.tools.map((t) => [t.name, t.selected])).toEqual([
      ['model_search', true],
      ['model_details', false],
    ]);
    expect(byId['gradio']!.tools.filter((t) => t.dynamic)).toEqual([
      expect.objectContaining({
        name: 'toolhost-test_text-space_text_space_echo',
        dynamic: true,
        selected: true,
        origin: TEXT_SPACE,
        description: spaces.tools[TEXT_SPACE]![0]!['description'],
      }),
    ]);
    const saved = (await (await fetch(`${toolhost.baseUrl}/api/settings`, { headers: auth })).json()) as {
      settings: unknown;
    };
    expect(saved.settings).toBeNull();
  });

  it('says why a Space cannot be used', async () => {
    const missing = `${OWNER}/no-such-space`;
    const response = await fetch(`${toolhost.baseUrl}/api/settings/catalog`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ spaces: [missing] }),
    });
    const catalog = (await response.json()) as Catalog;
    const tools = catalog.plugins.find((p) => p.id === 'gradio')!.tools.filter((t) => t.dynamic);
    expect(tools).toHaveLength(1);
    expect(tools[0]!.origin).toBe(missing);
    expect(tools[0]!.unavailable).toContain('NOT_FOUND');
  });

  it('refuses what PUT would refuse, with the same message', async () => {
    for (const body of [{ plugins: ['nope'] }, { spaces: ['not a space id'] }, [1]]) {
      const preview = await fetch(`${toolhost.baseUrl}/api/settings/catalog`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(body),
      });
      expect(preview.status, JSON.stringify(body)).toBe(400);
      const message = ((await preview.json()) as { message: string }).message;
      if (!Array.isArray(body)) {
        const put = await fetch(`${toolhost.baseUrl}/api/settings`, {
          method: 'PUT',
          headers: json,
          body: JSON.stringify(body),
        });
        expect(put.status).toBe(400);
        expect(((await put.json()) as { message: string }).message).toBe(message);
      } else expect(message).toContain('an array');
    }
  });
});

describe('quota in GET /api/settings', () => {
  it('reads plan, used, remaining and reset without charging', async () => {
    type Answer = {
      quota: { plan: string; units: number; per: string; used: number; remaining: number; resetAt: string };
    };
    const read = async () =>
      ((await (await fetch(`${toolhost.baseUrl}/api/settings`, { headers: auth })).json()) as Answer).quota;
    const before = await read();
    expect(before).toMatchObject({ plan: 'pro', units: 5, per: '1h', used: 0, remaining: 5 });
    expect(Date.parse(before.resetAt)).toBeGreaterThan(Date.now());
    // Reading twice charges nothing; a tool call charges one unit.
    expect((await read()).used).toBe(0);
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern', token: HF_ALICE });
    try {
      expect((await client.callTool({ name: 'hf_whoami', arguments: {} })).isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(await read()).toMatchObject({ used: 1, remaining: 4, resetAt: before.resetAt });
  });
});

describe('settings from the Hub (stores.settings: hf)', () => {
  it('are read-only, with a note saying where to change them', async () => {
    const readOnly = await startToolhost({
      env: { HF_ENDPOINT: hub.url },
      manifest: { plugins: DEFAULT_MANIFEST.plugins, stores: { default: 'memory', settings: 'hf' } },
    });
    try {
      const answer = (await (await fetch(`${readOnly.baseUrl}/api/settings`, { headers: auth })).json()) as {
        writable: boolean;
        readOnlyReason: string;
        quota: unknown;
      };
      expect(answer.writable).toBe(false);
      expect(answer.readOnlyReason).toContain('huggingface.co/settings/mcp');
      expect(answer.quota).toBeNull();
      const catalog = await fetch(`${readOnly.baseUrl}/api/settings/catalog`, { headers: auth });
      expect(catalog.status).toBe(200);
    } finally {
      await readOnly.close();
    }
  });
});
