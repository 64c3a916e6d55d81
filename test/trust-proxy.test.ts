/**
 * Behind a proxy every connection comes from the proxy's address. With `server.trustProxy`
 * naming the proxy, its `X-Forwarded-For` names the caller, so anonymous callers keep quota
 * accounts of their own; without it, one forwarded address cannot pose as another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningToolhost, startToolhost } from './src/helpers';

const started: RunningToolhost[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((toolhost) => toolhost.close()));
});

async function start(trustProxy: boolean | string[]) {
  const toolhost = await startToolhost({
    manifest: {
      server: { trustProxy },
      plugins: [{ use: '@toolhost/plugin-conformance' }],
      quotas: { plans: { anonymous: { units: 1, per: '1h' } } },
    },
  });
  started.push(toolhost);
  return toolhost;
}

/** One anonymous tools/call as forwarded for `client`: true when it ran, false when the quota refused it. */
async function callAs(toolhost: RunningToolhost, client: string): Promise<boolean> {
  const response = await fetch(toolhost.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'x-forwarded-for': client,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'test_simple_text', arguments: {} },
    }),
  });
  expect(response.status).toBe(200);
  const { result } = (await response.json()) as {
    result: { isError?: boolean; content: { text: string }[] };
  };
  if (result.isError) expect(result.content[0]!.text).toMatch(/quota/i);
  return result.isError !== true;
}

describe('server.trustProxy', () => {
  it('counts anonymous quota per forwarded client when the proxy is trusted', async () => {
    const toolhost = await start(['127.0.0.1']);
    expect(await callAs(toolhost, '203.0.113.5')).toBe(true);
    expect(await callAs(toolhost, '203.0.113.5')).toBe(false);
    expect(await callAs(toolhost, '203.0.113.6')).toBe(true);
  });

  it('ignores X-Forwarded-For by default: every caller through one address shares its account', async () => {
    const toolhost = await start(false);
    expect(await callAs(toolhost, '203.0.113.5')).toBe(true);
    expect(await callAs(toolhost, '203.0.113.6')).toBe(false);
  });

  it('ignores X-Forwarded-For from an address it does not trust', async () => {
    const toolhost = await start(['10.9.8.7']);
    expect(await callAs(toolhost, '203.0.113.5')).toBe(true);
    expect(await callAs(toolhost, '203.0.113.6')).toBe(false);
  });

  it('refuses a trustProxy that is neither a boolean nor a list of addresses', async () => {
    await expect(start('yes' as never)).rejects.toThrow(/server\.trustProxy/);
  });
});
