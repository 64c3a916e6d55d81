/**
 * Tool budgets and discovery over real HTTP with real SDK clients: a plugin with 200
 * tools, a per-plan `access.toolBudget`, and what a caller over budget is listed
 * (search_tools, call_tool and what fits), finds and calls, in both protocol eras.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadTokenCounter } from '@toolhost/core/kernel';
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  type Era,
  FIXTURES,
  postMcp,
  postModern,
  type RunningToolhost,
  rpcAnswer,
  startToolhost,
  waitFor,
} from './src/helpers';

type Result = {
  content: { type: string; text: string }[];
  structuredContent?: { tools: { name: string; description?: string; inputSchema: object }[] };
  isError?: boolean;
};

const BUDGET = 5000;
let toolhost: RunningToolhost;

beforeAll(async () => {
  toolhost = await startToolhost({
    baseDir: FIXTURES,
    manifest: {
      plugins: [{ use: './plugins/many-tools.mjs' }],
      // free users get 5000 tokens of tools, pro users 50000 (all 200 fit); anonymous callers no budget.
      access: { toolBudget: { free: BUDGET, pro: 50_000 } },
      quotas: { plans: { free: { units: 4, per: '1h' } } },
      transport: { sessions: true },
    },
  });
});

afterAll(() => toolhost?.close());

/** A signed-in user of `plan`, with a token of their own (each test its own quota account). */
async function user(name: string, plan = 'free'): Promise<string> {
  const { token, hash, record } = newToken(name, plan);
  await toolhost.app.kernel.tokens.insert(hash, record);
  return token;
}

async function client(era: Era, token: string | undefined, query = ''): Promise<Client> {
  return connectClient(`${toolhost.mcpUrl}${query}`, { era, ...(token && { token }) });
}

async function listedNames(c: Client): Promise<string[]> {
  return (await c.listTools()).tools.map((t) => t.name);
}

describe.each<Era>(['legacy', 'modern'])('a user over budget (%s era)', (era) => {
  it('lists at most the budget in tokens, search_tools and call_tool included; every tool stays callable', async () => {
    const c = await client(era, await user(`over-${era}`));
    try {
      const { tools } = await c.listTools();
      const counter = await loadTokenCounter();
      // Counted independently of the server: the list as a client receives it.
      expect(counter.count(JSON.stringify({ tools }))).toBeLessThanOrEqual(BUDGET);
      const names = tools.map((t) => t.name);
      expect(names.slice(0, 2)).toEqual(['search_tools', 'call_tool']);
      expect(names.length).toBeGreaterThan(10); // the most used that fit, not only the two
      expect(names.length).toBeLessThan(200);
      expect(names).not.toContain('city_outlook');
      // Not listed, still selected: a direct call runs it.
      const direct = (await c.callTool({ name: 'city_outlook', arguments: { city: 'Oslo' } })) as Result;
      expect(direct.content[0]!.text).toBe('Oslo: sunny, 21 °C, no precipitation');
    } finally {
      await c.close();
    }
  });

  it('search_tools finds a tool by a word of its description, and call_tool runs it', async () => {
    const c = await client(era, await user(`search-${era}`));
    try {
      const found = (await c.callTool({
        name: 'search_tools',
        arguments: { query: 'precipitation' },
      })) as Result;
      expect(found.isError).toBeUndefined();
      const [first] = found.structuredContent!.tools;
      expect(first).toMatchObject({
        name: 'city_outlook',
        description: "Gives tomorrow's forecast for a city: temperature and precipitation.",
        inputSchema: { type: 'object', required: ['city'] },
      });
      expect(JSON.parse(found.content[0]!.text).tools[0].name).toBe('city_outlook');
      const ran = (await c.callTool({
        name: 'call_tool',
        arguments: { name: 'city_outlook', arguments: { city: 'Lima' } },
      })) as Result;
      expect(ran.isError).toBeUndefined();
      expect(ran.content[0]!.text).toBe('Lima: sunny, 21 °C, no precipitation');
      // Telemetry names the tool that ran, not call_tool.
      const metrics = await (await fetch(`${toolhost.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /toolhost_tool_calls_total\{plugin="many-tools",tool="city_outlook",outcome="ok"\} [1-9]/,
      );
      expect(metrics).not.toMatch(/tool="call_tool"/);
      // The tool's own input validation, as on a direct call.
      const invalid = (await c.callTool({
        name: 'call_tool',
        arguments: { name: 'city_outlook', arguments: { city: '' } },
      })) as Result;
      expect(invalid.isError).toBe(true);
      expect(invalid.content[0]!.text).toMatch(
        /^Input validation error: Invalid arguments for tool city_outlook/,
      );
      const nothing = (await c.callTool({ name: 'search_tools', arguments: { query: 'zzqx' } })) as Result;
      expect(nothing.content[0]!.text).toMatch(/No tool matches 'zzqx'/);
      const bad = (await c.callTool({ name: 'search_tools', arguments: { query: '' } })) as Result;
      expect(bad.isError).toBe(true);
      expect(bad.content[0]!.text).toMatch(/Invalid arguments for tool search_tools: query/);
    } finally {
      await c.close();
    }
  });

  it('call_tool refuses a tool outside the selection exactly as an unknown tool is refused', async () => {
    const token = await user(`refuse-${era}`);
    // Narrowed by ?tools= to two tools: inventory_005 is installed but not selected.
    const url = `${toolhost.mcpUrl}?tools=city_outlook,inventory_001&discovery=search`;
    const rpc = async (name: string, args: Record<string, unknown>) => {
      const c = await client(era, token, url.slice(toolhost.mcpUrl.length));
      try {
        return await c.callTool({ name, arguments: args }).then(
          () => 'answered',
          (error: Error & { code?: number }) => `${error.code}: ${error.message}`,
        );
      } finally {
        await c.close();
      }
    };
    const direct = await rpc('inventory_005', { aisle: 1 });
    expect(direct).toMatch(/^-32602: .*Tool inventory_005 not found/);
    expect(await rpc('call_tool', { name: 'inventory_005', arguments: { aisle: 1 } })).toBe(direct);
    expect(await rpc('call_tool', { name: 'no_such_tool' })).toBe(await rpc('no_such_tool', {}));
    // Nor does search find it.
    const c = await client(era, token, url.slice(toolhost.mcpUrl.length));
    try {
      const found = (await c.callTool({ name: 'search_tools', arguments: { query: 'warehouse' } })) as Result;
      expect(found.structuredContent!.tools.map((t) => t.name)).toEqual(['inventory_001']);
    } finally {
      await c.close();
    }
  });

  it('call_tool is charged quota like a direct call', async () => {
    const c = await client(era, await user(`quota-${era}`)); // 4 units per hour
    try {
      const viaCallTool = () =>
        c.callTool({
          name: 'call_tool',
          arguments: { name: 'inventory_002', arguments: { aisle: 3 } },
        }) as Promise<Result>;
      const direct = () => c.callTool({ name: 'inventory_002', arguments: { aisle: 3 } }) as Promise<Result>;
      for (const call of [direct, viaCallTool, direct, viaCallTool])
        expect((await call()).isError).toBeUndefined();
      const refused = await viaCallTool();
      expect(refused.isError).toBe(true);
      expect(refused.content[0]!.text).toMatch(/quota/i);
      expect((await direct()).content[0]!.text).toBe(refused.content[0]!.text);
      // search_tools is no tool call: it costs nothing.
      const found = (await c.callTool({ name: 'search_tools', arguments: { query: 'forecast' } })) as Result;
      expect(found.isError).toBeUndefined();
    } finally {
      await c.close();
    }
  });
});

describe('budgets per plan and per request', () => {
  it('GET /api/settings gives the caller their budget next to what their selection costs', async () => {
    const tokensOf = async (token: string) =>
      (
        (await (
          await fetch(`${toolhost.baseUrl}/api/settings`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          tokens: { total: number; budget: number | null };
        }
      ).tokens;
    const free = await tokensOf(await user('settings-free'));
    expect(free.budget).toBe(BUDGET);
    expect(free.total).toBeGreaterThan(BUDGET); // why this user is listed by discovery
    expect((await tokensOf(await user('settings-pro', 'pro'))).budget).toBe(50_000);
  });

  it('lists everything to a plan whose budget the selection fits, and to anonymous callers without one', async () => {
    const pro = await client('legacy', await user('pro-user', 'pro'));
    const anonymous = await client('modern', undefined);
    try {
      expect(await listedNames(pro)).toHaveLength(200);
      expect(await listedNames(anonymous)).toHaveLength(200);
    } finally {
      await pro.close();
      await anonymous.close();
    }
  });

  it('?max_tools=N lists N tools, search_tools and call_tool among them', async () => {
    const c = await client('modern', undefined, '?max_tools=10');
    try {
      const names = await listedNames(c);
      expect(names).toHaveLength(10);
      expect(names.slice(0, 2)).toEqual(['search_tools', 'call_tool']);
    } finally {
      await c.close();
    }
  });

  it('?discovery=full lists the whole selection over budget; ?discovery=search lists only the discovery tools', async () => {
    const token = await user('modes');
    const full = await client('legacy', token, '?discovery=full');
    const search = await client('modern', undefined, '?discovery=search');
    try {
      expect(await listedNames(full)).toHaveLength(200);
      expect(await listedNames(search)).toEqual(['search_tools', 'call_tool']);
    } finally {
      await full.close();
      await search.close();
    }
  });

  it('answers a bad ?max_tools or ?discovery with a JSON-RPC error saying what is expected', async () => {
    for (const [query, message] of [
      ['?max_tools=1', /\?max_tools= takes a whole number of at least 2/],
      ['?max_tools=lots', /\?max_tools= takes a whole number/],
      ['?discovery=maybe', /\?discovery= takes search or full/],
    ] as const) {
      const response = await postMcp(`${toolhost.mcpUrl}${query}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32602);
      expect(body.error.message).toMatch(message);
    }
  });
});

describe('searched tools join the listing where the client can be told', () => {
  it('a 2025 session: the tool found joins the listed set, with tools/list_changed', async () => {
    const token = await user('session-join');
    let gets = 0;
    const transport = new StreamableHTTPClientTransport(new URL(toolhost.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: (input, init) => {
        if ((init?.method ?? 'GET') === 'GET') gets++;
        return fetch(input, init);
      },
    });
    const c = new Client({ name: 'discovery-session', version: '1.0.0' });
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed', () => {
      changed++;
    });
    await c.connect(transport);
    try {
      expect(transport.sessionId).toBeDefined();
      await waitFor(() => gets === 1, 'the session GET stream is open');
      expect(await listedNames(c)).not.toContain('city_outlook');
      await c.callTool({ name: 'search_tools', arguments: { query: 'precipitation', limit: 1 } });
      await waitFor(() => changed === 1, 'tools/list_changed');
      const names = await listedNames(c);
      expect(names.slice(0, 3)).toEqual(['search_tools', 'call_tool', 'city_outlook']);
      const counter = await loadTokenCounter();
      expect(counter.count(JSON.stringify({ tools: (await c.listTools()).tools }))).toBeLessThanOrEqual(
        BUDGET,
      );
    } finally {
      await c.close();
    }
  });

  it('2026-07-28: with a listen stream open the tool joins; a stateless caller without one is left as listed', async () => {
    const quiet = await client('modern', await user('stateless-no-join'));
    try {
      await quiet.callTool({ name: 'search_tools', arguments: { query: 'precipitation', limit: 1 } });
      expect(await listedNames(quiet)).not.toContain('city_outlook');
    } finally {
      await quiet.close();
    }
    const c = await client('modern', await user('listen-join'));
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed', () => {
      changed++;
    });
    try {
      await c.listen({ toolsListChanged: true });
      await c.callTool({ name: 'search_tools', arguments: { query: 'precipitation', limit: 1 } });
      await waitFor(() => changed === 1, 'tools/list_changed on the listen stream');
      expect((await listedNames(c)).slice(0, 3)).toEqual(['search_tools', 'call_tool', 'city_outlook']);
    } finally {
      await c.close();
    }
  });
});

/** One raw 2026-07-28 request, the tasks extension declared unless `declare` is false. */
const modernRpc = (url: string, method: string, params: Record<string, unknown>, declare = true) =>
  postModern(url, method, params, { client: 'discovery-test', declare }).then(rpcAnswer);

describe('call_tool and tasks (2026-07-28)', () => {
  let conformance: RunningToolhost;
  beforeAll(async () => {
    conformance = await startToolhost({ manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }] } });
  });
  afterAll(() => conformance?.close());

  it('runs a task tool as a task, and refuses a task-required tool as a direct call is refused', async () => {
    const url = `${conformance.mcpUrl}?discovery=search`;
    const viaCallTool = (name: string, args: object, declare = true) =>
      modernRpc(url, 'tools/call', { name: 'call_tool', arguments: { name, arguments: args } }, declare);
    const created = await viaCallTool('slow_compute', { seconds: 0, label: 'via call_tool' });
    expect(created.result).toMatchObject({ resultType: 'task' });
    const taskId = created.result!['taskId'] as string;
    let task: Record<string, unknown> = created.result!;
    while (task['status'] === 'working') {
      task = (await modernRpc(url, 'tasks/get', { taskId })).result!;
    }
    expect(task['status']).toBe('completed');
    const direct = await modernRpc(url, 'tools/call', { name: 'failing_job', arguments: {} }, false);
    expect(direct.error).toBeDefined();
    expect((await viaCallTool('failing_job', {}, false)).error).toEqual(direct.error);
  });
});
