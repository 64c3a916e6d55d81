import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  FIXTURES,
  memoryLogger,
  type RunningToolhost,
  startToolhost,
} from '../../test/src/helpers';
import { type HubEmulator, startHubEmulator } from '../../test/src/hub-emulator';

const SECRET = 'hf_alice_test_token_000000000000';
const captured = memoryLogger('debug');
let hub: HubEmulator;
let toolhost: RunningToolhost;

beforeAll(async () => {
  hub = await startHubEmulator();
  toolhost = await startToolhost({
    manifest: {
      server: { allowedHosts: ['toolhost.example.com'], allowedOrigins: ['app.example.com'] },
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-models' },
        { use: './plugins/testkit.mjs' },
      ],
    },
    baseDir: FIXTURES,
    env: { HF_ENDPOINT: hub.url },
    logger: captured.logger,
  });
});
afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
});

const list = (headers: Record<string, string>) =>
  toolhost.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });

describe('Host and Origin validation', () => {
  it('accepts localhost names and configured hosts', async () => {
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:8080', 'toolhost.example.com']) {
      expect((await list({ host })).statusCode, host).toBe(200);
    }
  });

  it('refuses any other Host with 403 and a JSON-RPC error saying how to allow it', async () => {
    const response = await list({ host: 'evil.example.com' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32000,
        message:
          'Invalid Host: evil.example.com. Add it to server.allowedHosts in the manifest to accept it.',
      },
      id: null,
    });
  });

  it('refuses a browser Origin that is not allowed', async () => {
    expect((await list({ host: 'localhost', origin: 'http://localhost:5173' })).statusCode).toBe(200);
    expect((await list({ host: 'localhost', origin: 'https://app.example.com' })).statusCode).toBe(200);
    const response = await list({ host: 'localhost', origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/^Invalid Origin: evil\.example\./);
  });

  it('guards every route, not only /mcp', async () => {
    const response = await toolhost.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { host: 'evil.example.com' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('secrets never reach the logs', () => {
  it('redacts tokens however a request or plugin carries them', async () => {
    captured.lines.length = 0;
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy', token: SECRET });
    await client.callTool({ name: 'leaky_log', arguments: {} });
    await client.callTool({ name: 'hf_whoami', arguments: {} });
    await client.callTool({ name: 'fail_internal', arguments: {} });
    await client.callTool({ name: 'model_details', arguments: { repo_id: 'nobody/nothing' } });
    await client.close();
    const leaked = await toolhost.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${SECRET}`,
      },
      payload: '{ not json',
    });
    expect(leaked.statusCode).toBe(400);

    const log = captured.lines.join('\n');
    expect(log).toContain('about to leak');
    expect(log).toContain('nested leak');
    expect(log).toContain('tool handler failed');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('alice_test_token');
  });
});
