/**
 * Results that fit (issue 17 item 3): `?max_result_tokens=` shrinks a Hub tool's
 * result below its plugin's budget; `?no_image_content` and per-client manifest rules
 * (by clientInfo.name) replace image content with a `resource_link` to a short-lived
 * resource that only the caller's principal can read. Real SDK clients over real HTTP,
 * both protocol eras, against the Hub emulator; the image links' clock is injected.
 */
import type { Client } from '@modelcontextprotocol/client';
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_BASE64 } from '../plugins/conformance/src/media';
import { connectClient, type Era, postMcp, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

type Block = { type: string; text?: string; uri?: string; mimeType?: string; data?: string; name?: string };
type Result = { content: Block[]; structuredContent?: Record<string, unknown>; isError?: boolean };

const TTL_MS = 5 * 60_000;
let clock = 1_000_000;
let hub: HubEmulator;
let toolhost: RunningToolhost;
let userToken: string;
const clients: Client[] = [];

beforeAll(async () => {
  hub = await startHubEmulator();
  toolhost = await startToolhost({
    env: { HF_ENDPOINT: hub.url },
    now: () => clock,
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-models' },
        { use: '@toolhost/plugin-conformance' },
      ],
      results: {
        imageLinkTtl: TTL_MS,
        clients: [
          { name: 'pictureless*', noImageContent: true },
          { name: 'terse-client', maxResultTokens: 500 },
        ],
      },
    },
  });
  const { token, hash, record } = newToken('alice', 'free');
  await toolhost.app.kernel.tokens.insert(hash, record);
  userToken = token;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await toolhost?.close();
  await hub?.close();
});

async function connect(
  query: string,
  options: { era: Era; name?: string; token?: string } = { era: 'legacy' },
): Promise<Client> {
  const client = await connectClient(`${toolhost.mcpUrl}${query}`, options);
  clients.push(client);
  return client;
}

/** What a client may put in context: the markdown and the structured JSON. */
const size = (result: Result) =>
  result.content[0]!.text!.length + JSON.stringify(result.structuredContent).length;

const search = async (client: Client) =>
  (await client.callTool({ name: 'model_search', arguments: { sort: 'downloads', limit: 100 } })) as Result;

describe('?max_result_tokens=', () => {
  for (const era of ['legacy', 'modern'] as const) {
    it(`shrinks a Hub tool's result below its plugin's budget (${era})`, async () => {
      const full = await search(await connect('', { era }));
      const fitted = await search(await connect('?max_result_tokens=600', { era }));
      const all = full.structuredContent!['models'] as { id: string }[];
      const shown = fitted.structuredContent!['models'] as { id: string }[];
      expect(full.structuredContent).not.toHaveProperty('truncated');
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThan(all.length);
      expect(shown.map((m) => m.id)).toEqual(all.slice(0, shown.length).map((m) => m.id));
      expect(size(fitted)).toBeLessThanOrEqual(600 * 4);
      expect(fitted.structuredContent!['truncated']).toMatch(/budget of 600 tokens/);
    });
  }

  it('cannot raise the plugin budget: a huge value leaves results as the plugin fits them', async () => {
    const plain = await search(await connect('', { era: 'legacy' }));
    const huge = await search(await connect('?max_result_tokens=99999999999999999999', { era: 'legacy' }));
    expect(huge.structuredContent).toEqual(plain.structuredContent);
  });

  it('raises a value below 500 to 500', async () => {
    const fitted = await search(await connect('?max_result_tokens=1', { era: 'modern' }));
    expect(fitted.structuredContent!['truncated']).toMatch(/budget of 500 tokens/);
  });

  it.each(['abc', '0', '-5', '1.5', ''])(
    'refuses ?max_result_tokens=%s with a JSON-RPC error naming it',
    async (value) => {
      const response = await postMcp(`${toolhost.mcpUrl}?max_result_tokens=${value}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32602);
      expect(body.error.message).toMatch(/^max_result_tokens must be a whole number of tokens, at least 1/);
    },
  );

  it('applies a per-client rule by clientInfo name (terse-client: 500 tokens)', async () => {
    for (const era of ['legacy', 'modern'] as const) {
      const fitted = await search(await connect('', { era, name: 'terse-client' }));
      expect(fitted.structuredContent!['truncated']).toMatch(/budget of 500 tokens/);
    }
  });
});

const imageCall = async (client: Client) =>
  (await client.callTool({ name: 'test_multiple_content_types', arguments: {} })) as Result;

describe('images as links', () => {
  it('keeps images inline when nothing asks otherwise', async () => {
    const result = await imageCall(await connect('', { era: 'legacy' }));
    expect(result.content.map((b) => b.type)).toEqual(['text', 'image', 'resource']);
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`?no_image_content replaces the image with a resource_link that resources/read serves (${era})`, async () => {
      const client = await connect('?no_image_content', { era });
      const result = await imageCall(client);
      expect(result.content.map((b) => b.type)).toEqual(['text', 'resource_link', 'resource']);
      const link = result.content[1]!;
      expect(link).toMatchObject({
        mimeType: 'image/png',
        name: 'test_multiple_content_types-image-1.png',
      });
      expect(link.uri).toMatch(/^toolhost:\/\/results\/[\w-]{22}$/);
      const read = await client.readResource({ uri: link.uri! });
      expect(read.contents).toEqual([{ uri: link.uri, mimeType: 'image/png', blob: PNG_BASE64 }]);
      // Ephemeral: not listed with the server's resources.
      const listed = await client.listResources();
      expect(listed.resources.map((r) => r.uri)).not.toContain(link.uri);
    });
  }

  it('a per-client rule (pictureless*) links images without the parameter', async () => {
    const client = await connect('', { era: 'legacy', name: 'pictureless-agent' });
    const result = await imageCall(client);
    expect(result.content[1]!.type).toBe('resource_link');
    const other = await connect('', { era: 'modern', name: 'pictureless' });
    expect((await imageCall(other)).content[1]!.type).toBe('resource_link');
  });

  it('another principal reading the link gets not-found', async () => {
    const alice = await connect('?no_image_content', { era: 'modern', token: userToken });
    const uri = (await imageCall(alice)).content[1]!.uri!;
    expect((await alice.readResource({ uri })).contents).toHaveLength(1);
    const anonymous = await connect('', { era: 'modern' });
    await expect(anonymous.readResource({ uri })).rejects.toThrow(/not found/i);
    const legacyAnonymous = await connect('', { era: 'legacy' });
    await expect(legacyAnonymous.readResource({ uri })).rejects.toThrow(/not found/i);
  });

  it('expires after imageLinkTtl (an injected clock)', async () => {
    const client = await connect('?no_image_content', { era: 'legacy' });
    const uri = (await imageCall(client)).content[1]!.uri!;
    clock += TTL_MS - 1;
    expect((await client.readResource({ uri })).contents).toHaveLength(1);
    clock += 1;
    await expect(client.readResource({ uri })).rejects.toThrow(/not found/i);
  });

  it('?no_image_content=false keeps images inline', async () => {
    const result = await imageCall(await connect('?no_image_content=false', { era: 'modern' }));
    expect(result.content[1]!.type).toBe('image');
  });
});

describe('in a 2025 session', () => {
  it('the per-client rule and ?no_image_content work, and the link reads in the session', async () => {
    const server = await startToolhost({
      manifest: {
        plugins: [{ use: '@toolhost/plugin-conformance' }],
        transport: { sessions: true },
        results: { clients: [{ name: 'pictureless*', noImageContent: true }] },
      },
    });
    const opened: Client[] = [];
    try {
      for (const [query, name] of [
        ['', 'pictureless-session'],
        ['?no_image_content', 'any-session'],
      ] as const) {
        const client = await connectClient(`${server.mcpUrl}${query}`, { era: 'legacy', name });
        opened.push(client);
        const link = (await imageCall(client)).content[1]!;
        expect(link.type).toBe('resource_link');
        const read = await client.readResource({ uri: link.uri! });
        expect(read.contents[0]).toMatchObject({ mimeType: 'image/png', blob: PNG_BASE64 });
      }
      const plain = await connectClient(server.mcpUrl, { era: 'legacy', name: 'other-session' });
      opened.push(plain);
      expect((await imageCall(plain)).content[1]!.type).toBe('image');
    } finally {
      await Promise.all(opened.map((client) => client.close().catch(() => {})));
      await server.close();
    }
  });
});
