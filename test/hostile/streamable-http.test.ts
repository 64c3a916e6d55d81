/**
 * Hostile input on Streamable HTTP (`/mcp`), in the 2025 era (initialize-based) and the
 * 2026-07-28 era, over real HTTP. One table: each row is a request nobody well-behaved
 * sends, and what the server must answer — status, JSON-RPC code, message — with
 * nothing leaked, after which the server must still answer a ping.
 */
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Era, FIXTURES, type RunningToolhost, startToolhost } from '../src/helpers';
import { type HubEmulator, startHubEmulator } from '../src/hub-emulator';
import { closedPort } from '../src/hub-plugins';
import {
  deepJson,
  ENVELOPE,
  eraHeaders,
  expectAnswersPing,
  expectNothingLeaked,
  JSON_HEADERS,
  jsonOf,
  jsonRpcCode,
  LEGACY,
  MODERN,
  type RawRequest,
  type RawResponse,
  rpc,
  send,
} from './support';

const HF_ALICE = 'hf_alice_test_token_000000000000';
let hub: HubEmulator;
let toolhost: RunningToolhost;
/** Toolhost API tokens of two users. */
const tokens = { alice: '', bob: '' };
/** A 2025-era session alice opened, for the foreign-session rows. */
let aliceSession = '';

beforeAll(async () => {
  hub = await startHubEmulator();
  toolhost = await startToolhost({
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-models' },
        { use: './plugins/testkit.mjs' },
      ],
      // Anonymous callers get the hub plugin only, so widening hints have something to widen.
      access: { anonymous: ['hub'], authenticated: 'all', defaults: 'all' },
      transport: { sessions: true },
    },
    baseDir: FIXTURES,
    env: { HF_ENDPOINT: hub.url },
  });
  for (const user of ['alice', 'bob'] as const) {
    const { token, hash, record } = newToken(user, 'free');
    await toolhost.app.kernel.tokens.insert(hash, record);
    tokens[user] = token;
  }
  const opened = await send(toolhost.baseUrl, {
    path: '/mcp',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${tokens.alice}` },
    body: {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'alice', version: '1' } },
    },
  });
  aliceSession = String(opened.headers['mcp-session-id']);
  expect(aliceSession).toMatch(/^[0-9a-f-]{36}$/); // Bob narrows himself to the models plugin: hints must not widen past his own settings either.
  const narrowed = await send(toolhost.baseUrl, {
    method: 'PUT',
    path: '/api/settings',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.bob}` },
    body: { plugins: ['models'] },
  });
  expect(narrowed.status, narrowed.body).toBe(200);
});
afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
});

interface Expectation {
  status: number;
  /** The JSON-RPC error code (`'any error'`: some code); `undefined`: a JSON-RPC result; `null`: the body is not JSON-RPC. */
  code: number | 'any error' | undefined | null;
  message?: RegExp;
  /** Anything else the answer must satisfy. */
  check?: (response: RawResponse, era: Era) => void;
}

interface Row {
  name: string;
  /** The issue-11 item whose fix this row holds the server to, when another branch makes it pass. */
  item?: number;
  /** Eras the row applies to (both by default). */
  eras?: Era[];
  request: (era: Era) => RawRequest;
  expect: Expectation | ((era: Era) => Expectation);
}

const mcp = (era: Era, method: string, params?: Record<string, unknown>, extra: Partial<RawRequest> = {}) => {
  const { headers, body } = rpc(era, method, params);
  return { path: '/mcp', ...extra, headers: { ...headers, ...extra.headers }, body };
};
const raw = (era: Era, body: string, headers: Record<string, string> = {}, method = 'ping'): RawRequest => ({
  path: '/mcp',
  headers: { ...eraHeaders(era, method), ...headers },
  body,
});
const INVALID_REQUEST = { status: 400, code: -32600 };
const byEra = (legacy: Expectation, modern: Expectation) => (era: Era) =>
  era === 'legacy' ? legacy : modern;
const toolNames = (response: RawResponse) =>
  ((jsonOf(response.body) as { result: { tools: { name: string }[] } }).result.tools ?? []).map(
    (t) => t.name,
  );

const ROWS: Row[] = [
  // Malformed JSON and wrong types.
  { name: 'malformed JSON', request: (era) => raw(era, '{ not json'), expect: { status: 400, code: -32700 } },
  {
    name: 'truncated JSON',
    request: (era) => raw(era, '{"jsonrpc":"2.0","id":1,"method":"pi'),
    expect: { status: 400, code: -32700 },
  },
  { name: 'an empty body', request: (era) => raw(era, ''), expect: { status: 400, code: -32700 } },
  { name: 'a JSON number', request: (era) => raw(era, '42'), expect: INVALID_REQUEST },
  { name: 'a JSON string', request: (era) => raw(era, '"ping"'), expect: INVALID_REQUEST },
  { name: 'JSON null', request: (era) => raw(era, 'null'), expect: INVALID_REQUEST },
  {
    name: 'jsonrpc "1.0"',
    request: (era) => {
      const { headers, body } = rpc(era, 'ping');
      return { path: '/mcp', headers, body: { ...body, jsonrpc: '1.0' } };
    },
    expect: INVALID_REQUEST,
  },
  {
    name: 'a numeric method',
    request: (era) => {
      const { headers, body } = rpc(era, 'ping');
      return { path: '/mcp', headers, body: { ...body, method: 7 } };
    },
    expect: INVALID_REQUEST,
  },
  {
    name: 'an object id',
    request: (era) => {
      const { headers, body } = rpc(era, 'tools/list');
      return { path: '/mcp', headers, body: { ...body, id: { x: 1 } } };
    },
    expect: INVALID_REQUEST,
  },
  {
    name: 'params that are a string',
    eras: ['legacy'],
    request: (era) => raw(era, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: 'x' })),
    expect: INVALID_REQUEST,
  },
  {
    name: 'tools/call with a numeric tool name',
    request: (era) => mcp(era, 'tools/call', { name: 5, arguments: {} }),
    expect: { status: 200, code: -32602, message: /expected string/ },
  },
  {
    name: 'tools/call with string arguments',
    request: (era) =>
      mcp(
        era,
        'tools/call',
        { name: 'echo', arguments: 'text' },
        { headers: { authorization: `Bearer ${tokens.alice}` } },
      ),
    expect: { status: 200, code: -32602, message: /expected record/ },
  },
  {
    name: 'tools/call with arguments of the wrong type: a tool error naming the field',
    request: (era) =>
      mcp(
        era,
        'tools/call',
        { name: 'echo', arguments: { text: 7 } },
        { headers: { authorization: `Bearer ${tokens.alice}` } },
      ),
    expect: {
      status: 200,
      code: undefined,
      check: (response) => {
        const { result } = jsonOf(response.body) as {
          result: { isError: boolean; content: { text: string }[] };
        };
        expect(result.isError).toBe(true);
        expect(result.content[0]!.text).toMatch(
          /^Input validation error: Invalid arguments for tool echo: text: /,
        );
      },
    },
  },
  {
    name: 'an unknown method',
    request: (era) => mcp(era, 'admin/shutdown', {}),
    expect: byEra({ status: 200, code: -32601 }, { status: 404, code: -32601 }),
  },
  {
    name: 'an unknown tool',
    request: (era) => mcp(era, 'tools/call', { name: '../../etc/passwd', arguments: {} }),
    expect: { status: 200, code: -32602, message: /^Tool \.\.\/\.\.\/etc\/passwd not found$/ },
  },
  {
    name: 'a 100 kB method name',
    request: (era) => mcp(era, `x${'y'.repeat(100_000)}`, {}),
    // 2026-07-28 repeats the method in the Mcp-Method header, which the HTTP server caps.
    expect: byEra({ status: 200, code: -32601 }, { status: 431, code: null }),
  },
  {
    name: '__proto__ in arguments pollutes nothing',
    request: (era) =>
      raw(
        era,
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x","__proto__":{"polluted":true}}${
          era === 'modern' ? `,"_meta":${JSON.stringify(ENVELOPE)}` : ''
        }}}`,
        { authorization: `Bearer ${tokens.alice}`, 'mcp-name': 'echo' },
        'tools/call',
      ),
    expect: {
      status: 200,
      code: undefined,
      check: () => expect(({} as Record<string, unknown>)['polluted']).toBeUndefined(),
    },
  },
  // Oversize bodies: the limit is the SDK's 4 MiB.
  {
    name: 'a 5 MiB body',
    request: (era) =>
      mcp(era, 'tools/call', { name: 'echo', arguments: { text: 'x'.repeat(5 * 1024 * 1024) } }),
    expect: { status: 413, code: null },
  },
  {
    name: 'a string argument far over its schema limit, under the body limit',
    request: (era) =>
      mcp(
        era,
        'tools/call',
        { name: 'echo', arguments: { text: 'x'.repeat(1024 * 1024) } },
        { headers: { authorization: `Bearer ${tokens.alice}` } },
      ),
    expect: {
      status: 200,
      code: undefined,
      check: (response) => {
        expect((jsonOf(response.body) as { result: { isError: boolean } }).result.isError).toBe(true);
        expect(response.body.length).toBeLessThan(10_000);
      },
    },
  },
  // Batches: a 2025-era batch is answered message by message; 2026-07-28 forbids them.
  {
    name: 'a batch of two pings',
    request: (era) => raw(era, JSON.stringify([rpc(era, 'ping', {}, 1).body, rpc(era, 'ping', {}, 2).body])),
    expect: byEra(
      {
        status: 200,
        code: null,
        check: (response) =>
          expect(jsonOf(response.body)).toEqual([
            { jsonrpc: '2.0', id: 1, result: {} },
            { jsonrpc: '2.0', id: 2, result: {} },
          ]),
      },
      { status: 400, code: -32600, message: /batches/ },
    ),
  },
  { name: 'an empty batch', request: (era) => raw(era, '[]'), expect: { status: 400, code: -32600 } },
  {
    name: 'a batch of 200 garbage entries',
    eras: ['legacy'],
    request: (era) =>
      raw(era, JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, junk: true })))),
    expect: INVALID_REQUEST,
  },
  // Deep nesting (item 3): bounded when the body is parsed, 400 naming the limit.
  {
    name: 'JSON nested 10k deep in params._meta',
    item: 3,
    request: (era) =>
      raw(era, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":${deepJson(10_000)}}}`),
    expect: { status: 400, code: -32700, message: /64/ },
  },
  {
    name: 'JSON nested 10k deep in id',
    item: 3,
    request: (era) => raw(era, `{"jsonrpc":"2.0","id":${deepJson(10_000)},"method":"ping"}`),
    expect: { status: 400, code: -32700, message: /64/ },
  },
  {
    name: 'arrays nested 10k deep in arguments',
    item: 3,
    request: (era) =>
      raw(
        era,
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":${deepJson(10_000, '[', ']', '1')}}}}`,
        {},
        'tools/call',
      ),
    expect: { status: 400, code: -32700, message: /64/ },
  },
  // Accept and Content-Type.
  {
    name: 'Accept: application/json only',
    request: (era) => mcp(era, 'tools/list', {}, { headers: { accept: 'application/json' } }),
    // The 2026-07-28 handler answers JSON whatever the Accept header says.
    expect: byEra({ status: 406, code: -32000, message: /Not Acceptable/ }, { status: 200, code: undefined }),
  },
  {
    name: 'Accept: text/html',
    request: (era) => mcp(era, 'tools/list', {}, { headers: { accept: 'text/html' } }),
    // The 2026-07-28 handler answers JSON whatever the Accept header says.
    expect: byEra({ status: 406, code: -32000, message: /Not Acceptable/ }, { status: 200, code: undefined }),
  },
  {
    name: 'Content-Type: text/plain',
    request: (era) => mcp(era, 'tools/list', {}, { headers: { 'content-type': 'text/plain' } }),
    expect: { status: 415, code: -32000, message: /Unsupported Media Type/ },
  },
  {
    name: 'Content-Type: application/x-www-form-urlencoded',
    request: (era) =>
      mcp(era, 'tools/list', {}, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    expect: { status: 415, code: -32000, message: /Unsupported Media Type/ },
  },
  // Protocol versions.
  {
    name: 'an unsupported MCP-Protocol-Version names 2026-07-28 among the supported ones',
    item: 14,
    eras: ['legacy'],
    request: (era) => mcp(era, 'tools/list', {}, { headers: { 'mcp-protocol-version': '2024-01-01' } }),
    // The contract is the status and that the message names 2026-07-28; the code is whatever error the fix keeps.
    expect: { status: 400, code: 'any error', message: /2026-07-28/ },
  },
  {
    name: 'an unsupported protocol version in the envelope',
    eras: ['modern'],
    request: () => {
      const { headers, body } = rpc('modern', 'tools/list', {
        _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' },
      });
      return { path: '/mcp', headers: { ...headers, 'mcp-protocol-version': '2099-01-01' }, body };
    },
    expect: {
      status: 400,
      code: -32022,
      message: /Unsupported protocol version: 2099-01-01/,
      check: (response) => expect(response.body).toContain(MODERN),
    },
  },
  {
    name: 'a nonsense MCP-Protocol-Version',
    request: (era) => mcp(era, 'tools/list', {}, { headers: { 'mcp-protocol-version': 'banana' } }),
    // 2025: a version header claims the new era, whose envelope is missing; 2026-07-28: header and envelope disagree.
    expect: byEra({ status: 400, code: -32602 }, { status: 400, code: -32020 }),
  },
  {
    name: 'a header version that disagrees with the envelope',
    eras: ['modern'],
    request: (era) => mcp(era, 'tools/list', {}, { headers: { 'mcp-protocol-version': LEGACY } }),
    expect: { status: 400, code: -32020 },
  },
  {
    name: 'an Mcp-Method header that disagrees with the body',
    eras: ['modern'],
    request: (era) => mcp(era, 'ping', {}, { headers: { 'mcp-method': 'tools/list' } }),
    expect: { status: 400, code: -32020 },
  },
  {
    name: 'an Mcp-Name header that disagrees with the body',
    eras: ['modern'],
    request: (era) =>
      mcp(era, 'tools/call', { name: 'hf_whoami', arguments: {} }, { headers: { 'mcp-name': 'echo' } }),
    expect: { status: 400, code: -32020 },
  },
  {
    name: 'initialize asking for a version nobody knows gets the latest 2025 revision',
    eras: ['legacy'],
    request: (era) =>
      mcp(era, 'initialize', {
        protocolVersion: '1999-01-01',
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      }),
    expect: {
      status: 200,
      code: undefined,
      check: (response) =>
        expect(jsonOf(response.body)).toMatchObject({ result: { protocolVersion: LEGACY } }),
    },
  },
  {
    name: 'initialize in the 2026-07-28 era, which has none',
    eras: ['modern'],
    request: (era) =>
      mcp(era, 'initialize', {
        protocolVersion: MODERN,
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      }),
    expect: { status: 404, code: -32601 },
  },
  // Sessions (on in this server): forged and foreign ids are told the session does not exist.
  {
    name: 'a forged session id',
    eras: ['legacy'],
    request: (era) =>
      mcp(
        era,
        'tools/list',
        {},
        {
          headers: {
            'mcp-session-id': '00000000-0000-4000-8000-000000000000',
            'mcp-protocol-version': LEGACY,
          },
        },
      ),
    expect: { status: 404, code: -32001, message: /^Session not found/ },
  },
  {
    name: 'a session id that is a path',
    eras: ['legacy'],
    request: (era) =>
      mcp(
        era,
        'tools/list',
        {},
        { headers: { 'mcp-session-id': '../../etc/passwd', 'mcp-protocol-version': LEGACY } },
      ),
    expect: { status: 404, code: -32001 },
  },
  {
    name: "another user's session id",
    eras: ['legacy'],
    request: (era) =>
      mcp(
        era,
        'tools/list',
        {},
        {
          headers: {
            'mcp-session-id': aliceSession,
            'mcp-protocol-version': LEGACY,
            authorization: `Bearer ${tokens.bob}`,
          },
        },
      ),
    expect: { status: 404, code: -32001 },
  },
  {
    name: "a user's session id presented without their token",
    eras: ['legacy'],
    request: (era) =>
      mcp(
        era,
        'tools/list',
        {},
        { headers: { 'mcp-session-id': aliceSession, 'mcp-protocol-version': LEGACY } },
      ),
    expect: { status: 404, code: -32001 },
  },
  {
    // 2026-07-28 has no sessions: the client is told so (issue 11 item 14), not sent looking for one.
    name: 'a session id on a 2026-07-28 request',
    eras: ['modern'],
    request: (era) =>
      mcp(era, 'tools/list', {}, { headers: { 'mcp-session-id': '00000000-0000-4000-8000-000000000000' } }),
    expect: {
      status: 400,
      code: -32000,
      message: /2026-07-28 is served on POST requests .* without Mcp-Session-Id/,
    },
  },
  // Host and Origin (DNS rebinding).
  {
    name: 'a foreign Host',
    request: (era) => mcp(era, 'tools/list', {}, { headers: { host: 'evil.example.com' } }),
    expect: { status: 403, code: -32000, message: /^Invalid Host: evil\.example\.com/ },
  },
  {
    name: 'a foreign Origin',
    request: (era) => mcp(era, 'tools/list', {}, { headers: { origin: 'https://evil.example' } }),
    expect: { status: 403, code: -32000, message: /^Invalid Origin: evil\.example/ },
  },
  {
    name: 'a localhost Host with a foreign Origin',
    request: (era) =>
      mcp(era, 'tools/list', {}, { headers: { host: 'localhost', origin: 'http://localhost.evil.example' } }),
    expect: { status: 403, code: -32000 },
  },
  // Tokens: forged ones are refused with a challenge, never served as anonymous.
  ...(
    [
      ['a forged Toolhost token', 'Bearer th_forgedforgedforgedforgedforgedforge', /unknown or revoked/],
      [
        'a Hugging Face token the Hub rejects',
        'Bearer hf_made_up_token_00000000000000',
        /rejected the token/,
      ],
      ['a token of no known kind', 'Bearer sk-live-0123456789', /not one this server accepts/],
    ] as const
  ).map(
    ([name, authorization, message]): Row => ({
      name,
      request: (era) => mcp(era, 'tools/list', {}, { headers: { authorization } }),
      expect: {
        status: 401,
        code: -32001,
        message,
        check: (response) =>
          expect(response.headers['www-authenticate']).toMatch(/^Bearer resource_metadata="/),
      },
    }),
  ),
  // Item 1: an Authorization header that is not exactly one bearer token is a 401, not anonymous.
  ...['Basic eDp5', 'Bearer ', 'Bearer a b'].map(
    (authorization): Row => ({
      name: `a malformed Authorization: ${JSON.stringify(authorization)}`,
      item: 1,
      request: (era) => mcp(era, 'tools/list', {}, { headers: { authorization } }),
      expect: {
        status: 401,
        code: -32001,
        check: (response) => expect(response.headers['www-authenticate']).toMatch(/^Bearer /),
      },
    }),
  ),
  // Widening hints: ?plugins= and ?tools= narrow what policy allows, never widen it.
  {
    name: 'anonymous ?plugins= naming plugins the policy withholds',
    request: (era) => mcp(era, 'tools/list', {}, { path: '/mcp?plugins=testkit,models' }),
    expect: { status: 200, code: undefined, check: (response) => expect(toolNames(response)).toEqual([]) },
  },
  {
    name: 'anonymous ?tools= naming a withheld tool',
    request: (era) => mcp(era, 'tools/list', {}, { path: '/mcp?tools=echo,model_search,hf_whoami' }),
    expect: {
      status: 200,
      code: undefined,
      check: (response) => expect(toolNames(response)).toEqual(['hf_whoami']),
    },
  },
  {
    name: 'anonymous tools/call of a withheld tool named in ?tools=',
    request: (era) =>
      mcp(era, 'tools/call', { name: 'echo', arguments: { text: 'x' } }, { path: '/mcp?tools=echo' }),
    expect: { status: 200, code: -32602, message: /^Tool echo not found$/ },
  },
  {
    name: "?plugins= and ?tools= naming what a user's own settings leave out",
    request: (era) =>
      mcp(
        era,
        'tools/list',
        {},
        {
          path: '/mcp?plugins=testkit,models,hub&tools=echo,model_search,hf_whoami',
          headers: { authorization: `Bearer ${tokens.bob}` },
        },
      ),
    expect: {
      status: 200,
      code: undefined,
      check: (response) => expect(toolNames(response)).toEqual(['model_search']),
    },
  },
  {
    name: 'anonymous ?preset= naming no preset',
    request: (era) => mcp(era, 'tools/list', {}, { path: '/mcp?preset=everything' }),
    expect: {
      status: 200,
      code: undefined,
      check: (response) =>
        expect(toolNames(response).every((name) => ['hf_whoami', 'hub_repo_details'].includes(name))).toBe(
          true,
        ),
    },
  },
  // Other methods on /mcp.
  {
    name: 'GET /mcp without a session (a client probing for the GET stream)',
    eras: ['legacy'],
    request: () => ({ method: 'GET', path: '/mcp', headers: { accept: 'text/event-stream' } }),
    expect: { status: 405, code: -32000 },
  },
  {
    name: 'PUT /mcp',
    eras: ['legacy'],
    request: () => ({ method: 'PUT', path: '/mcp', headers: JSON_HEADERS, body: '{}' }),
    expect: { status: 404, code: null },
  },
];

const cases = (era: Era) =>
  ROWS.filter((row) => !row.eras || row.eras.includes(era)).map((row) => ({
    ...row,
    label: row.item ? `${row.name} (issue 11 item ${row.item})` : row.name,
  }));

describe.each<Era>(['legacy', 'modern'])('Streamable HTTP, %s era: hostile input', (era) => {
  it.each(cases(era))('$label', async (row) => {
    const spec = row.request(era);
    const expected = typeof row.expect === 'function' ? row.expect(era) : row.expect;
    const response = await send(toolhost.baseUrl, spec);
    const context = `${response.status} ${response.body.slice(0, 300)}`;
    expect(response.status, context).toBe(expected.status);
    if (expected.code === 'any error')
      expect(jsonRpcCode(response.body), context).toEqual(expect.any(Number));
    else expect(jsonRpcCode(response.body), context).toBe(expected.code);
    if (expected.message) {
      const { error } = jsonOf(response.body) as { error: { message: string } };
      expect(error.message).toMatch(expected.message);
    }
    expected.check?.(response, era);
    expectNothingLeaked(response.body, [...Object.values(tokens), HF_ALICE]);
    await expectAnswersPing(toolhost.baseUrl, era);
  });
});

describe('Streamable HTTP: the rows leave the server as it was', () => {
  it("alice's session still serves alice", async () => {
    const response = await send(toolhost.baseUrl, {
      path: '/mcp',
      headers: {
        ...JSON_HEADERS,
        'mcp-session-id': aliceSession,
        'mcp-protocol-version': LEGACY,
        authorization: `Bearer ${tokens.alice}`,
      },
      body: { jsonrpc: '2.0', id: 9, method: 'ping' },
    });
    expect(response.status, response.body).toBe(200);
    expect(jsonOf(response.body), response.body).toMatchObject({ id: 9, result: {} });
  });
});

describe.each<Era>(['legacy', 'modern'])('Streamable HTTP, %s era, while the Hub is unreachable', (era) => {
  // Item 9: a Hugging Face token never seen before is served as anonymous where policy allows,
  // never a 503 on initialize or tools/list.
  let offline: RunningToolhost;
  beforeAll(async () => {
    offline = await startToolhost({ env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` } });
  });
  afterAll(() => offline?.close());
  const UNSEEN = 'hf_never_seen_before_token_00000';

  it.each(era === 'legacy' ? ['initialize', 'tools/list'] : ['server/discover', 'tools/list'])(
    'an unseen Hugging Face token on %s is answered, not 503 (issue 11 item 9)',
    async (method) => {
      const params =
        method === 'initialize'
          ? { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'x', version: '1' } }
          : {};
      const response = await send(
        offline.baseUrl,
        mcp(era, method, params, { headers: { authorization: `Bearer ${UNSEEN}` } }),
      );
      expect(response.status, response.body.slice(0, 300)).toBe(200);
      expect(jsonRpcCode(response.body)).toBeUndefined();
      expectNothingLeaked(response.body, [UNSEEN]);
      await expectAnswersPing(offline.baseUrl, era);
    },
  );
});
