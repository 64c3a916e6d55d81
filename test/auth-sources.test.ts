/**
 * The other ways in: JWT access tokens verified against a JWKS, settings read from
 * Hugging Face's MCP settings, anonymous access switched off, and the per-IP rate
 * limit on anonymous traffic.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, FIXTURES, postMcp, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

const testkit = { use: './plugins/testkit.mjs' };
const post = (url: string, token?: string) =>
  postMcp(url, undefined, token ? { authorization: `Bearer ${token}` } : {});

let hub: HubEmulator;
beforeAll(async () => {
  hub = await startHubEmulator();
});
afterAll(() => hub?.close());

describe('JWT access tokens', () => {
  let jwks: ReturnType<typeof createServer>;
  let jwksUrl: string;
  let sign: (claims: Record<string, unknown>, audience?: string, expires?: string) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    sign = (claims, audience = 'https://mcp.example.com/mcp', expires = '5m') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setIssuer('https://auth.example.com')
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(expires)
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

  it('accepts a token signed by the configured JWKS for this resource, and refuses others', async () => {
    const toolhost = await startToolhost({
      manifest: {
        server: { publicUrl: 'https://mcp.example.com' },
        auth: { anonymous: false, jwt: { jwksUrl, issuer: 'https://auth.example.com' } },
        plugins: [testkit],
      },
      baseDir: FIXTURES,
    });
    try {
      const good = await sign({
        sub: 'u-123',
        preferred_username: 'carol',
        plan: 'pro',
        scope: 'openid read',
      });
      const client = await connectClient(toolhost.mcpUrl, { era: 'modern', token: good });
      const who = await client.callTool({ name: 'who_calls', arguments: {} });
      expect(who.structuredContent).toMatchObject({ principal: 'jwt:u-123', kind: 'user', hasToken: false });
      await client.close();

      const wrongAudience = await post(
        toolhost.mcpUrl,
        await sign({ sub: 'u-1' }, 'https://other.example.com/mcp'),
      );
      expect(wrongAudience.status).toBe(401);
      expect(wrongAudience.headers.get('www-authenticate')).toContain(
        'its aud claim does not match this server',
      );
      const expired = await post(toolhost.mcpUrl, await sign({ sub: 'u-1' }, undefined, '-1m'));
      expect(expired.headers.get('www-authenticate')).toContain('it has expired');
      // Anonymous access is off: no token is a 401, with the resource metadata of the public URL
      // and the scopes to ask for (auth.scopes, default openid profile).
      const anonymous = await post(toolhost.mcpUrl);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe(
        'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="openid profile"',
      );
    } finally {
      await toolhost.close();
    }
  });

  it('refuses a JWT configuration that could not check the audience', async () => {
    await expect(
      startToolhost({ manifest: { auth: { jwt: { jwksUrl } }, plugins: [testkit] }, baseDir: FIXTURES }),
    ).rejects.toThrow(/auth\.jwt: set auth\.jwt\.audience or server\.publicUrl/);
  });
});

describe('settings from Hugging Face', () => {
  it('gives each user the tools and Spaces they chose on huggingface.co, read-only here', async () => {
    const toolhost = await startToolhost({
      manifest: {
        stores: { default: 'memory', settings: 'hf' },
        plugins: [
          { use: '@toolhost/plugin-hub' },
          { use: '@toolhost/plugin-models' },
          { use: '@toolhost/plugin-gradio' },
        ],
      },
      env: { HF_ENDPOINT: hub.url },
    });
    try {
      // Alice's fixture enables model_search and hf_whoami: hub_repo_details and model_details are off, and her Space is listed.
      // The emulator does not know her Space, so it is served as a status tool saying so.
      const alice = 'hf_alice_test_token_000000000000';
      const client = await connectClient(toolhost.mcpUrl, { era: 'legacy', token: alice });
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
        'evalstate_flux1_schnell_status',
        'hf_whoami',
        'model_search',
      ]);
      await client.close();
      const settings = await (
        await fetch(`${toolhost.baseUrl}/api/settings`, { headers: { authorization: `Bearer ${alice}` } })
      ).json();
      expect(settings.settings).toEqual({
        plugins: ['hub', 'models'],
        disabledTools: ['hub_repo_details', 'model_details'],
        spaces: ['evalstate/flux1_schnell'],
      });
      expect(settings.writable).toBe(false);
      const put = await fetch(`${toolhost.baseUrl}/api/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ plugins: ['hub'] }),
      });
      expect(put.status).toBe(409);
      expect((await put.json()).message).toMatch(/managed outside this server/);
    } finally {
      await toolhost.close();
    }
  });
});

describe('per-IP rate limit for anonymous traffic', () => {
  it('answers 429 past the limit, and does not limit callers with a token', async () => {
    const toolhost = await startToolhost({
      // The hub plugin verifies the Hugging Face token.
      manifest: {
        auth: { rateLimit: { max: 3, per: '1m' } },
        plugins: [testkit, { use: '@toolhost/plugin-hub' }],
      },
      baseDir: FIXTURES,
      env: { HF_ENDPOINT: hub.url },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(toolhost.mcpUrl)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await post(toolhost.mcpUrl);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await post(toolhost.mcpUrl, 'hf_bob_test_token_00000000000000')).status).toBe(200);
    } finally {
      await toolhost.close();
    }
  });
});
