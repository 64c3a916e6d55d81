/**
 * Per-principal session caps: one address (or all anonymous callers together) cannot
 * take every session slot; signed-in users keep headroom. Real SDK v2 clients over
 * real HTTP open 2025-era sessions; a refusal is a 503 naming the cap.
 */
import { request as httpRequest } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { newToken } from '@toolhost/core/ports';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningToolhost, startToolhost } from './src/helpers';

const open: Client[] = [];
const transports = new WeakMap<Client, StreamableHTTPClientTransport>();

/** A real SDK v2 client in the 2025 era: its initialize opens a session. */
async function connect(mcpUrl: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'session-caps', version: '1.0.0' });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers } });
  transports.set(client, transport);
  await client.connect(transport);
  return client;
}

/** End a client's session (DELETE), as a client that is done with it does, then close it. */
async function endSession(client: Client): Promise<void> {
  await transports
    .get(client)
    ?.terminateSession()
    .catch(() => {});
  await client.close().catch(() => {});
}

afterEach(async () => {
  await Promise.all(open.splice(0).map(endSession));
});

async function startWithUsers(transport: Record<string, unknown>) {
  const toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: '@toolhost/plugin-conformance' }],
      auth: { hf: false },
      transport: { sessions: true, ...transport },
    },
  });
  const tokens: Record<string, string> = {};
  for (const user of ['alice', 'bob']) {
    const { token, hash, record } = newToken(user, 'free');
    await toolhost.app.kernel.tokens.insert(hash, record);
    tokens[user] = token;
  }
  return { toolhost, tokens };
}

/** A 2025-era SDK client: its initialize opens a session. */
async function session(toolhost: RunningToolhost, token?: string): Promise<Client> {
  const client = await connect(toolhost.mcpUrl, token);
  open.push(client);
  expect(toolhost.app.kernel.health().openSessions).toBeGreaterThan(0);
  return client;
}

/** A raw `initialize` from another loopback address (an anonymous caller elsewhere). */
function initializeFrom(localAddress: string, mcpUrl: string): Promise<{ status: number; body: string }> {
  const url = new URL(mcpUrl);
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        // A session's answer is an SSE stream that stays open: the first event is enough.
        res.on('data', (chunk) => {
          text += chunk;
          if (res.statusCode !== 200 || text.includes('\n\n')) {
            resolve({ status: res.statusCode ?? 0, body: text });
            res.destroy();
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('anonymous callers share part of maxSessions', () => {
  let toolhost: RunningToolhost;
  let tokens: Record<string, string>;
  beforeAll(async () => {
    // 4 sessions in all; anonymous callers may hold 2 of them; no per-principal cap in the way.
    ({ toolhost, tokens } = await startWithUsers({
      maxSessions: 4,
      anonymousShare: 0.5,
      maxSessionsPerPrincipal: 10,
    }));
  });
  afterAll(() => toolhost.close());

  it('refuses a third anonymous session with 503 naming the cap, while users still get theirs', async () => {
    await session(toolhost);
    await session(toolhost);
    const refused = await connect(toolhost.mcpUrl).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/503|Too many open anonymous sessions/);
    expect(String(refused)).toContain('limit of 2');

    const alice = await session(toolhost, tokens['alice']);
    await session(toolhost, tokens['bob']);
    expect((await alice.listTools()).tools.length).toBeGreaterThan(0);
    expect(toolhost.app.kernel.health().openSessions).toBe(4);
  });

  it('frees the slots when sessions close', async () => {
    expect(toolhost.app.kernel.health().openSessions).toBe(0);
    const first = await session(toolhost);
    await session(toolhost);
    const refused = await connect(toolhost.mcpUrl).catch((error: Error) => error);
    expect(String(refused)).toContain('Too many open anonymous sessions');
    await endSession(first);
    await session(toolhost);
  });
});

describe('maxSessionsPerPrincipal', () => {
  let toolhost: RunningToolhost;
  let tokens: Record<string, string>;
  beforeAll(async () => {
    ({ toolhost, tokens } = await startWithUsers({
      maxSessions: 20,
      anonymousShare: 0.5,
      maxSessionsPerPrincipal: 2,
    }));
  });
  afterAll(() => toolhost.close());

  it('caps each user, and each anonymous address, on its own', async () => {
    await session(toolhost, tokens['alice']);
    await session(toolhost, tokens['alice']);
    const third = await connect(toolhost.mcpUrl, tokens['alice']).catch((error: Error) => error);
    expect(String(third)).toContain('Too many open sessions for this caller (the limit is 2 per user');
    // Another user is not affected.
    await session(toolhost, tokens['bob']);

    // Anonymous callers are counted per address: 127.0.0.1 is full, 127.0.0.2 is not.
    await session(toolhost);
    await session(toolhost);
    const local = await connect(toolhost.mcpUrl).catch((error: Error) => error);
    expect(String(local)).toContain('per address for anonymous callers');
    const elsewhere = await initializeFrom('127.0.0.2', toolhost.mcpUrl);
    expect(elsewhere.status).toBe(200);
    const refusedRaw = await initializeFrom('127.0.0.1', toolhost.mcpUrl);
    expect(refusedRaw.status).toBe(503);
    expect(JSON.parse(refusedRaw.body)).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: expect.stringContaining('transport.maxSessionsPerPrincipal') },
    });
  });
});
