/**
 * An unsupported `MCP-Protocol-Version` header is a 400 whose message lists every
 * version the server serves, 2026-07-28 included: on stateless 2025-era requests,
 * GET, and requests in a session. `server/discover` lists the same versions.
 */
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMcp, type RunningToolhost, startToolhost } from './src/helpers';

const EVERY_VERSION = ['2026-07-28', ...SUPPORTED_PROTOCOL_VERSIONS];

async function expectUnsupported(response: Response, version: string) {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: number; message: string } };
  expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
  expect(body.error.message).toContain(version);
  expect(body.error.message).toContain(`supported versions: ${EVERY_VERSION.join(', ')}`);
}

describe('an unsupported MCP-Protocol-Version', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({
      manifest: {
        plugins: [{ use: '@toolhost/plugin-conformance' }],
        auth: { hf: false },
        transport: { sessions: true },
      },
    });
  });
  afterAll(() => toolhost.close());

  it('lists every supported version, 2026-07-28 included, on a stateless POST and a GET', async () => {
    await expectUnsupported(
      await postMcp(toolhost.mcpUrl, undefined, { 'mcp-protocol-version': '1999-01-01' }),
      '1999-01-01',
    );
    await expectUnsupported(
      await fetch(toolhost.mcpUrl, {
        headers: { accept: 'text/event-stream', 'mcp-protocol-version': '2030-01-01' },
      }),
      '2030-01-01',
    );
    // A supported one is served.
    const ok = await postMcp(toolhost.mcpUrl, undefined, { 'mcp-protocol-version': '2025-06-18' });
    expect(ok.status).toBe(200);
    await ok.text();
  });

  it('lists them in a session too, and says where 2026-07-28 is served', async () => {
    const init = await postMcp(
      toolhost.mcpUrl,
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
    expect(init.status).toBe(200);
    await init.body?.cancel();
    const session = init.headers.get('mcp-session-id')!;
    await expectUnsupported(
      await postMcp(toolhost.mcpUrl, undefined, { 'mcp-session-id': session, 'mcp-protocol-version': '1.0' }),
      '1.0',
    );
    const modern = await postMcp(toolhost.mcpUrl, undefined, {
      'mcp-session-id': session,
      'mcp-protocol-version': '2026-07-28',
    });
    expect(modern.status).toBe(400);
    expect(((await modern.json()) as { error: { message: string } }).error.message).toMatch(
      /2026-07-28 is served on POST requests that carry its _meta envelope, without Mcp-Session-Id/,
    );
  });
});

describe('server/discover', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({
      manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }], auth: { hf: false } },
    });
  });
  afterAll(() => toolhost.close());

  it('names every revision the server serves, 2025-era ones included (the spec: "versions this server supports")', async () => {
    const response = await postMcp(
      toolhost.mcpUrl,
      {
        jsonrpc: '2.0',
        id: 'discover-1',
        method: 'server/discover',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: Record<string, unknown> };
    expect(body.result['supportedVersions']).toEqual(EVERY_VERSION);
    // The rest of the SDK's answer stays: capabilities, the cache fields, the result type.
    expect(body.result).toMatchObject({
      resultType: 'complete',
      capabilities: { tools: {} },
      cacheScope: expect.any(String),
    });
  });
});

describe('a 2026-era request claiming a revision not served', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({
      manifest: { plugins: [{ use: '@toolhost/plugin-conformance' }], auth: { hf: false } },
    });
  });
  afterAll(() => toolhost.close());

  it('gets UnsupportedProtocolVersionError (400) listing what server/discover lists, and its version echoed', async () => {
    const response = await postMcp(
      toolhost.mcpUrl,
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2099-01-01',
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      },
      { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { id: unknown; error: { code: number; data: unknown } };
    expect(body.id).toBe(7);
    expect(body.error.data).toEqual({ supported: EVERY_VERSION, requested: '2099-01-01' });
    // The SDK's code for it, whatever its number.
    const { UnsupportedProtocolVersionError } = await import('@modelcontextprotocol/server');
    expect(body.error.code).toBe(new UnsupportedProtocolVersionError({ supported: [], requested: 'x' }).code);
  });
});
