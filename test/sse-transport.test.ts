/**
 * The deprecated HTTP+SSE transport (2024-11-05) with the real v2 client's
 * SSEClientTransport over real HTTP: tools listed and called, server→client
 * requests, list changes, principal binding and clean-up on disconnect.
 */
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningToolhost, startToolhost, waitFor } from './src/helpers';

let toolhost: RunningToolhost;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: '@toolhost/plugin-conformance' }],
      auth: { hf: false },
      transport: { sessions: true, sse: true },
    },
  });
  const tokens = [newToken('alice', 'free'), newToken('bob', 'free')];
  for (const { hash, record } of tokens) await toolhost.app.kernel.tokens.insert(hash, record);
  [tokenA, tokenB] = tokens.map((t) => t.token) as [string, string];
});

afterAll(() => toolhost.close());

async function sseClient(token: string, query = '') {
  const client = new Client(
    { name: 'sse-test', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: {} } },
  );
  const transport = new SSEClientTransport(new URL(`${toolhost.baseUrl}/sse${query}`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return { client, transport };
}

describe('HTTP+SSE transport (2024-11-05)', () => {
  it('lists and calls tools, and asks the client for samples', async () => {
    const { client } = await sseClient(tokenA);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('test_simple_text');
    expect(names).toContain('test_sampling');
    const text = await client.callTool({ name: 'test_simple_text', arguments: {} });
    expect(text.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    const failed = await client.callTool({ name: 'test_error_handling', arguments: {} });
    expect(failed.isError).toBe(true);

    client.setRequestHandler('sampling/createMessage', (request) => ({
      role: 'assistant',
      content: { type: 'text', text: `echo ${JSON.stringify(request.params.messages[0]!.content)}` },
      model: 'test-model',
      stopReason: 'endTurn',
    }));
    const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
    expect(sampled.content).toEqual([
      { type: 'text', text: 'LLM response: echo {"type":"text","text":"hi"}' },
    ]);

    // The connection is visible to operators as an open legacy-sse session and stream.
    const metrics = await (await fetch(`${toolhost.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^toolhost_open_streams\{kind="legacy-sse"\} [1-9]/m);
    expect(metrics).toMatch(
      /^toolhost_mcp_requests_total\{method="tools\/call",era="legacy",outcome="ok"\} 3$/m,
    );
    const { clients } = (await (await fetch(`${toolhost.baseUrl}/api/dashboard`)).json()) as {
      clients: { name: string | null; transports: string[] }[];
    };
    expect(clients.find((c) => c.name === 'sse-test')?.transports).toEqual(['legacy-sse']);
    await client.close();
  });

  it("delivers the user's list changes on the stream", async () => {
    const { client } = await sseClient(tokenA);
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    await toolhost.app.kernel.events.publish({
      type: 'list-changed',
      lists: ['tools'],
      principalId: 'user:bob',
    });
    await toolhost.app.kernel.events.publish({
      type: 'list-changed',
      lists: ['tools'],
      principalId: 'user:alice',
    });
    await waitFor(() => changes === 1, 'the list change reaches the SSE stream');
    await client.ping();
    expect(changes).toBe(1);
    await client.close();
  });

  it('binds a connection to its principal and forgets it on disconnect', async () => {
    const openSessions = () => toolhost.app.kernel.health().openSessions;
    await waitFor(() => openSessions() === 0, 'earlier connections are gone');
    const before = 0;
    const { client, transport } = await sseClient(tokenA);
    expect(openSessions()).toBe(before + 1);
    const sessionId = (transport as unknown as { _endpoint?: URL })._endpoint?.searchParams.get('sessionId');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const post = (token: string) =>
      fetch(`${toolhost.baseUrl}/messages?sessionId=${sessionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
      });
    expect((await post(tokenB)).status).toBe(404);
    expect((await post(tokenA)).status).toBe(202);
    const garbage = await fetch(`${toolhost.baseUrl}/messages?sessionId=${sessionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenA}` },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(garbage.status).toBe(400);
    await client.close();
    await waitFor(() => openSessions() === before, 'the server forgets the closed connection');
    expect((await post(tokenA)).status).toBe(404);
  });
  it('keeps the /sse URL’s selection (?tools=) for every message of the connection', async () => {
    const { client } = await sseClient(tokenA, '?tools=test_simple_text,test_error_handling');
    for (let round = 0; round < 2; round++) {
      const names = (await client.listTools()).tools.map((t) => t.name).toSorted();
      expect(names).toEqual(['test_error_handling', 'test_simple_text']);
    }
    const outside = await client
      .callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } })
      .catch((e) => e);
    expect(String(outside)).toMatch(/Tool test_sampling not found/);
    await client.close();
  });
});
