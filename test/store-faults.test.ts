/**
 * A failing state store, end to end over real HTTP with a real SDK client: tool calls
 * answer an `isError` result a model can act on, the settings API answers 503 with a
 * JSON error, `/readyz` says which store fails while `/healthz` stays 200, and the
 * process keeps serving and recovers with the store. The faults are real: the SQLite
 * connection is switched to read-only (`PRAGMA query_only`, what root cannot get from
 * chmod) and then closed underneath the server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { newToken } from '@toolhost/core/ports';
import { buildApp, SqliteDatabase, SqliteTokenStore } from '@toolhost/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, FIXTURES, memoryLogger, type RunningToolhost, startToolhost } from './src/helpers';

const dir = mkdtempSync(join(tmpdir(), 'toolhost-store-faults-'));
const captured = memoryLogger('info');
let toolhost: RunningToolhost;
let token: string;
const clients: Client[] = [];

const api = (method: string, path: string, body?: string) =>
  fetch(`${toolhost.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body }),
  });

async function client(withToken: boolean) {
  const c = await connectClient(toolhost.mcpUrl, { era: 'legacy', ...(withToken && { token }) });
  clients.push(c);
  return c;
}

/** A Toolhost API token for `user`, made over a second connection to the file, as `toolhost tokens create` does. */
async function createToken(path: string, user: string): Promise<string> {
  const database = new SqliteDatabase(path);
  try {
    const made = newToken(user, 'free');
    await new SqliteTokenStore(database).insert(made.hash, made.record);
    return made.token;
  } finally {
    database.close();
  }
}

const text = (result: { content?: unknown }) => (result.content as { text: string }[])[0]!.text;
const database = () => toolhost.app.stores.database!.db;

beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [{ use: join(FIXTURES, 'plugins/testkit.mjs') }],
      stores: { default: 'sqlite', path: join(dir, 'state', 'toolhost.db') },
      quotas: { plans: { free: { units: 100, per: '1h' }, anonymous: { units: 100, per: '1h' } } },
    },
    baseDir: dir,
    logger: captured.logger,
  });
  token = await createToken(join(dir, 'state', 'toolhost.db'), 'ada');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await toolhost?.close();
});

describe('a store that fails under a running server', () => {
  it('is ready while every store serves; liveness is separate', async () => {
    const ready = await fetch(`${toolhost.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      stores: {
        settings: { kind: 'sqlite', status: 'ok' },
        quotas: { kind: 'sqlite', status: 'ok' },
        tokens: { kind: 'sqlite', status: 'ok' },
      },
    });
    expect((await fetch(`${toolhost.baseUrl}/healthz`)).status).toBe(200);
  });

  it('answers, keeps serving and recovers while the database is read-only', async () => {
    const user = await client(true);
    const anonymous = await client(false);
    expect(text(await user.callTool({ name: 'echo', arguments: { text: 'before' } }))).toBe('before');
    expect((await api('PUT', '/api/settings', JSON.stringify({ plugins: ['testkit'] }))).status).toBe(200);

    database().pragma('query_only = ON');
    try {
      // Charging the quota writes: the call does not run, and says so in words a model can act on.
      for (const c of [user, anonymous]) {
        const refused = await c.callTool({ name: 'echo', arguments: { text: 'during' } });
        expect(refused.isError).toBe(true);
        expect(text(refused)).toMatch(
          /^The quota store is unavailable, so this call was not run .*try again/,
        );
        expect(refused._meta).toMatchObject({ retryAfter: 5 });
      }

      const put = await api('PUT', '/api/settings', JSON.stringify({ plugins: [] }));
      expect(put.status).toBe(503);
      expect(put.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await put.json()).toEqual({
        error: 'Service Unavailable',
        message: 'the settings store is unavailable; try again',
      });

      const ready = await fetch(`${toolhost.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      const body = await ready.json();
      expect(body).toEqual({
        status: 'unavailable',
        message: 'Not ready: the settings, quota and token stores are unavailable.',
        stores: {
          settings: { kind: 'sqlite', status: 'unavailable' },
          quotas: { kind: 'sqlite', status: 'unavailable' },
          tokens: { kind: 'sqlite', status: 'unavailable' },
        },
      });
      expect(JSON.stringify(body)).not.toContain(dir);

      // Liveness and everything that needs no write still work.
      expect((await fetch(`${toolhost.baseUrl}/healthz`)).status).toBe(200);
      expect((await anonymous.listTools()).tools.map((t) => t.name)).toContain('echo');
      expect((await api('GET', '/api/settings')).status).toBe(200);
    } finally {
      database().pragma('query_only = OFF');
    }

    expect((await fetch(`${toolhost.baseUrl}/readyz`)).status).toBe(200);
    expect(text(await user.callTool({ name: 'echo', arguments: { text: 'after' } }))).toBe('after');
    // The failed PUT left the settings as they were.
    expect((await (await api('GET', '/api/settings')).json()).settings.plugins).toEqual(['testkit']);
    // The operator learns why, once per change of readiness, from the log.
    const logged = captured.lines.map((line) => JSON.parse(line) as { msg: string; store?: string });
    expect(logged.filter((line) => line.msg === 'not ready: the quotas store fails')).toHaveLength(1);
    expect(logged.filter((line) => line.msg === 'the quotas store serves again')).toHaveLength(1);
    expect(captured.lines.some((line) => line.includes('attempt to write a readonly database'))).toBe(true);
  });

  it('answers 503, never a 500, once the database is closed underneath it', async () => {
    const anonymous = await client(false);
    await api('PUT', '/api/settings', JSON.stringify({ plugins: ['testkit'] }));
    database().close();

    const refused = await anonymous.callTool({ name: 'echo', arguments: { text: 'x' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^The quota store is unavailable/);

    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', '{"plugins":[]}'],
    ] as const) {
      const response = await api(method, '/api/settings', body);
      expect(response.status, method).toBe(503);
      expect(await response.json()).toEqual({
        error: 'Service Unavailable',
        message: 'the settings store is unavailable; try again',
      });
    }
    // A user whose token and settings this instance knows keeps being served while the store is
    // down: their token from the identity cache, their settings from the last copy read or written.
    const mcp = (bearer: string) =>
      fetch(toolhost.mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    const known = await mcp(token);
    expect(known.status).toBe(200);
    expect(await known.text()).toContain('"echo"');
    // An MCP request that needs a store read answers a retryable 503 with a JSON-RPC error:
    // a token never seen before.
    for (const [bearer, message] of [
      [newToken('grace', 'free').token, 'the token store is unavailable; try again'],
    ] as const) {
      const response = await mcp(bearer);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32000, message } });
    }

    expect((await fetch(`${toolhost.baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${toolhost.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('/readyz with memory stores', () => {
  it('is always ready, and never rate-limited: a prober is not turned away', async () => {
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      manifest: {
        plugins: [{ use: join(FIXTURES, 'plugins/testkit.mjs') }],
        stores: { default: 'memory' },
        auth: { rateLimit: { max: 1, per: '1h' } },
      },
    });
    try {
      for (let i = 0; i < 3; i++) {
        const ready = await app.inject('/readyz');
        expect(ready.statusCode).toBe(200);
        expect(ready.json().stores.quotas).toEqual({ kind: 'memory', status: 'ok' });
      }
      // The same address is limited elsewhere.
      await app.inject('/api/settings');
      expect((await app.inject('/api/settings')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe('PUT /api/settings with a body that is not a JSON object', () => {
  it.each([
    ['null', 'null'],
    ['[]', 'an array'],
    ['"x"', 'a string'],
    ['1', 'a number'],
    ['true', 'a boolean'],
    [undefined, 'no body'],
  ])('%s is a 400 and the user keeps their tools', async (body, what) => {
    const path = join(mkdtempSync(join(tmpdir(), 'toolhost-settings-body-')), 'toolhost.db');
    const own = await startToolhost({
      manifest: {
        plugins: [{ use: join(FIXTURES, 'plugins/testkit.mjs') }],
        stores: { default: 'sqlite', path },
        access: { defaults: [] },
      },
    });
    try {
      const userToken = await createToken(path, 'lin');
      const put = (text: string | undefined) =>
        fetch(`${own.baseUrl}/api/settings`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${userToken}`,
            ...(text !== undefined && { 'content-type': 'application/json' }),
          },
          ...(text !== undefined && { body: text }),
        });
      expect((await put('{"plugins":["testkit"],"disabledTools":["slow"]}')).status).toBe(200);

      const refused = await put(body);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        error: 'Bad Request',
        message: `The body must be a JSON object such as {"plugins": ["hub"], "disabledTools": []}; got ${what}. Settings are unchanged.`,
      });

      const c = await connectClient(own.mcpUrl, { era: 'legacy', token: userToken });
      try {
        const tools = (await c.listTools()).tools.map((t) => t.name);
        expect(tools).toContain('echo');
        expect(tools).not.toContain('slow');
      } finally {
        await c.close();
      }
    } finally {
      await own.close();
    }
  });
});
