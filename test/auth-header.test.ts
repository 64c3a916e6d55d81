/**
 * An Authorization header that is present but not exactly one well-formed bearer
 * token is refused (401, with the usual challenge) on every route that serves callers,
 * and never exempts a request from the anonymous rate limit: only a token the server
 * accepted does.
 */
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, postMcp, type RunningToolhost, startToolhost } from './src/helpers';

/** Headers that are not exactly one bearer token. */
const MALFORMED = [
  'Basic dXNlcjpwYXNz',
  'Bearer',
  'Bearer ',
  'Bearer a b',
  'Token abc',
  'bearer\tabc extra',
  'th_just_a_token_without_scheme',
];

const MANIFEST = {
  plugins: [{ use: '@toolhost/plugin-conformance' }],
  auth: { hf: false },
  transport: { sessions: true, sse: true },
};

async function expectRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+"/);
  expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  const body = (await response.json()) as {
    jsonrpc: string;
    id: null;
    error: { code: number; message: string };
  };
  expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
  expect(body.error.message).toContain('exactly one bearer token');
}

describe('a malformed Authorization header', () => {
  let toolhost: RunningToolhost;
  beforeAll(async () => {
    toolhost = await startToolhost({ manifest: MANIFEST });
  });
  afterAll(() => toolhost.close());

  it.each(MALFORMED)('%j gets 401 on /mcp, /sse, /messages and /api/*', async (authorization) => {
    await expectRefused(await postMcp(toolhost.mcpUrl, undefined, { authorization }));
    await expectRefused(await fetch(`${toolhost.baseUrl}/sse`, { headers: { authorization } }));
    await expectRefused(
      await fetch(`${toolhost.baseUrl}/messages?sessionId=x`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      }),
    );
    await expectRefused(await fetch(`${toolhost.baseUrl}/api/settings`, { headers: { authorization } }));
    await expectRefused(await fetch(`${toolhost.baseUrl}/api/dashboard`, { headers: { authorization } }));
  });

  it('is not confused with a well-formed one, or with none', async () => {
    expect((await postMcp(toolhost.mcpUrl)).status).toBe(200);
    const { token, hash, record } = newToken('carol', 'free');
    await toolhost.app.kernel.tokens.insert(hash, record);
    expect((await postMcp(toolhost.mcpUrl, undefined, { authorization: `Bearer ${token}` })).status).toBe(
      200,
    );
    expect((await postMcp(toolhost.mcpUrl, undefined, { authorization: `bearer  ${token} ` })).status).toBe(
      200,
    );
  });
});

describe('the anonymous rate limit', () => {
  const LIMIT = 3;
  let toolhost: RunningToolhost;
  let token: string;
  beforeAll(async () => {
    toolhost = await startToolhost({
      manifest: { ...MANIFEST, auth: { hf: false, rateLimit: { max: LIMIT, per: '1h' } } },
    });
    const issued = newToken('dave', 'free');
    await toolhost.app.kernel.tokens.insert(issued.hash, issued.record);
    token = issued.token;
  });
  afterAll(() => toolhost.close());

  it('cannot be bypassed with a malformed header or a refused token; an accepted token is exempt', async () => {
    // A signed-in caller is exempt, before and after the anonymous budget is spent.
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern', token });
    await client.listTools();
    for (let i = 0; i < LIMIT; i++) expect((await postMcp(toolhost.mcpUrl)).status).toBe(200);
    expect((await postMcp(toolhost.mcpUrl)).status).toBe(429);
    for (const authorization of [...MALFORMED, 'Bearer th_forged_token_0000000000000000']) {
      const response = await postMcp(toolhost.mcpUrl, undefined, { authorization });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 429 });
    }
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });
});
