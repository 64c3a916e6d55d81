/**
 * A plugin's `listsChanged` (its setup context): the conformance plugin's trigger tools
 * announce a change, and a 2026-07-28 `subscriptions/listen` stream and a 2025 session's
 * GET stream get `notifications/tools/list_changed` / `prompts/list_changed`, each only
 * what it asked for. The real SDK v2 client over real HTTP.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { definePlugin } from '@toolhost/core';
import { createKernel } from '@toolhost/core/kernel';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RunningToolhost, startToolhost, waitFor } from './src/helpers';

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
afterAll(() => toolhost?.close());

function counting(client: Client) {
  const seen = { tools: 0, prompts: 0 };
  client.setNotificationHandler('notifications/tools/list_changed', () => {
    seen.tools++;
  });
  client.setNotificationHandler('notifications/prompts/list_changed', () => {
    seen.prompts++;
  });
  return seen;
}

/** A 2025 session client whose GET stream is known to be open (the server's push needs it). */
async function sessionClient() {
  let getOpened!: () => void;
  const streamOpen = new Promise<void>((resolve) => {
    getOpened = resolve;
  });
  const client = new Client({ name: 'list-changes-session', version: '1.0.0' });
  const seen = counting(client);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(toolhost.mcpUrl), {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if ((init?.method ?? 'GET') === 'GET' && response.ok) getOpened();
        return response;
      },
    }),
  );
  await streamOpen;
  return { client, seen };
}

describe("a plugin's listsChanged", () => {
  it('reaches 2026-07-28 listen streams and 2025 session streams, each with only what it asked for', async () => {
    const tools = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    const prompts = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    const session = await sessionClient();
    try {
      const seenTools = counting(tools);
      const seenPrompts = counting(prompts);
      await tools.listen({ toolsListChanged: true });
      await prompts.listen({ promptsListChanged: true });

      await tools.callTool({ name: 'test_trigger_tool_change', arguments: {} });
      await waitFor(() => seenTools.tools === 1 && session.seen.tools === 1, 'tools/list_changed arrives');
      await prompts.callTool({ name: 'test_trigger_prompt_change', arguments: {} });
      await waitFor(
        () => seenPrompts.prompts === 1 && session.seen.prompts === 1,
        'prompts/list_changed arrives',
      );
      // Each listen stream got only the kind it subscribed to (the SDK's filter).
      expect(seenTools).toEqual({ tools: 1, prompts: 0 });
      expect(seenPrompts).toEqual({ tools: 0, prompts: 1 });
      expect(session.seen).toEqual({ tools: 1, prompts: 1 });
    } finally {
      await Promise.all([tools.close(), prompts.close(), session.client.close()]);
    }
  });

  it('refuses a list it does not know, naming the plugin', async () => {
    let announce!: (...lists: string[]) => Promise<void>;
    const kernel = await createKernel({
      plugins: [
        {
          plugin: definePlugin({
            id: 'announcer',
            version: '1.0.0',
            kernel: '^0.1.0',
            setup: ({ listsChanged }) => {
              announce = listsChanged as typeof announce;
            },
          }),
        },
      ],
      logger: pino({ level: 'silent' }),
    });
    try {
      await expect(announce('tools', 'widgets')).rejects.toThrow(
        /announcer.*listsChanged takes one or more of tools, prompts, resources, not widgets/,
      );
      await expect(announce()).rejects.toThrow(/listsChanged takes one or more/);
      await expect(announce('tools')).resolves.toBeUndefined();
    } finally {
      await kernel.shutdown();
    }
  });
});
