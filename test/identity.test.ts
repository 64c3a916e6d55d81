/**
 * Identity, per-user selection, enforcement and quotas, end to end: tokens made by
 * the real `toolhost tokens` CLI, settings through the HTTP API, tool lists and calls
 * through real SDK clients, and a SQLite store that survives a restart.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import type { KernelEvent } from '@toolhost/core/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  connectClient,
  FIXTURES,
  memoryLogger,
  postMcp,
  type RunningToolhost,
  runCli,
  startToolhost,
} from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

const ADMIN = 'admin-secret-for-tests-0123456789';
const HF_ALICE = 'hf_alice_test_token_000000000000';
const dir = mkdtempSync(join(tmpdir(), 'toolhost-identity-'));
const manifestFile = join(dir, 'toolhost.config.yaml');
writeFileSync(
  manifestFile,
  `
auth:
  rateLimit: false
stores:
  default: sqlite
  path: ./data/toolhost.db
access:
  anonymous: [hub]
  authenticated: all
  defaults: [hub, models, testkit]
quotas:
  plans:
    free: { units: 3, per: 1h }
    anonymous: { units: 100, per: 1h }
plugins:
  - use: "@toolhost/plugin-hub"
  - use: "@toolhost/plugin-models"
  - use: "${join(FIXTURES, 'plugins/testkit.mjs')}"
  - use: "@toolhost/plugin-gradio"
`,
);

let hub: HubEmulator;
let toolhost: RunningToolhost;
let tokenA: string;
let tokenB: string;
const captured = memoryLogger('debug');
const clients: Client[] = [];

async function start() {
  return startToolhost({
    manifest: parseYaml(readFileSync(manifestFile, 'utf8')),
    baseDir: dir,
    env: { HF_ENDPOINT: hub.url, TOOLHOST_ADMIN_TOKEN: ADMIN },
    logger: captured.logger,
  });
}

async function client(token?: string, query = '') {
  const c = await connectClient(`${toolhost.mcpUrl}${query}`, { era: 'legacy', ...(token && { token }) });
  clients.push(c);
  return c;
}

const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name).sort();
const api = (method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${toolhost.baseUrl}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  const created = await Promise.all(
    ['alice-local', 'bob-local'].map((user) =>
      runCli(['tokens', 'create', '--user', user, '--config', manifestFile]),
    ),
  );
  for (const result of created) expect(result.code, result.stderr).toBe(0);
  [tokenA, tokenB] = created.map((result) => result.stdout.split('\n')[0]!) as [string, string];
  hub = await startHubEmulator();
  toolhost = await start();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await toolhost?.close();
  await hub?.close();
});

describe('API tokens from the CLI', () => {
  it('prints a new token once and lists only ids', async () => {
    expect(tokenA).toMatch(/^th_[\w-]{32}$/);
    const list = await runCli(['tokens', 'list', '--config', manifestFile]);
    expect(list.stdout).toContain('alice-local\tfree');
    expect(list.stdout).toContain('bob-local\tfree');
    expect(list.stdout).not.toContain(tokenA);
  });
});

describe('per-user selection and enforcement', () => {
  it('user A enables only models; A sees only model tools and cannot call others', async () => {
    const response = await api('PUT', '/api/settings', tokenA, { plugins: ['models'] });
    expect(response.status).toBe(200);
    expect((await response.json()).effective.tools.sort()).toEqual(['model_details', 'model_search']);
    const a = await client(tokenA);
    expect(await names(a)).toEqual(['model_details', 'model_search']);
    await expect(a.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toThrow(
      'Tool echo not found',
    );
    // Exactly what a tool nobody has looks like.
    await expect(a.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(
      'Tool no_such_tool not found',
    );
  });

  it('user B, without settings, gets the defaults; anonymous gets the anonymous set', async () => {
    expect(await names(await client(tokenB))).toEqual(
      expect.arrayContaining(['echo', 'hf_whoami', 'model_search']),
    );
    expect(await names(await client())).toEqual(['hf_whoami', 'hub_repo_details']);
  });

  it('?plugins= narrows but never widens past policy or settings', async () => {
    expect(await names(await client(tokenA, '?plugins=models,testkit'))).toEqual([
      'model_details',
      'model_search',
    ]);
    expect(await names(await client(tokenB, '?plugins=testkit&tools=echo,add'))).toEqual(['add', 'echo']);
    expect(await names(await client(undefined, '?plugins=models'))).toEqual([]);
  });

  it('refuses settings naming a plugin or tool that is not loaded', async () => {
    const response = await api('PUT', '/api/settings', tokenA, { plugins: ['models', 'datasetz'] });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(
      // gradio is available since it has a tool of its own (dynamic_space).
      /^plugins: no plugin 'datasetz' on this server \(available: hub, models, testkit, gradio\)/,
    );
    const tool = await api('PUT', '/api/settings', tokenA, {
      plugins: ['models'],
      disabledTools: ['model_serch'],
    });
    expect((await tool.json()).message).toBe("disabledTools: no tool 'model_serch' on this server");
  });

  it('announces a settings change on the event bus for that user only', async () => {
    const events: KernelEvent[] = [];
    const stop = toolhost.app.kernel.events.subscribe((event) => events.push(event));
    await api('PUT', '/api/settings', tokenA, { plugins: ['models'], disabledTools: ['model_details'] });
    stop();
    expect(events).toEqual([
      { type: 'list-changed', lists: ['tools', 'prompts', 'resources'], principalId: 'user:alice-local' },
    ]);
    expect(await names(await client(tokenA))).toEqual(['model_search']);
  });

  it('settings need a user: anonymous callers get a 401 challenge', async () => {
    const response = await api('GET', '/api/settings');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
  });

  it('lets operators with the admin token read and set any user’s settings', async () => {
    expect(
      (await api('PUT', '/api/users/user:bob-local/settings', tokenA, { plugins: ['hub'] })).status,
    ).toBe(401);
    const put = await api('PUT', '/api/users/user:bob-local/settings', ADMIN, {
      plugins: ['hub', 'testkit'],
      disabledTools: ['echo'],
    });
    expect(put.status).toBe(200);
    const got = await (await api('GET', '/api/users/user:bob-local/settings', ADMIN)).json();
    expect(got.settings).toEqual({ plugins: ['hub', 'testkit'], disabledTools: ['echo'], spaces: [] });
    const b = await names(await client(tokenB));
    expect(b).toContain('add');
    expect(b).not.toContain('echo');
    expect(b).not.toContain('model_search');
  });
});

describe('authentication failures', () => {
  it('answers an invalid token with 401 naming the resource metadata, which serves RFC 9728 JSON', async () => {
    const response = await postMcp(toolhost.mcpUrl, undefined, {
      authorization: 'Bearer th_not_a_real_token',
    });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    const metadataUrl = `${toolhost.baseUrl}/.well-known/oauth-protected-resource/mcp`;
    expect(challenge).toBe(
      `Bearer resource_metadata="${metadataUrl}", scope="openid profile", error="invalid_token", error_description="The Toolhost API token is unknown or revoked."`,
    );
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32001, message: 'The Toolhost API token is unknown or revoked.' },
      id: null,
    });
    const metadata = await fetch(metadataUrl);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await metadata.json()).toEqual({
      resource: toolhost.mcpUrl,
      authorization_servers: ['https://huggingface.co'],
      scopes_supported: ['openid', 'profile'],
      bearer_methods_supported: ['header'],
      resource_name: 'Toolhost',
    });
  });

  it('asks for a login on ?login even where anonymous access is allowed', async () => {
    const response = await postMcp(`${toolhost.mcpUrl}?login`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).not.toContain('error=');
  });

  it('accepts a Hugging Face token as that Hub user, with their plan', async () => {
    const c = await client(HF_ALICE);
    const who = await c.callTool({ name: 'who_calls', arguments: {} });
    expect(who.structuredContent).toMatchObject({ principal: 'hf:alice', kind: 'user', hasToken: true });
    const rejected = await postMcp(toolhost.mcpUrl, undefined, {
      authorization: 'Bearer hf_revoked_or_made_up_token_000',
    });
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('www-authenticate')).toContain('The Hugging Face Hub rejected the token');
  });
});

describe('quotas', () => {
  it('refuses the 4th 1-unit call on a 3-unit plan with the reset time; others are unaffected; invalid calls are free', async () => {
    await api('PUT', '/api/users/user:bob-local/settings', ADMIN, { plugins: ['testkit'] });
    const b = await client(tokenB);
    expect((await b.callTool({ name: 'echo', arguments: { text: 7 } })).isError).toBe(true); // invalid: not charged
    for (let i = 0; i < 3; i++)
      expect((await b.callTool({ name: 'echo', arguments: { text: `${i}` } })).isError).toBeUndefined();
    const refused = await b.callTool({ name: 'echo', arguments: { text: 'four' } });
    expect(refused.isError).toBe(true);
    expect((refused.content as { text: string }[])[0]!.text).toMatch(
      /^Quota exhausted: the free plan allows 3 units per 1h, 3 are used and this call costs 1\. It resets at \d{4}-\d\d-\d\dT\d\d:00:00\.000Z \(in \d+ (min|h)/,
    );
    expect((refused._meta as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    // Another user on the same plan still has their units.
    expect(
      (await (await client(tokenA)).callTool({ name: 'model_search', arguments: { limit: 1 } })).isError,
    ).toBeUndefined();
  });

  it('still counts after a restart (SQLite)', async () => {
    await toolhost.close();
    toolhost = await start();
    const b = await client(tokenB);
    const refused = await b.callTool({ name: 'echo', arguments: { text: 'after restart' } });
    expect(refused.isError).toBe(true);
    expect((refused.content as { text: string }[])[0]!.text).toMatch(
      /^Quota exhausted: the free plan allows 3 units/,
    );
  });
});

describe('logs', () => {
  it('never contain a token or the admin secret', () => {
    const log = captured.lines.join('\n');
    expect(log.length).toBeGreaterThan(1_000);
    for (const secret of [tokenA, tokenB, ADMIN, HF_ALICE, 'th_not_a_real_token'])
      expect(log).not.toContain(secret);
  });
});
