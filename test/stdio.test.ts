/** `toolhost serve --stdio`, the built CLI, driven by the real SDK v2 stdio client in both eras. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdioClient, type Era } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { DEFAULT_TOOLS } from './src/hub-plugins';

let hub: HubEmulator;
beforeAll(async () => {
  hub = await startHubEmulator();
});
afterAll(() => hub?.close());
// Without a manifest the CLI keeps state in the per-user data folder: a temporary one here.
const dataDir = mkdtempSync(join(tmpdir(), 'toolhost-stdio-data-'));

const connect = (era: Era, env: Record<string, string> = {}) =>
  connectStdioClient({ era, env: { HF_ENDPOINT: hub.url, TOOLHOST_DATA_DIR: dataDir, ...env } });

describe.each<Era>(['legacy', 'modern'])('stdio, %s era', (era) => {
  it('lists the same tools as HTTP and calls them against the Hub, logging only to stderr', async () => {
    const { client, stderr } = await connect(era, { HF_TOKEN: 'hf_bob_test_token_00000000000000' });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(DEFAULT_TOOLS);

      const search = await client.callTool({
        name: 'model_search',
        arguments: { author: 'openai', sort: 'likes' },
      });
      const models = (search.structuredContent as { models: { id: string }[] }).models;
      expect(models.map((m) => m.id)).toEqual(['openai/whisper-large-v3', 'openai/whisper-small']);

      // In stdio mode HF_TOKEN is the identity the tools act with.
      const me = await client.callTool({ name: 'hf_whoami', arguments: {} });
      expect(me.structuredContent).toMatchObject({ name: 'bob' });
    } finally {
      await client.close();
    }
    expect(stderr()).not.toContain('hf_bob_test_token');
  });
});

describe.each<Era>(['legacy', 'modern'])('stdio elicitation, %s era', (era) => {
  it('lets a tool elicit from the user', async () => {
    // 2025: a server→client request on the connection; 2026-07-28: an input-required round trip.
    const client = new Client(
      { name: 'stdio-elicit', version: '1.0.0' },
      {
        capabilities: { elicitation: {} },
        ...(era === 'modern' && { versionNegotiation: { mode: { pin: '2026-07-28' as const } } }),
      },
    );
    client.setRequestHandler('elicitation/create', (request) => ({
      action: 'accept',
      content: { username: `re: ${request.params.message}`, email: 'ada@example.com' },
    }));
    await connectStdioClient({ client, args: ['--config', 'examples/conformance.yaml'] });
    try {
      const result = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } });
      expect(result.content).toEqual([
        {
          type: 'text',
          text: 'User response: action=accept, content={"username":"re: who?","email":"ada@example.com"}',
        },
      ]);
    } finally {
      await client.close();
    }
  });
});
