/**
 * The server card: `GET /mcp/server-card` and `/.well-known/mcp/server-card.json`
 * describe the server, its revisions and transports, its auth, and the tools an
 * anonymous caller gets, with an ETag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningToolhost, startToolhost } from './src/helpers';

let toolhost: RunningToolhost;

beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: '@toolhost/plugin-conformance' }],
      auth: { hf: false },
      access: { anonymous: ['conformance'] },
      transport: { sessions: true, sse: true },
    },
  });
});
afterAll(() => toolhost?.close());

describe('server card', () => {
  it('describes the server, its transports, auth and the anonymous tools, with an ETag', async () => {
    const response = await fetch(`${toolhost.baseUrl}/mcp/server-card`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/mcp-server-card\+json/);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const card = (await response.json()) as Record<string, unknown>;
    expect(card['name']).toBe('toolhost');
    expect(card['protocolVersions']).toEqual(
      expect.arrayContaining(['2026-07-28', '2025-11-25', '2025-03-26']),
    );
    expect(card['transports']).toEqual([
      { type: 'streamable-http', url: `${toolhost.baseUrl}/mcp` },
      { type: 'sse', url: `${toolhost.baseUrl}/sse` },
    ]);
    expect(card['capabilities']).toHaveProperty(['extensions', 'io.modelcontextprotocol/tasks']);
    expect(card['authentication']).toMatchObject({
      required: false,
      schemes: ['bearer'],
      protectedResourceMetadata: `${toolhost.baseUrl}/.well-known/oauth-protected-resource/mcp`,
    });
    const names = (card['tools'] as { name: string }[]).map((tool) => tool.name);
    expect(names).toContain('test_simple_text');
    expect(names).toContain('slow_compute');

    const again = await fetch(`${toolhost.baseUrl}/.well-known/mcp/server-card.json`, {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    const wellKnown = await fetch(`${toolhost.baseUrl}/.well-known/mcp/server-card.json`);
    expect(await wellKnown.json()).toEqual(card);
  });
});
