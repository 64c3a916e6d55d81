/**
 * A 2026-07-28 tool that asks the client for input (multi-round-trip requests):
 * each request runs its handler once, whether the direct path or the SDK path serves
 * it. The exchange is charged once, on its first round: later rounds carry the
 * server's signed requestState, which proves it (docs/architecture.md,
 * "Input-required calls").
 */

import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, type RunningToolhost, startToolhost } from './src/helpers';

const text = (result: { content?: unknown }) => (result.content as { text: string }[])[0]!.text;

describe.each([true, false])('input-required round trip, direct path %s', (directPath) => {
  let toolhost: RunningToolhost | undefined;
  afterEach(() => toolhost?.close());

  it('runs the handler once per request and charges the exchange once', async () => {
    toolhost = await startToolhost({
      manifest: {
        plugins: [{ use: join(FIXTURES, 'plugins/round-trip.mjs') }],
        auth: { hf: false },
        quotas: { plans: { anonymous: { units: 4, per: '1h' } } },
        server: { directPath },
      },
    });
    const client = new Client(
      { name: 'round-trip-test', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: {} } },
    );
    let asked = 0;
    client.setRequestHandler('elicitation/create', () => {
      asked++;
      return { action: 'accept', content: { name: 'Ada' } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(toolhost.mcpUrl)));
    try {
      const before = Number(text(await client.callTool({ name: 'handler_runs', arguments: {} })));
      const greeting = await client.callTool({ name: 'ask_name', arguments: {} });
      expect(asked).toBe(1);
      // Two requests (the question, then the answer): two handler runs, no more.
      expect(text(greeting)).toBe(`Hello Ada; handler runs so far: ${before + 2}`);
      // One unit was charged for the exchange of two requests: three more fit in the plan of four, a fourth does not.
      expect((await client.callTool({ name: 'spend', arguments: {} })).isError).toBeUndefined();
      expect((await client.callTool({ name: 'spend', arguments: {} })).isError).toBeUndefined();
      expect((await client.callTool({ name: 'spend', arguments: {} })).isError).toBeUndefined();
      const refused = await client.callTool({ name: 'spend', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/allows 4 units per 1h, 4 are used/);
    } finally {
      await client.close();
    }
  });
});
