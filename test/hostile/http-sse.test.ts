/**
 * Hostile input on the deprecated HTTP+SSE transport (`GET /sse` + `POST /messages`),
 * over real HTTP. Alice holds a real SSE connection (the v2 SDK's SSEClientTransport)
 * for the whole table; each row posts or connects as nobody well-behaved would, checks
 * the answer and that nothing leaked, then checks that alice's connection and the
 * server both still answer a ping.
 */
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, type RunningToolhost, startToolhost } from '../src/helpers';
import { closedPort } from '../src/hub-plugins';
import {
  deepJson,
  expectAnswersPing,
  expectNothingLeaked,
  jsonOf,
  jsonRpcCode,
  type RawRequest,
  type RawResponse,
  send,
} from './support';

let toolhost: RunningToolhost;
const tokens = { alice: '', bob: '' };
let alice: Client;
let aliceSession = '';

beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: '@toolhost/plugin-hub' }, { use: './plugins/testkit.mjs' }],
      auth: { hf: false },
      // Anonymous callers get the hub plugin only, so widening hints have something to widen.
      access: { anonymous: ['hub'] },
      transport: { sessions: true, sse: true },
    },
    baseDir: FIXTURES,
    // Nothing here needs the Hub: a port that refuses at once keeps the hub plugin off the network.
    env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
  });
  for (const user of ['alice', 'bob'] as const) {
    const { token, hash, record } = newToken(user, 'free');
    await toolhost.app.kernel.tokens.insert(hash, record);
    tokens[user] = token;
  }
  alice = new Client({ name: 'hostile-sse', version: '1.0.0' });
  const transport = new SSEClientTransport(new URL(`${toolhost.baseUrl}/sse`), {
    requestInit: { headers: { authorization: `Bearer ${tokens.alice}` } },
  });
  await alice.connect(transport);
  aliceSession = (transport as unknown as { _endpoint: URL })._endpoint.searchParams.get('sessionId')!;
  expect(aliceSession).toMatch(/^[0-9a-f-]{36}$/);
});
afterAll(async () => {
  await alice?.close();
  // A connection of a disconnected SSE client can stay half-open on the server, and then
  // app.close() waits for it forever; the CLI cuts such connections after drainTimeoutMs,
  // and so does this file, at once.
  toolhost?.app.server.closeAllConnections();
  await toolhost?.close();
});

interface Row {
  name: string;
  item?: number;
  request: () => RawRequest;
  status: number;
  /** The JSON-RPC error code; `undefined`: no error; `null`: the body is not JSON-RPC. */
  code: number | undefined | null;
  message?: RegExp;
  check?: (response: RawResponse) => void;
}

const post = (
  body: string | object,
  { token = tokens.alice, session = aliceSession, headers = {} as Record<string, string> } = {},
): RawRequest => ({
  path: session === '' ? '/messages' : `/messages?sessionId=${encodeURIComponent(session)}`,
  headers: {
    'content-type': 'application/json',
    ...(token && { authorization: `Bearer ${token}` }),
    ...headers,
  },
  body,
});
const ping = { jsonrpc: '2.0', id: 'row', method: 'ping' };
/** Read a stream only as far as its first event: enough to see it opened. */
const firstEvent = (body: string) => body.includes('\n\n');
const openSse = (headers: Record<string, string>): RawRequest => ({
  method: 'GET',
  path: '/sse',
  headers: { accept: 'text/event-stream', ...headers },
  until: firstEvent,
});
const challenged = (response: RawResponse) =>
  expect(response.headers['www-authenticate']).toMatch(/^Bearer resource_metadata="/);

const ROWS: Row[] = [
  { name: 'a well-formed ping (the control row)', request: () => post(ping), status: 202, code: null },
  { name: 'no sessionId', request: () => post(ping, { session: '' }), status: 404, code: -32001 },
  {
    name: 'a forged sessionId',
    request: () => post(ping, { session: '00000000-0000-4000-8000-000000000000' }),
    status: 404,
    code: -32001,
    message: /^Session not found/,
  },
  {
    name: "alice's sessionId with bob's token",
    request: () => post(ping, { token: tokens.bob }),
    status: 404,
    code: -32001,
  },
  {
    name: "alice's sessionId without a token",
    request: () => post(ping, { token: '' }),
    status: 404,
    code: -32001,
  },
  {
    name: "alice's sessionId with a forged token",
    request: () => post(ping, { token: 'th_forgedforgedforgedforgedforgedforge' }),
    status: 401,
    code: -32001,
    check: challenged,
  },
  { name: 'malformed JSON', request: () => post('{ not json'), status: 400, code: null },
  {
    name: 'a JSON object that is not JSON-RPC',
    request: () => post({ hello: 'world' }),
    status: 400,
    code: -32700,
  },
  { name: 'a JSON string', request: () => post('"ping"'), status: 400, code: -32700 },
  { name: 'a batch with one bad entry', request: () => post([ping, { junk: 1 }]), status: 400, code: -32700 },
  {
    name: 'a batch of two pings',
    request: () => post([ping, { ...ping, id: 'row-2' }]),
    status: 202,
    code: null,
  },
  {
    name: 'Content-Type: text/plain',
    request: () => post(JSON.stringify(ping), { headers: { 'content-type': 'text/plain' } }),
    // Read as a string, which is not a JSON-RPC message.
    status: 400,
    code: -32700,
  },
  {
    name: 'a 5 MiB body',
    request: () => post({ ...ping, params: { pad: 'x'.repeat(5 * 1024 * 1024) } }),
    status: 413,
    code: null,
  },
  {
    name: 'JSON nested 10k deep in params._meta',
    item: 3,
    request: () =>
      post(`{"jsonrpc":"2.0","id":"row","method":"ping","params":{"_meta":${deepJson(10_000)}}}`),
    status: 400,
    code: -32700,
    message: /64/,
  },
  {
    name: 'a foreign Host on POST /messages',
    request: () => post(ping, { headers: { host: 'evil.example.com' } }),
    status: 403,
    code: -32000,
  },
  {
    name: 'GET /sse with a forged token',
    request: () => openSse({ authorization: 'Bearer th_forgedforgedforgedforgedforgedforge' }),
    status: 401,
    code: -32001,
    check: challenged,
  },
  ...['Basic eDp5', 'Bearer ', 'Bearer a b'].map(
    (authorization): Row => ({
      name: `GET /sse with a malformed Authorization: ${JSON.stringify(authorization)}`,
      item: 1,
      request: () => openSse({ authorization }),
      status: 401,
      code: -32001,
      check: (response) => expect(response.headers['www-authenticate']).toMatch(/^Bearer /),
    }),
  ),
  {
    name: 'GET /sse with a foreign Host',
    request: () => openSse({ host: 'evil.example.com' }),
    status: 403,
    code: -32000,
    message: /^Invalid Host/,
  },
  {
    name: 'GET /sse with a foreign Origin',
    request: () => openSse({ origin: 'https://evil.example' }),
    status: 403,
    code: -32000,
    message: /^Invalid Origin/,
  },
];

describe('HTTP+SSE transport (2024-11-05): hostile input', () => {
  it.each(
    ROWS.map((row) => ({ ...row, label: row.item ? `${row.name} (issue 11 item ${row.item})` : row.name })),
  )('$label', async (row) => {
    const response = await send(toolhost.baseUrl, row.request());
    const context = `${response.status} ${response.body.slice(0, 300)}`;
    expect(response.status, context).toBe(row.status);
    expect(jsonRpcCode(response.body), context).toBe(row.code);
    if (row.message)
      expect((jsonOf(response.body) as { error: { message: string } }).error.message).toMatch(row.message);
    row.check?.(response);
    expectNothingLeaked(response.body, Object.values(tokens));
    // Alice's connection still works, and so does the server.
    await expect(alice.ping()).resolves.toEqual({});
    await expectAnswersPing(toolhost.baseUrl);
  });
});

describe('HTTP+SSE transport: widening hints', () => {
  it('?plugins= and ?tools= on GET /sse never widen what policy gives an anonymous caller', async () => {
    const client = new Client({ name: 'hostile-sse-anonymous', version: '1.0.0' });
    await client.connect(
      new SSEClientTransport(new URL(`${toolhost.baseUrl}/sse?plugins=testkit,hub&tools=echo,hf_whoami`)),
    );
    try {
      // Within the anonymous set, whatever the hints named. (That `?tools=` narrows only until the
      // first POST /messages, whose URL carries no hints, is a narrowing gap, not a widening.)
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('hf_whoami');
      for (const name of names) expect(['hf_whoami', 'hub_repo_details']).toContain(name);
      await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toThrow(
        /Tool echo not found/,
      );
    } finally {
      await client.close();
    }
    await expectAnswersPing(toolhost.baseUrl);
  });
});
