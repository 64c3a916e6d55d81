import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type Era, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { closedPort, DEFAULT_TOOLS } from './src/hub-plugins';

const ALICE = 'hf_alice_test_token_000000000000';
let hub: HubEmulator;
let toolhost: RunningToolhost;

beforeAll(async () => {
  hub = await startHubEmulator();
  toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url } });
});
afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
});

type ToolResult = {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

describe.each<Era>(['legacy', 'modern'])('Streamable HTTP, %s era, real SDK v2 client', (era) => {
  let client: Client;
  beforeAll(async () => {
    client = await connectClient(toolhost.mcpUrl, { era, token: ALICE });
  });
  afterAll(() => client?.close());

  it('negotiates the era it asked for', () => {
    expect(client.getNegotiatedProtocolVersion()).toBe(era === 'modern' ? '2026-07-28' : '2025-11-25');
  });

  it('lists the Hub tools with their schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(DEFAULT_TOOLS);
    const search = tools.find((t) => t.name === 'model_search')!;
    expect(search.inputSchema.properties).toHaveProperty('limit');
    expect(search.annotations).toMatchObject({
      readOnlyHint: true,
      openWorldHint: true,
      title: 'Search models',
    });
    expect(search.outputSchema).toMatchObject({ type: 'object' });
  });

  it('model_search returns what the Hub returned, with links', async () => {
    const result = (await client.callTool({
      name: 'model_search',
      arguments: { query: 'whisper', sort: 'downloads' },
    })) as ToolResult;
    expect(result.isError).toBeUndefined();
    const models = result.structuredContent!['models'] as { id: string; url: string }[];
    expect(models.map((m) => m.id)).toEqual([
      'openai/whisper-large-v3',
      'openai/whisper-small',
      'distil-whisper/distil-large-v3',
    ]);
    expect(models[0]!.url).toBe(`${hub.url}/openai/whisper-large-v3`);
    expect(result.content[0]!.text).toContain(
      `**[openai/whisper-large-v3](${hub.url}/openai/whisper-large-v3)**`,
    );
    expect(result.content[0]!.text).toContain('automatic-speech-recognition · transformers · 4.2M downloads');
    const request = hub.requests.findLast((r) => r.path === '/api/models')!;
    expect(request.query.get('search')).toBe('whisper');
    expect(request.query.get('sort')).toBe('downloads');
  });

  it('hf_whoami answers for the caller, whose token reached the Hub', async () => {
    const before = hub.requests.length;
    const result = (await client.callTool({ name: 'hf_whoami', arguments: {} })) as ToolResult;
    expect(result.structuredContent).toMatchObject({
      name: 'alice',
      type: 'user',
      isPro: true,
      orgs: ['acme-ml'],
    });
    expect(result.content[0]!.text).toContain('You are **[alice]');
    const forwarded = hub.requests.slice(before).find((r) => r.path === '/api/whoami-v2');
    expect(forwarded?.authorization).toBe(`Bearer ${ALICE}`);
  });

  it('model_details names a missing model', async () => {
    const result = (await client.callTool({
      name: 'model_details',
      arguments: { repo_id: 'nobody/nothing' },
    })) as ToolResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toBe(
      'No model named nobody/nothing on the Hugging Face Hub (or it is private).',
    );
  });

  it('invalid arguments give a validation error naming the field', async () => {
    const result = (await client.callTool({
      name: 'model_search',
      arguments: { limit: 1000 },
    })) as ToolResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(
      /^Input validation error: Invalid arguments for tool model_search: limit: /,
    );
  });

  it('an unknown tool is a JSON-RPC error', async () => {
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Tool nope not found/);
  });
});

describe('without a token', () => {
  it('hf_whoami explains how to authenticate', async () => {
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    const result = (await client.callTool({ name: 'hf_whoami', arguments: {} })) as ToolResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/No Hugging Face token was sent/);
    await client.close();
  });
});

describe('when the Hub is unreachable', () => {
  it('a details tool answers with an isError result that says so, within the timeout', async () => {
    const closed = await closedPort();
    const offline = await startToolhost({ env: { HF_ENDPOINT: `http://127.0.0.1:${closed}` } });
    try {
      const client = await connectClient(offline.mcpUrl, { era: 'modern' });
      const started = Date.now();
      const result = (await client.callTool({
        name: 'model_details',
        arguments: { repo_id: 'google-bert/bert-base-uncased' },
      })) as ToolResult;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toBe(
        `The Hugging Face Hub at http://127.0.0.1:${closed} could not be reached (ECONNREFUSED). Try again later.`,
      );
      await client.close();
    } finally {
      await offline.close();
    }
  });
});

describe('stateless HTTP details', () => {
  it('answers GET and DELETE with 405', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(toolhost.mcpUrl, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(await response.json()).toMatchObject({
        error: { code: -32000, message: 'Method not allowed.' },
      });
    }
  });

  it('answers a 2025-era call that carries a progress token over SSE', async () => {
    const response = await fetch(toolhost.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'model_search', arguments: { limit: 1 }, _meta: { progressToken: 'p1' } },
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toMatch(/data: \{"result":\{"content":\[/);
  });

  it('answers a 2025-era call without a progress token with a direct JSON body', async () => {
    const response = await fetch(toolhost.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }),
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json()).result.tools).toHaveLength(DEFAULT_TOOLS.length);
  });

  it('serves /healthz', async () => {
    const response = await fetch(`${toolhost.baseUrl}/healthz`);
    expect(await response.json()).toEqual({
      status: 'ok',
      // repos (hub_repo_search), gradio (the Space proxy, dynamic_space) and image-gen are in the default manifest.
      plugins: ['hub', 'models', 'datasets', 'spaces', 'repos', 'papers', 'docs', 'gradio', 'image-gen'],
      tools: DEFAULT_TOOLS.length,
    });
  });
});
