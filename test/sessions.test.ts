/**
 * 2025-era stateful sessions and 2026-07-28 `subscriptions/listen`, end to end with
 * the real SDK v2 client over real HTTP: resumption after a dropped GET stream,
 * DELETE, isolation between sessions and between principals, and live
 * `tools/list_changed` when a user's settings change.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CancellationSource, type McpHttpRequest } from '@toolhost/core/kernel';
import { newToken } from '@toolhost/core/ports';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postMcp, type RunningToolhost, startToolhost, waitFor } from './src/helpers';

let toolhost: RunningToolhost;
let tokenA: string;
let tokenB: string;
const open: Client[] = [];

const MANIFEST = {
  plugins: [{ use: '@toolhost/plugin-conformance' }],
  auth: { hf: false },
  transport: { sessions: true, maxSessions: 50 },
};

beforeAll(async () => {
  toolhost = await startToolhost({ manifest: MANIFEST });
  const tokens = [newToken('alice', 'free'), newToken('bob', 'free')];
  for (const { hash, record } of tokens) await toolhost.app.kernel.tokens.insert(hash, record);
  [tokenA, tokenB] = tokens.map((t) => t.token) as [string, string];
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close().catch(() => {})));
});

afterAll(() => toolhost.close());

/** A fetch whose GET streams the test can cut, as a network drop would; it records each GET's Last-Event-ID. */
function droppableFetch() {
  const gets: { lastEventId: string | null }[] = [];
  let cut: (() => void) | undefined;
  const fetcher = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    if ((init?.method ?? 'GET') !== 'GET' || !response.ok || !response.body) return response;
    gets.push({ lastEventId: new Headers(init?.headers).get('last-event-id') });
    const reader = response.body.getReader();
    cut = () => void reader.cancel().catch(() => {});
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetcher, gets, cut: () => cut?.() };
}

async function sessionClient(
  token: string | undefined,
  fetcher?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
  name = 'sessions-test',
) {
  const client = new Client(
    { name, version: '1.0.0' },
    { capabilities: { elicitation: {}, sampling: {}, roots: {} } },
  );
  const transport = new StreamableHTTPClientTransport(new URL(toolhost.mcpUrl), {
    requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
    reconnectionOptions: {
      initialReconnectionDelay: 10,
      maxReconnectionDelay: 50,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 5,
    },
    ...(fetcher && { fetch: fetcher }),
  });
  await client.connect(transport);
  open.push(client);
  return { client, transport, sessionId: transport.sessionId! };
}

function countToolListChanges(client: Client): { count: number } {
  const seen = { count: 0 };
  client.setNotificationHandler('notifications/tools/list_changed', () => {
    seen.count++;
  });
  return seen;
}

const sessionHeaders = (sessionId: string, token?: string) => ({
  'mcp-session-id': sessionId,
  'mcp-protocol-version': '2025-11-25',
  ...(token && { authorization: `Bearer ${token}` }),
});

describe('2025-era stateful sessions', () => {
  it('issues a session id and serves calls on it, elicitation included', async () => {
    const { client, sessionId } = await sessionClient(tokenA);
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    client.setRequestHandler('elicitation/create', () => ({
      action: 'accept',
      content: { username: 'ada', email: 'ada@example.com' },
    }));
    const result = await client.callTool({
      name: 'test_elicitation',
      arguments: { message: 'Who are you?' },
    });
    expect(result.content).toEqual([
      {
        type: 'text',
        text: 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}',
      },
    ]);
  });

  it("asks the client on the call's own stream, so a client without a GET stream is asked too", async () => {
    // The SDK client opens its GET stream after initialize without waiting for it, and may
    // call a tool first; here it never has one (405), which makes that race deterministic.
    let gets = 0;
    const noGetStream = async (input: string | URL | Request, init?: RequestInit) => {
      if ((init?.method ?? 'GET') !== 'GET') return fetch(input, init);
      gets++;
      return new Response(null, { status: 405 });
    };
    const { client } = await sessionClient(tokenA, noGetStream, 'no-get-stream');
    const root = 'file:///work/project';
    client.setRequestHandler('sampling/createMessage', () => ({
      role: 'assistant',
      content: { type: 'text', text: 'sampled' },
      model: 'test-model',
    }));
    client.setRequestHandler('elicitation/create', () => ({
      action: 'accept',
      content: { username: 'ada', email: 'a@b.c' },
    }));
    client.setRequestHandler('roots/list', () => ({ roots: [{ uri: root }] }));
    const text = async (name: string, args: Record<string, unknown>) =>
      ((await client.callTool({ name, arguments: args })).content as { text: string }[])[0]!.text;
    expect(await text('test_sampling', { prompt: 'hi' })).toBe('LLM response: sampled');
    expect(await text('test_elicitation', { message: 'Who?' })).toMatch(/^User response: action=accept/);
    expect(await text('test_input_required_result_list_roots', {})).toBe(`Your roots: ${root}`);
    expect(gets).toBeGreaterThan(0); // the client did try to open one
  });

  it('refuses elicitation without a session, saying what is needed', async () => {
    const response = await postMcp(
      toolhost.mcpUrl,
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'test_elicitation', arguments: { message: 'hi' } },
      },
      { 'mcp-protocol-version': '2025-11-25' },
    );
    const body = JSON.parse(await response.text());
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0].text).toContain('needs a stateful connection');
    expect(body.result.content[0].text).toContain('transport.sessions: true');
  });

  it('survives a dropped GET stream and resumes with Last-Event-ID without losing a notification', async () => {
    const net = droppableFetch();
    const { client } = await sessionClient(tokenA, net.fetcher);
    const changes = countToolListChanges(client);
    await waitFor(() => net.gets.length === 1, 'the client opens its GET stream');
    await toolhost.app.kernel.events.publish({
      type: 'list-changed',
      lists: ['tools'],
      principalId: 'user:alice',
    });
    await waitFor(() => changes.count === 1, 'the first notification arrives on the GET stream');

    net.cut();
    // Published while the stream is down: kept in the session's event store.
    await toolhost.app.kernel.events.publish({
      type: 'list-changed',
      lists: ['tools'],
      principalId: 'user:alice',
    });
    await waitFor(() => changes.count === 2, 'the missed notification is replayed after reconnecting');
    expect(net.gets.length).toBeGreaterThanOrEqual(2);
    expect(net.gets[1]!.lastEventId).toMatch(/^_GET_stream_/);
    // Exactly once: the replay does not duplicate what was already delivered.
    await client.ping();
    expect(changes.count).toBe(2);
  });

  it('answers 404 for a session after DELETE', async () => {
    const { transport, sessionId } = await sessionClient(tokenA);
    await transport.terminateSession();
    const response = await postMcp(toolhost.mcpUrl, undefined, sessionHeaders(sessionId, tokenA));
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain('Session not found');
  });

  it('serves a call in a session without making an AbortSignal for the SDK', async () => {
    // The SDK's session transport never reads a Request's signal, and undici keeps a given
    // signal and its listener alive through a FinalizationRegistry until a cleanup after the
    // GC: per request, that garbage gets promoted (bench/README.md, "One session over 100k
    // requests"). The cancellation makes its AbortSignal only when something asks for it.
    const { sessionId } = await sessionClient(tokenA);
    const { kernel } = toolhost.app;
    const resolution = await kernel.resolveCaller({
      authorization: `Bearer ${tokenA}`,
      logger: pino({ level: 'silent' }),
    });
    if (!resolution.ok) throw new Error('token A did not resolve');
    const source = new CancellationSource();
    let signalsAsked = 0;
    const cancellation: McpHttpRequest['cancellation'] = {
      get signal() {
        signalsAsked++;
        return source.signal;
      },
      get cancelled() {
        return source.cancelled;
      },
      onCancel: (listener) => source.onCancel(listener),
    };
    const served = await kernel.handleHttp({
      method: 'POST',
      url: toolhost.mcpUrl,
      headers: {
        ...sessionHeaders(sessionId, tokenA),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'test_simple_text', arguments: {} },
      },
      cancellation,
      caller: resolution.caller,
    });
    if (!('response' in served)) throw new Error(`answered ${served.status}: ${String(served.body)}`);
    const answer = await served.response.text();
    expect(answer).toContain('"id":7');
    expect(answer).toContain('"result"');
    expect(signalsAsked).toBe(0);
  });

  it('never shows one session the events of another', async () => {
    const first = await sessionClient(tokenA);
    const second = await sessionClient(tokenA);
    const logs = { first: 0, second: 0 };
    first.client.setNotificationHandler('notifications/message', () => void logs.first++);
    second.client.setNotificationHandler('notifications/message', () => void logs.second++);
    await first.client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    expect(logs.first).toBe(3);
    await second.client.ping();
    expect(logs.second).toBe(0);

    // An event id of the first session means nothing to the second: no replay of foreign events.
    const call = await postMcp(
      toolhost.mcpUrl,
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'test_tool_with_logging', arguments: {} },
      },
      sessionHeaders(first.sessionId, tokenA),
    );
    const eventIds = [...(await call.text()).matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
    expect(eventIds.length).toBeGreaterThan(0);
    const replay = await fetch(toolhost.mcpUrl, {
      headers: {
        accept: 'text/event-stream',
        'last-event-id': eventIds[0]!,
        ...sessionHeaders(second.sessionId, tokenA),
      },
    });
    expect(replay.status).toBe(400);
    expect(await replay.text()).not.toContain('Tool execution');
  });

  it('does not let another principal use a session id', async () => {
    const { sessionId } = await sessionClient(tokenA);
    const asBob = await postMcp(toolhost.mcpUrl, undefined, sessionHeaders(sessionId, tokenB));
    expect(asBob.status).toBe(404);
    const anonymous = await postMcp(toolhost.mcpUrl, undefined, sessionHeaders(sessionId));
    expect(anonymous.status).toBe(404);
    const stream = await fetch(toolhost.mcpUrl, {
      headers: { accept: 'text/event-stream', ...sessionHeaders(sessionId, tokenB) },
    });
    expect(stream.status).toBe(404);
    // The owner still can.
    const asAlice = await postMcp(toolhost.mcpUrl, undefined, sessionHeaders(sessionId, tokenA));
    expect(asAlice.status).toBe(200);
  });
});

describe('live tools/list_changed from settings', () => {
  it("delivers A's settings change to A's session stream and listen stream, not to B's", async () => {
    const netA = droppableFetch();
    const netB = droppableFetch();
    const legacyA = await sessionClient(tokenA, netA.fetcher, 'live-session-a');
    const legacyB = await sessionClient(tokenB, netB.fetcher);
    const modernA = await modernClient(tokenA);
    const modernB = await modernClient(tokenB);
    const seen = {
      legacyA: countToolListChanges(legacyA.client),
      legacyB: countToolListChanges(legacyB.client),
      modernA: countToolListChanges(modernA),
      modernB: countToolListChanges(modernB),
    };
    await modernA.listen({ toolsListChanged: true });
    await modernB.listen({ toolsListChanged: true });
    await waitFor(() => netA.gets.length === 1 && netB.gets.length === 1, 'both GET streams are open');
    const before = await observed();

    const put = await fetch(
      `${toolhost.app.server.address() && new URL(toolhost.mcpUrl).origin}/api/settings`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
        body: JSON.stringify({ plugins: ['conformance'], disabledTools: ['test_simple_text'] }),
      },
    );
    expect(put.status).toBe(200);
    await waitFor(
      () => seen.legacyA.count === 1 && seen.modernA.count === 1,
      "A's streams get tools/list_changed",
    );
    // B's streams are still open and working, and got nothing.
    await legacyB.client.ping();
    await modernB.listTools();
    expect(seen.legacyB.count).toBe(0);
    expect(seen.modernB.count).toBe(0);
    // A's session now lists A's new selection.
    const tools = (await legacyA.client.listTools()).tools.map((t) => t.name);
    expect(tools).not.toContain('test_simple_text');
    expect(tools).toContain('test_image_content');

    // Operators see it: sessions, streams and these two notifications in /metrics; which
    // clients got them (and that A's session re-listed) in /api/dashboard.
    const after = await observed();
    // At least A's two live streams; A's earlier sessions in this file get it too (kept for replay).
    expect(after.listChangedSent - before.listChangedSent).toBeGreaterThanOrEqual(2);
    expect(after.openSessions).toBeGreaterThanOrEqual(2);
    expect(after.getStreams).toBeGreaterThanOrEqual(2);
    expect(after.listenStreams).toBeGreaterThanOrEqual(2);
    expect(after.legacy?.transports).toContain('session-http');
    expect(after.legacy!.listChanged.sent - before.legacy!.listChanged.sent).toBe(1);
    expect(after.legacy!.listChanged.relisted - before.legacy!.listChanged.relisted).toBe(1);
    expect(after.modern!.listChanged.sent - before.modern!.listChanged.sent).toBe(1);
  });
});

interface DashboardClient {
  name: string | null;
  transports: string[];
  listChanged: { sent: number; relisted: number };
}

/** What /metrics and /api/dashboard say about sessions, streams and list-changed notifications. */
async function observed() {
  const origin = new URL(toolhost.mcpUrl).origin;
  const metrics = await (await fetch(`${origin}/metrics`)).text();
  const value = (series: string) => {
    const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  const { clients } = (await (await fetch(`${origin}/api/dashboard`)).json()) as {
    clients: DashboardClient[];
  };
  return {
    listChangedSent: value('toolhost_list_changed_sent_total{list="tools"}'),
    openSessions: value('toolhost_open_sessions{era="legacy"}'),
    getStreams: value('toolhost_open_streams{kind="get"}'),
    listenStreams: value('toolhost_open_streams{kind="listen"}'),
    legacy: clients.find((c) => c.name === 'live-session-a'),
    modern: clients.find((c) => c.name === 'listen-test'),
  };
}

async function modernClient(token: string): Promise<Client> {
  const client = new Client(
    { name: 'listen-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(toolhost.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  open.push(client);
  return client;
}

describe('session limits', () => {
  let limited: RunningToolhost;
  beforeAll(async () => {
    limited = await startToolhost({
      manifest: { ...MANIFEST, transport: { sessions: true, maxSessions: 1, idleTimeout: '1s' } },
    });
  });
  afterAll(() => limited.close());

  const initialize = async () => {
    const response = await postMcp(
      limited.mcpUrl,
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
      { 'mcp-protocol-version': '2025-11-25' },
    );
    const text = await response.text();
    return { status: response.status, sessionId: response.headers.get('mcp-session-id'), text };
  };

  it('refuses sessions beyond the cap with 503, and expires idle ones', async () => {
    const first = await initialize();
    expect(first.status).toBe(200);
    expect(first.sessionId).toBeTruthy();

    const second = await initialize();
    expect(second.status).toBe(503);
    expect(JSON.parse(second.text).error.message).toContain('Too many open sessions (the limit is 1)');

    // Nobody uses the first session: it is closed after the idle timeout, freeing the slot.
    await waitFor(() => limited.app.kernel.health().openSessions === 0, 'the idle session expires');
    const gone = await postMcp(limited.mcpUrl, undefined, sessionHeaders(first.sessionId!));
    expect(gone.status).toBe(404);
    expect((await initialize()).status).toBe(200);
  });
});

describe('2026-07-28 input-required round trip', () => {
  it('lets a tool elicit and sample through input_required results, answered by the client', async () => {
    const client = new Client(
      { name: 'mrtr-test', version: '1.0.0' },
      {
        versionNegotiation: { mode: { pin: '2026-07-28' } },
        capabilities: { elicitation: {}, sampling: {} },
      },
    );
    let asked = 0;
    client.setRequestHandler('elicitation/create', (request) => {
      asked++;
      return { action: 'accept', content: { username: `re: ${request.params.message}`, email: 'a@b.c' } };
    });
    client.setRequestHandler('sampling/createMessage', () => ({
      role: 'assistant',
      content: { type: 'text', text: 'sampled' },
      model: 'test-model',
      stopReason: 'endTurn',
    }));
    await client.connect(
      new StreamableHTTPClientTransport(new URL(toolhost.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${tokenA}` } },
      }),
    );
    open.push(client);
    const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } });
    expect(elicited.content).toEqual([
      { type: 'text', text: 'User response: action=accept, content={"username":"re: who?","email":"a@b.c"}' },
    ]);
    expect(asked).toBe(1);
    const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
    expect(sampled.content).toEqual([{ type: 'text', text: 'LLM response: sampled' }]);
  });
});
