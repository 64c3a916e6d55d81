/**
 * Many instances behind a real load balancer: three `toolhost serve` processes (the
 * built CLI) sharing PostgreSQL (settings, tokens; a database of this run's own on
 * the machine's server) and Redis (quotas, the bus, the sessions' events and registry;
 * a redis-server this test starts, so it can crash and restart it), behind HAProxy
 * doing round robin with no stickiness. Real SDK clients through HAProxy prove:
 *
 * 1. quota exactness: of 60 concurrent calls on a 3-unit plan, exactly 3 run;
 * 2. a settings change (and a token revoked with the CLI) reaches every instance at once,
 *    and the user's streams wherever they are held;
 * 3. a 2025 session is served by any instance, and resumed (Last-Event-ID) on another;
 * 4. one instance SIGKILLed mid-load: clients retry, charged units match the calls that
 *    ran, nothing in settings or tokens is lost;
 * 5. Redis crashed and restarted mid-load: the quota policy holds (refused, retryable),
 *    nothing crashes or hangs, and service recovers within 10 s.
 *
 * Every wait is on an event or a condition, with generous limits: the machine is shared.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  createTestDatabase,
  eventually,
  freePort,
  Haproxy,
  Instance,
  OwnRedis,
  uniqueSuffix,
} from '../src/cluster';
import { connectClient, FIXTURES, runCli } from '../src/helpers';

const dir = mkdtempSync(join(tmpdir(), 'toolhost-cluster-'));
const manifestPath = join(dir, 'toolhost.config.yaml');
const keyPrefix = `toolhost-cluster-${uniqueSuffix()}:`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: OwnRedis;
let haproxy: Haproxy;
const instances: Instance[] = [];
const clients: Client[] = [];

function manifest(redisUrl: string, postgresUrl: string) {
  return {
    server: { logLevel: 'warn' },
    plugins: [{ use: join(FIXTURES, 'plugins/testkit.mjs') }],
    auth: { hf: false, rateLimit: false },
    stores: {
      redis: { url: redisUrl, keyPrefix },
      postgres: { url: postgresUrl },
      settings: 'postgres',
      tokens: 'postgres',
      quotas: 'redis',
      bus: 'redis',
      events: 'redis',
    },
    quotas: {
      plans: {
        three: { units: 3, per: '1h' },
        big: { units: 1_000_000, per: '1h' },
        anonymous: { units: 1_000_000, per: '1h' },
      },
    },
    transport: { sessions: true },
  };
}

/** `toolhost tokens create` against the cluster's stores: the token and its public id. */
async function createToken(user: string, plan: string): Promise<{ token: string; id: string }> {
  const result = await runCli(
    ['tokens', 'create', '--user', user, '--plan', plan, '--config', manifestPath],
    {
      env: { HF_HUB_OFFLINE: '1' },
      timeoutMs: 30_000,
    },
  );
  expect(result.code, result.stderr).toBe(0);
  const [token, note] = result.stdout.trim().split('\n') as [string, string];
  return { token, id: /# token (\w+) /.exec(note)![1]! };
}

const mcpUrl = () => `${haproxy.baseUrl}/mcp`;

async function modernClient(token: string, url = mcpUrl()): Promise<Client> {
  const client = await connectClient(url, { era: 'modern', token, name: 'cluster-modern' });
  clients.push(client);
  return client;
}

/** A 2025 session client through HAProxy; `getStreams()` counts the GET streams it has opened. */
async function sessionClient(
  token: string,
  name = 'cluster-session',
): Promise<{ client: Client; transport: StreamableHTTPClientTransport; getStreams: () => number }> {
  const client = new Client({ name, version: '1.0.0' });
  let getStreams = 0;
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl()), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if ((init?.method ?? 'GET') === 'GET' && response.ok) getStreams++;
      return response;
    },
    reconnectionOptions: {
      initialReconnectionDelay: 100,
      maxReconnectionDelay: 1_000,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: 100,
    },
  });
  await client.connect(transport);
  clients.push(client);
  return { client, transport, getStreams: () => getStreams };
}

function countToolListChanges(client: Client): { count: number } {
  const seen = { count: 0 };
  client.setNotificationHandler('notifications/tools/list_changed', () => {
    seen.count++;
  });
  return seen;
}

const textOf = (result: { content?: unknown }) =>
  (result.content as { text?: string }[] | undefined)?.[0]?.text ?? '';

function api(base: string, method: string, path: string, token: string, body?: unknown) {
  return fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

/** The quota units charged to a user in the current 1-hour window, read from Redis itself. */
async function chargedUnits(user: string): Promise<number> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    return Number((await client.get(`${keyPrefix}quota:user:${user}|1h:${start}`)) ?? 0);
  } finally {
    client.disconnect();
  }
}

/** The sum of a metric over every running instance. */
async function clusterMetric(name: string, labels: Record<string, string> = {}): Promise<number[]> {
  return Promise.all(instances.map((instance) => (instance.running ? instance.metric(name, labels) : 0)));
}

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), OwnRedis.start()]);
  writeFileSync(manifestPath, stringify(manifest(redis.url, database.url)));
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  for (const [i, port] of ports.slice(0, 3).entries())
    instances.push(new Instance(`toolhost${i + 1}`, port, manifestPath));
  // Started together: they migrate the new database one after the other.
  await Promise.all(instances.map((instance) => instance.start()));
  haproxy = new Haproxy(ports[3]!, dir);
  await haproxy.start(instances.map(({ name, port }) => ({ name, port })));
}, 120_000);

// Each proof's clients (and their streams) end with it, so the next one counts only its own.
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  await haproxy?.stop();
  await Promise.all(instances.map((instance) => instance.stop()));
  await redis?.stop();
  await database?.drop();
}, 60_000);

describe('three instances behind HAProxy', () => {
  it('1. charges quotas exactly: of 60 concurrent calls on a 3-unit plan, exactly 3 run', async () => {
    const { token } = await createToken('quota3', 'three');
    const group = await Promise.all(Array.from({ length: 6 }, () => modernClient(token)));
    const before = await clusterMetric('toolhost_tool_calls_total', { tool: 'echo' });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        group[i % group.length]!.callTool({ name: 'echo', arguments: { text: `call ${i}` } }),
      ),
    );
    const ran = results.filter((result) => !result.isError);
    const refused = results.filter((result) => result.isError);
    expect(ran).toHaveLength(3);
    expect(refused).toHaveLength(57);
    for (const result of refused)
      expect(textOf(result)).toMatch(/^Quota exhausted: the three plan allows 3 units per 1h/);
    expect(await chargedUnits('quota3')).toBe(3);
    // Round robin spread the calls over every instance: the exactness is across instances.
    const after = await clusterMetric('toolhost_tool_calls_total', { tool: 'echo' });
    const served = after.map((count, i) => count - before[i]!);
    expect(served.reduce((a, b) => a + b, 0)).toBe(60);
    for (const count of served) expect(count).toBeGreaterThan(0);
  }, 180_000);

  it("2. a settings change on one instance reaches the user's streams on others, and every instance's cache", async () => {
    const { token } = await createToken('ada', 'big');
    const session = await sessionClient(token, 'cluster-live');
    const modern = await modernClient(token);
    const seen = { legacy: countToolListChanges(session.client), modern: countToolListChanges(modern) };
    await modern.listen({ toolsListChanged: true });
    // Each instance has read (and cached) ada's tools before the change.
    const direct = await Promise.all(
      instances.map((instance) => modernClient(token, `${instance.baseUrl}/mcp`)),
    );
    for (const client of direct)
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
    await eventually(() => session.getStreams() > 0 || undefined, "the session's GET stream to open");
    const sentBefore = (await clusterMetric('toolhost_list_changed_sent_total', { list: 'tools' })).reduce(
      (a, b) => a + b,
    );

    // One change made on each instance in turn: at least two are made away from each stream.
    const disabled = ['add', 'slow', 'echo'];
    for (const [i, instance] of instances.entries()) {
      const put = await api(instance.baseUrl, 'PUT', '/api/settings', token, {
        plugins: ['testkit'],
        disabledTools: [disabled[i]!],
      });
      expect(put.status).toBe(200);
      await eventually(
        () => (seen.legacy.count === i + 1 && seen.modern.count === i + 1) || undefined,
        `tools/list_changed for the change made on ${instance.name}`,
      );
      // Every instance serves the new settings at once, not after its cache expires.
      for (const client of direct) {
        const tools = (await client.listTools()).tools.map((t) => t.name);
        expect(tools).not.toContain(disabled[i]);
        if (i > 0) expect(tools).toContain(disabled[i - 1]);
      }
    }
    // Exactly once per stream: the instances holding copies of the session did not each send it.
    await session.client.ping();
    expect(seen.legacy.count).toBe(3);
    expect(seen.modern.count).toBe(3);
    const sentAfter = (await clusterMetric('toolhost_list_changed_sent_total', { list: 'tools' })).reduce(
      (a, b) => a + b,
    );
    expect(sentAfter - sentBefore).toBe(6);
  }, 180_000);

  it('2b. a token revoked with the CLI stops working on every instance at once', async () => {
    const { token, id } = await createToken('eve', 'big');
    // Every instance has checked (and cached) the token.
    for (const instance of instances) {
      expect((await api(instance.baseUrl, 'GET', '/api/settings', token)).status).toBe(200);
    }
    const revoked = await runCli(['tokens', 'revoke', id, '--config', manifestPath], {
      env: { HF_HUB_OFFLINE: '1' },
    });
    expect(revoked.code, revoked.stderr).toBe(0);
    for (const instance of instances) {
      await eventually(
        async () => (await api(instance.baseUrl, 'GET', '/api/settings', token)).status === 401 || undefined,
        `${instance.name} to refuse the revoked token`,
      );
    }
  }, 180_000);

  it('3. serves a 2025 session on any instance, resumes its stream on another, and deletes it everywhere', async () => {
    const { token } = await createToken('sam', 'big');
    const { client, transport } = await sessionClient(token, 'cluster-roaming');
    const sessionId = transport.sessionId!;
    const before = await clusterMetric('toolhost_tool_calls_total', { tool: 'echo' });
    for (let i = 0; i < 9; i++) {
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: `hop ${i}` } }))).toBe(
        `hop ${i}`,
      );
    }
    expect(transport.sessionId).toBe(sessionId);
    const after = await clusterMetric('toolhost_tool_calls_total', { tool: 'echo' });
    // Round robin: every instance served calls of the one session.
    for (const [i, count] of after.entries()) expect(count - before[i]!).toBeGreaterThan(0);

    // Raw HTTP to named instances: a tools/call answered on one, its stream resumed on another.
    const [first, second, third] = instances as [Instance, Instance, Instance];
    const headers = {
      authorization: `Bearer ${token}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
      accept: 'application/json, text/event-stream',
    };
    const answered = await fetch(`${first.baseUrl}/mcp`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 77,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'resume me' } },
      }),
    });
    const events = [...(await answered.text()).matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
    // The priming event (empty data) comes first; the answer after it.
    expect(events.length).toBeGreaterThanOrEqual(2);
    const resumed = await fetch(`${second.baseUrl}/mcp`, {
      headers: { ...headers, 'last-event-id': events[0]! },
    });
    expect(resumed.status).toBe(200);
    const replay = await resumed.text();
    expect(replay).toContain(`id: ${events[1]}`);
    expect(replay).toContain('"id":77');
    expect(replay).toContain('resume me');

    // DELETE on a third instance ends it everywhere.
    const deleted = await fetch(`${third.baseUrl}/mcp`, { method: 'DELETE', headers });
    expect(deleted.status).toBe(200);
    for (const instance of instances) {
      await eventually(async () => {
        const response = await fetch(`${instance.baseUrl}/mcp`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        });
        return response.status === 404 || undefined;
      }, `${instance.name} to forget the deleted session`);
    }
  }, 180_000);

  it('4. one instance SIGKILLed mid-load: clients retry, charged units match the calls that ran, nothing saved is lost', async () => {
    const users = ['load1', 'load2', 'load3', 'load4'];
    const tokens = await Promise.all(users.map((user) => createToken(user, 'big')));
    const perClient = 25;
    const tally = users.map(() => ({ ok: 0, unknown: 0 }));
    let total = 0;
    /** One client per user calling until `perClient` calls have succeeded, retrying what fails. */
    const load = tokens.map(async ({ token }, i) => {
      const client =
        i === 0 ? (await sessionClient(token, 'cluster-load-session')).client : await modernClient(token);
      while (tally[i]!.ok < perClient) {
        try {
          const result = await client.callTool(
            { name: 'echo', arguments: { text: 'x' } },
            { timeout: 10_000 },
          );
          if (result.isError) throw new Error(textOf(result));
          tally[i]!.ok++;
          total++;
        } catch {
          // The outcome is unknown (a cut connection, a timeout): the client tries again.
          tally[i]!.unknown++;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    });
    // Saved while the load runs: settings of several users, and tokens made with the CLI.
    const savers = await Promise.all(['keep1', 'keep2', 'keep3'].map((user) => createToken(user, 'big')));
    const saved: { token: string; disabled: string }[] = [];
    const saving = (async () => {
      for (const [i, { token }] of savers.entries()) {
        const disabled = ['add', 'slow', 'progress'][i]!;
        for (;;) {
          const put = await api(haproxy.baseUrl, 'PUT', '/api/settings', token, {
            plugins: ['testkit'],
            disabledTools: [disabled],
          }).catch(() => undefined);
          if (put?.status === 200) break;
        }
        saved.push({ token, disabled });
      }
    })();

    await eventually(() => total >= 30 || undefined, 'the load to get going', 60_000);
    const victim = instances[1]!;
    await victim.kill();
    const madeAfterKill = await createToken('born-after-kill', 'big');
    await Promise.all([...load, saving]);

    for (const [i, user] of users.entries()) {
      const charged = await chargedUnits(user);
      // Every successful call was charged once; a unit charged beyond them belongs to a call cut off
      // by the kill after it was charged (its client saw the connection drop, so it is counted as unknown).
      expect(charged, user).toBeGreaterThanOrEqual(tally[i]!.ok);
      expect(charged, user).toBeLessThanOrEqual(tally[i]!.ok + tally[i]!.unknown);
    }
    // Nothing saved is lost: the settings and every token, through the instances left.
    for (const { token, disabled } of saved) {
      const response = await api(haproxy.baseUrl, 'GET', '/api/settings', token);
      expect(response.status).toBe(200);
      expect((await response.json()).settings.disabledTools).toEqual([disabled]);
    }
    const listed = await runCli(['tokens', 'list', '--config', manifestPath], {
      env: { HF_HUB_OFFLINE: '1' },
    });
    for (const { id } of [...tokens, ...savers, madeAfterKill]) expect(listed.stdout).toContain(id);
    expect((await api(haproxy.baseUrl, 'GET', '/api/settings', madeAfterKill.token)).status).toBe(200);

    // The killed instance comes back into the rotation.
    await victim.start();
  }, 180_000);

  it('5. Redis crashed and restarted mid-load: the quota policy holds, nothing hangs, service is back within 10 s', async () => {
    const { token } = await createToken('steady', 'big');
    const watcher = await sessionClient(token, 'cluster-watcher');
    const relisted = countToolListChanges(watcher.client);
    await eventually(() => watcher.getStreams() > 0 || undefined, "the watcher's GET stream to open");
    const group = await Promise.all(Array.from({ length: 4 }, () => modernClient(token)));
    const outcomes = { ok: 0, refused: 0, other: [] as string[] };
    let running = true;
    const load = group.map(async (client) => {
      while (running) {
        try {
          const result = await client.callTool(
            { name: 'echo', arguments: { text: 'x' } },
            { timeout: 15_000 },
          );
          if (!result.isError) outcomes.ok++;
          else if (
            /^The quota store is unavailable, so this call was not run and nothing was charged; try again/.test(
              textOf(result),
            )
          ) {
            expect(result._meta).toMatchObject({ retryAfter: 5 });
            outcomes.refused++;
          } else outcomes.other.push(textOf(result));
        } catch (error) {
          outcomes.other.push(String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await eventually(() => outcomes.ok >= 20 || undefined, 'the load to get going', 60_000);

    await redis.stop();
    // Refused, retryable, while Redis is down; readiness says why, liveness stays.
    await eventually(
      () => outcomes.refused >= 10 || undefined,
      'calls refused under the closed policy',
      60_000,
    );
    // From here until Redis is back, no call runs: none can be charged.
    const okOnceRefusing = outcomes.ok;
    for (const instance of instances) {
      const ready = await eventually(async () => {
        const response = await fetch(`${instance.baseUrl}/readyz`);
        return response.status === 503
          ? ((await response.json()) as { stores: Record<string, { status: string }> })
          : undefined;
      }, `${instance.name} to report not ready`);
      expect(ready.stores['quotas']).toEqual({ kind: 'redis', status: 'unavailable' });
      expect(ready.stores['bus']).toEqual({ kind: 'redis', status: 'unavailable' });
      expect(ready.stores['settings']).toEqual({ kind: 'postgres', status: 'ok' });
      expect((await fetch(`${instance.baseUrl}/healthz`)).status).toBe(200);
    }
    const okDuringOutage = outcomes.ok;
    expect(okDuringOutage).toBe(okOnceRefusing);

    await redis.start();
    const restarted = Date.now();
    // Back: calls run again through every instance, readiness returns, and the bus, once
    // reconnected, tells open streams to re-list.
    await eventually(() => outcomes.ok > okDuringOutage + 10 || undefined, 'calls to run again', 30_000);
    for (const instance of instances) {
      await eventually(
        async () => (await fetch(`${instance.baseUrl}/readyz`)).status === 200 || undefined,
        `${instance.name} ready again`,
        30_000,
      );
      const direct = await modernClient(token, `${instance.baseUrl}/mcp`);
      await eventually(
        async () => !(await direct.callTool({ name: 'echo', arguments: { text: 'y' } })).isError || undefined,
        `${instance.name} to run calls again`,
        30_000,
      );
    }
    const recoveredMs = Date.now() - restarted;
    await eventually(
      () => relisted.count >= 1 || undefined,
      'tools/list_changed after the bus reconnected',
      30_000,
    );
    running = false;
    await Promise.all(load);

    expect(recoveredMs).toBeLessThan(10_000);
    expect(outcomes.other).toEqual([]);
    for (const instance of instances) expect(instance.running).toBe(true);
    const storeErrors = await clusterMetric('toolhost_store_errors_total', { store: 'quotas' });
    expect(storeErrors.reduce((a, b) => a + b)).toBeGreaterThan(0);
  }, 180_000);
});
