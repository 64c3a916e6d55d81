/**
 * Icons (2025-11-25, SEP-973): a tool's icons from `defineTool`, and the server's from
 * the manifest's `server.icons`, reach clients in both eras, in `tools/list`,
 * `initialize`, `server/discover` and the server card; a source other than https: or
 * data: is refused where it is written down.
 */
import { defineTool, z } from '@toolhost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ICONS } from './fixtures/plugins/iconic.mjs';
import {
  connectClient,
  type Era,
  FIXTURES,
  postMcp,
  type RunningToolhost,
  startToolhost,
} from './src/helpers';

const SERVER_ICONS = [{ src: 'https://example.org/toolhost.svg', mimeType: 'image/svg+xml', sizes: ['any'] }];
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

let toolhost: RunningToolhost;
beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: './plugins/iconic.mjs' }],
      auth: { hf: false },
      server: { icons: SERVER_ICONS },
    },
    baseDir: FIXTURES,
  });
});
afterAll(() => toolhost?.close());

describe('icons', () => {
  it.each<Era>(['legacy', 'modern'])('tools/list gives the tool its icons in the %s era', async (era) => {
    const client = await connectClient(toolhost.mcpUrl, { era });
    try {
      const { tools } = await client.listTools();
      expect(tools.find((tool) => tool.name === 'wave')?.icons).toEqual(ICONS);
    } finally {
      await client.close();
    }
  });

  it('an older 2025 revision gets them too (its schema allows fields it does not name)', async () => {
    const response = await postMcp(toolhost.mcpUrl, undefined, { 'mcp-protocol-version': '2025-06-18' });
    const body = (await response.json()) as { result: { tools: { name: string; icons?: unknown }[] } };
    expect(body.result.tools.find((tool) => tool.name === 'wave')?.icons).toEqual(ICONS);
  });

  it('initialize names the server with its icons', async () => {
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'toolhost', icons: SERVER_ICONS });
    } finally {
      await client.close();
    }
  });

  it('server/discover names the server with its icons; other 2026-07-28 results name it without them', async () => {
    const discover = await postMcp(
      toolhost.mcpUrl,
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: MODERN_META } },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
    );
    const discovered = (await discover.json()) as { result: { _meta: Record<string, unknown> } };
    expect(discovered.result._meta['io.modelcontextprotocol/serverInfo']).toMatchObject({
      name: 'toolhost',
      icons: SERVER_ICONS,
    });
    // tools/list takes the direct path, a call with a progress token the SDK's: both stamp alike.
    for (const [params, name] of [
      [{ _meta: MODERN_META }, undefined],
      [{ name: 'wave', arguments: {}, _meta: { ...MODERN_META, progressToken: 1 } }, 'wave'],
    ] as const) {
      const method = name ? 'tools/call' : 'tools/list';
      const response = await postMcp(
        toolhost.mcpUrl,
        { jsonrpc: '2.0', id: 2, method, params },
        {
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': method,
          ...(name && { 'mcp-name': name }),
        },
      );
      // JSON, or SSE when the call streams progress: the answer is the line with the result.
      const text = await response.text();
      const json = text.startsWith('{') ? text : /^data: (.*"result".*)$/m.exec(text)![1]!;
      const stamped = (JSON.parse(json) as { result: { _meta: Record<string, unknown> } }).result._meta[
        'io.modelcontextprotocol/serverInfo'
      ];
      expect(stamped).toMatchObject({ name: 'toolhost' });
      expect(stamped).not.toHaveProperty('icons');
    }
  });

  it('the server card lists the server icons and the tool icons', async () => {
    const card = (await (await fetch(`${toolhost.baseUrl}/mcp/server-card`)).json()) as {
      icons: unknown;
      tools: { name: string; icons?: unknown }[];
    };
    expect(card.icons).toEqual(SERVER_ICONS);
    expect(card.tools.find((tool) => tool.name === 'wave')?.icons).toEqual(ICONS);
  });

  it('defineTool refuses a source that is neither https: nor data:, saying why', () => {
    const tool = (src: string) =>
      defineTool({
        name: 'bad',
        description: 'x',
        input: z.object({}),
        icons: [{ src }],
        handler: () => 'x',
      });
    for (const src of [
      'javascript:alert(1)',
      'http://example.org/a.png',
      'file:///etc/passwd',
      'ftp://x/y',
    ]) {
      expect(() => tool(src)).toThrow(
        /defineTool\(bad\): icons\[0\]\.src: must be an https: URL or a data: URI/,
      );
    }
    expect(() =>
      defineTool({
        name: 'bad',
        description: 'x',
        input: z.object({}),
        icons: [{ src: 'https://example.org/a.png', sizes: ['big'] }],
        handler: () => 'x',
      }),
    ).toThrow(/icons\[0\]\.sizes\[0\]: must be WxH/);
  });

  it('the manifest refuses a server icon with another scheme', async () => {
    await expect(
      startToolhost({
        manifest: { plugins: [], auth: { hf: false }, server: { icons: [{ src: 'javascript:alert(1)' }] } },
      }),
    ).rejects.toThrow(/server\.icons\[0\]\.src: must be an https: URL or a data: URI/);
  });
});
