/**
 * JSON nesting depth is bounded where a body is read (default 64, `transport.maxJsonDepth`):
 * deeper is HTTP 400 with a JSON-RPC parse error naming the limit on POST /mcp in both
 * eras and on POST /messages (HTTP+SSE), and the same error as a line over stdio; the
 * server keeps serving. 10k levels must overflow nothing.
 */
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMcp, type RunningToolhost, spawnCli, startToolhost, waitFor } from './src/helpers';

/** JSON text of a value nesting exactly `depth` objects (`{}` is 1). */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

/** A ping whose body nests `depth` levels in all: body, params and `_meta` are three of them. */
const pingNesting = (depth: number, id = 1) =>
  `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"_meta":${nested(depth - 2)}}}`;

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'depth-test', version: '1' },
};
const MODERN_HEADERS = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' };

const tooDeep = (limit: number) => ({
  jsonrpc: '2.0',
  id: null,
  error: { code: -32700, message: expect.stringMatching(new RegExp(`nesting depth.*\\b${limit}\\b`)) },
});

function post(url: string, text: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: text,
  });
}

async function expectTooDeep(response: Response, limit = 64) {
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual(tooDeep(limit));
}

async function expectServing(toolhost: RunningToolhost) {
  const pong = await postMcp(toolhost.mcpUrl, { jsonrpc: '2.0', id: 99, method: 'ping' });
  expect(pong.status).toBe(200);
  expect(await pong.json()).toMatchObject({ id: 99, result: {} });
}

describe('over HTTP', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({
      manifest: {
        plugins: [{ use: '@toolhost/plugin-conformance' }],
        auth: { hf: false },
        transport: { sessions: true, sse: true },
      },
    });
  });
  afterAll(() => toolhost.close());

  it('refuses 10k levels in _meta or id, 2025 era, with 400 naming the limit', async () => {
    await expectTooDeep(await post(toolhost.mcpUrl, pingNesting(10_000)));
    await expectServing(toolhost);
    await expectTooDeep(
      await post(toolhost.mcpUrl, `{"jsonrpc":"2.0","id":${nested(10_000)},"method":"tools/list"}`),
    );
    await expectServing(toolhost);
  });

  it('refuses 10k levels in a 2026-07-28 request', async () => {
    const meta = JSON.stringify(MODERN_META).replace(/^\{/, `{"deep":${nested(10_000)},`);
    await expectTooDeep(
      await post(
        toolhost.mcpUrl,
        `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":${meta}}}`,
        MODERN_HEADERS,
      ),
    );
    await expectServing(toolhost);
  });

  it('accepts exactly the limit, and refuses one level more', async () => {
    const atLimit = await post(toolhost.mcpUrl, pingNesting(64));
    expect(await atLimit.json()).toMatchObject({ id: 1, result: {} });
    await expectTooDeep(await post(toolhost.mcpUrl, pingNesting(65)));
    // Brackets inside strings are text, not nesting.
    const inString = await post(
      toolhost.mcpUrl,
      JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping', params: { _meta: { s: '{['.repeat(500) } } }),
    );
    expect(await inString.json()).toMatchObject({ id: 3, result: {} });
  });

  it('refuses 10k levels on POST /messages (HTTP+SSE)', async () => {
    // Its own connection (no pooling), closed by the test when done.
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      get(`${toolhost.baseUrl}/sse`, { agent: false, headers: { accept: 'text/event-stream' } }, resolve).on(
        'error',
        reject,
      );
    });
    let text = '';
    stream.setEncoding('utf8');
    while (!text.includes('\n\n')) text += (await once(stream, 'data'))[0] as string;
    const endpoint = /data: (\S+)/.exec(text)![1]!;
    try {
      await expectTooDeep(await post(`${toolhost.baseUrl}${endpoint}`, pingNesting(10_000)));
      const accepted = await post(`${toolhost.baseUrl}${endpoint}`, pingNesting(10));
      expect([accepted.status, await accepted.text()]).toEqual([202, 'Accepted']);
    } finally {
      stream.destroy();
    }
    await waitFor(() => toolhost.app.kernel.health().openSessions === 0, 'the SSE connection closes');
    await expectServing(toolhost);
  });
});

describe('transport.maxJsonDepth', () => {
  it('sets the limit', async () => {
    const toolhost = await startToolhost({
      manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }], transport: { maxJsonDepth: 16 } },
    });
    try {
      expect(await (await post(toolhost.mcpUrl, pingNesting(16))).json()).toMatchObject({ result: {} });
      await expectTooDeep(await post(toolhost.mcpUrl, pingNesting(17)), 16);
      await expectServing(toolhost);
    } finally {
      await toolhost.close();
    }
  });
});

describe('over stdio (the built CLI)', () => {
  it('answers a too-deep line with the parse error as a line, and keeps serving', async () => {
    const child = spawnCli(['serve', '--stdio'], { env: { HF_HUB_OFFLINE: '1', HF_TOKEN: '' } });
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const next = async () => JSON.parse((await lines.next()).value as string) as unknown;
      child.stdin!.write(`${pingNesting(10_000, 1)}\n`);
      expect(await next()).toEqual(tooDeep(64));
      child.stdin!.write(`${pingNesting(64, 2)}\n`);
      expect(await next()).toMatchObject({ jsonrpc: '2.0', id: 2, result: {} });
    } finally {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});
