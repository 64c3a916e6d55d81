/**
 * requestState integrity (SEP-2322) and x-mcp-header validation (SEP-2243), over real
 * HTTP with raw 2026-07-28 requests: the state a round returns is signed and bound to
 * the caller and the tool; anything else gets the spec's -32602 before the handler runs.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, type RunningToolhost, startToolhost } from './src/helpers';

let toolhost: RunningToolhost;
const KEY = 'a-test-request-state-key-of-32-bytes!!';

beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: join(FIXTURES, 'plugins/round-trip.mjs') }, { use: '@toolhost/plugin-conformance' }],
      auth: { hf: false },
      server: { requestStateKey: KEY },
    },
  });
});
afterAll(() => toolhost?.close());

async function call(
  name: string,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
  url = toolhost.mcpUrl,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': name,
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name,
        arguments: {},
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
        },
      },
    }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a JSON-RPC answer read field by field in the assertions.
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const answer = { action: 'accept', content: { name: 'Ada' } };

describe('requestState', () => {
  it('is signed: the echoed state completes the call, a changed one gets -32602', async () => {
    const first = await call('ask_name', {});
    expect(first.body.result.resultType).toBe('input_required');
    const state = first.body.result.requestState as string;
    const key = Object.keys(first.body.result.inputRequests)[0]!;
    const done = await call('ask_name', { inputResponses: { [key]: answer }, requestState: state });
    expect(done.body.result.content[0].text).toMatch(/^Hello Ada/);
    // Flip one character of the signed body: the MAC no longer matches.
    const dot = state.lastIndexOf('.');
    const tampered = `${state.slice(0, dot - 1)}${state[dot - 1] === 'A' ? 'B' : 'A'}${state.slice(dot)}`;
    const refused = await call('ask_name', { inputResponses: { [key]: answer }, requestState: tampered });
    expect(refused.body.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
  });

  it('cannot be moved to another tool', async () => {
    const first = await call('ask_name', {});
    const moved = await call('test_input_required_result_tampered_state', {
      inputResponses: { confirm: { action: 'accept', content: { ok: true } } },
      requestState: first.body.result.requestState,
    });
    expect(moved.body.error).toMatchObject({ code: -32602 });
  });

  it('is refused from another instance with another key, accepted by one with the same key', async () => {
    const first = await call('ask_name', {});
    const { requestState, inputRequests } = first.body.result;
    const key = Object.keys(inputRequests)[0]!;
    const start = (requestStateKey: string) =>
      startToolhost({
        manifest: {
          plugins: [{ use: join(FIXTURES, 'plugins/round-trip.mjs') }],
          auth: { hf: false },
          server: { requestStateKey },
        },
      });
    const same = await start(KEY);
    const other = await start('another-key-that-is-32-bytes-long!!!');
    try {
      const params = { inputResponses: { [key]: answer }, requestState };
      expect((await call('ask_name', params, {}, same.mcpUrl)).body.result.content[0].text).toMatch(/Ada/);
      expect((await call('ask_name', params, {}, other.mcpUrl)).body.error.code).toBe(-32602);
    } finally {
      await same.close();
      await other.close();
    }
  });
});

describe('x-mcp-header', () => {
  it('lists the declaration and checks the Mcp-Param header against the argument', async () => {
    const args = { arguments: { region: 'eu-west' } };
    const plain = await call('test_param_header', args, { 'mcp-param-region': 'eu-west' });
    expect(plain.body.result.content[0].text).toBe('routed to eu-west');
    const encoded = `=?base64?${Buffer.from('eu-west').toString('base64')}?=`;
    expect((await call('test_param_header', args, { 'mcp-param-region': encoded })).status).toBe(200);
    for (const headers of <Record<string, string>[]>[
      {}, // missing while the argument is given
      { 'mcp-param-region': 'us-east' }, // disagrees
      { 'mcp-param-region': '=?base64?ZXUtd2VzdA?=' }, // bad padding
    ]) {
      const refused = await call('test_param_header', args, headers);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe(-32020);
    }
  });
});
