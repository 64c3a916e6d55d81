/**
 * The Redis and PostgreSQL stores against the machine's real servers (a database and
 * a key prefix of this run's own): quota charges stay exact under concurrency from
 * several connections (as from several instances), migrations run once when processes
 * start together, the bus carries events between instances, a session's events replay
 * through another connection, and a store that cannot be reached at start is a
 * one-line error without the URL's password.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelEvent, QuotaStore } from '@toolhost/core/ports';
import { newToken } from '@toolhost/core/ports';
import { parseManifest } from '@toolhost/server';
import {
  PostgresDatabase,
  PostgresQuotaStore,
  PostgresSettingsStore,
  PostgresTokenStore,
  RedisConnection,
  RedisEventBus,
  RedisQuotaStore,
  RedisSessionEventStores,
  RedisSessionRegistry,
} from '@toolhost/server/shared-stores';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, eventually, freePort, SHARED_REDIS_URL, uniqueSuffix } from './src/cluster';
import { FIXTURES, runCli } from './src/helpers';

const prefix = `toolhost-test-${uniqueSuffix()}:`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const closing: (() => unknown)[] = [];

async function redis(): Promise<RedisConnection> {
  const connection = await RedisConnection.open(SHARED_REDIS_URL, prefix, 2_000);
  closing.push(() => connection.close());
  return connection;
}

async function postgres(): Promise<PostgresDatabase> {
  const opened = await PostgresDatabase.open(database.url, 5_000);
  closing.push(() => opened.close());
  return opened;
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const close of closing.reverse()) await close();
  await database?.drop();
  // Only this run's keys, by their prefix: the machine's Redis is shared.
  const cleaner = new Redis(SHARED_REDIS_URL);
  const keys = await cleaner.keys(`${prefix}*`);
  if (keys.length > 0) await cleaner.del(...keys);
  cleaner.disconnect();
});

/** `calls` concurrent charges of one unit against a `limit`-unit window, spread over the stores. */
async function chargeConcurrently(stores: QuotaStore[], calls: number, limit: number) {
  const key = `account-${uniqueSuffix()}|1h`;
  const now = Date.now();
  const results = await Promise.all(
    Array.from({ length: calls }, (_, i) => stores[i % stores.length]!.charge(key, 1, limit, 3_600_000, now)),
  );
  return results;
}

describe('quota charges across instances', () => {
  it('Redis: of 60 concurrent charges over three connections, exactly the 3 units pass', async () => {
    const stores = [
      new RedisQuotaStore(await redis()),
      new RedisQuotaStore(await redis()),
      new RedisQuotaStore(await redis()),
    ];
    const results = await chargeConcurrently(stores, 60, 3);
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.used)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(results.filter((r) => !r.allowed).every((r) => r.used === 3)).toBe(true);
  });

  it('PostgreSQL: of 60 concurrent charges over three pools, exactly the 3 units pass; a new window starts empty', async () => {
    const stores = [
      new PostgresQuotaStore(await postgres()),
      new PostgresQuotaStore(await postgres()),
      new PostgresQuotaStore(await postgres()),
    ];
    const results = await chargeConcurrently(stores, 60, 3);
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(results.filter((r) => !r.allowed).every((r) => r.used === 3)).toBe(true);

    const key = `window-${uniqueSuffix()}`;
    const store = stores[0]!;
    expect((await store.charge(key, 2, 2, 60_000, 60_000)).allowed).toBe(true);
    expect(await store.charge(key, 1, 2, 60_000, 60_001)).toMatchObject({ allowed: false, used: 2 });
    expect(await store.charge(key, 1, 2, 60_000, 120_000)).toMatchObject({
      allowed: true,
      used: 1,
      resetAt: 180_000,
    });
    // A cost above the whole plan never passes, and charges nothing.
    expect(await store.charge(key, 5, 2, 60_000, 120_001)).toMatchObject({ allowed: false, used: 1 });
  });
});

describe('PostgreSQL settings and tokens', () => {
  it('migrates once when several processes open a new database together, and serves from any of them', async () => {
    const fresh = await createTestDatabase();
    try {
      const pools = await Promise.all(
        Array.from({ length: 4 }, () => PostgresDatabase.open(fresh.url, 5_000)),
      );
      try {
        const { rows } = await pools[0]!.pool.query('SELECT version FROM toolhost_schema');
        expect(rows).toEqual([{ version: 1 }]);
        const made = newToken('ada', 'pro');
        await new PostgresTokenStore(pools[1]!).insert(made.hash, made.record);
        expect(await new PostgresTokenStore(pools[2]!).find(made.hash)).toEqual(made.record);
        expect(await new PostgresTokenStore(pools[3]!).revoke(made.record.id)).toBe(true);
        expect(await new PostgresTokenStore(pools[0]!).find(made.hash)).toBeUndefined();
        await new PostgresSettingsStore(pools[0]!).put('user:ada', {
          plugins: ['hub'],
          disabledTools: ['x'],
        });
        expect(await new PostgresSettingsStore(pools[1]!).get('user:ada')).toEqual({
          plugins: ['hub'],
          disabledTools: ['x'],
        });
        expect(await new PostgresSettingsStore(pools[1]!).get('user:nobody')).toBeUndefined();
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    } finally {
      await fresh.drop();
    }
  });
});

describe('the Redis event bus', () => {
  it('delivers an event here at once and on the other instances once, never twice here', async () => {
    const [a, b] = [new RedisEventBus(await redis()), new RedisEventBus(await redis())];
    await Promise.all([a.start(), b.start()]);
    const seenA: KernelEvent[] = [];
    const seenB: KernelEvent[] = [];
    a.subscribe((event) => seenA.push(event));
    b.subscribe((event) => seenB.push(event));
    const event: KernelEvent = { type: 'list-changed', lists: ['tools'], principalId: 'user:ada' };
    await a.publish(event);
    expect(seenA).toEqual([event]);
    await eventually(() => seenB.length === 1 || undefined, 'the event on the other instance', 10_000);
    await b.publish({ type: 'token-revoked', tokenId: 'abc' });
    await eventually(() => seenA.length === 2 || undefined, 'the revocation on the first instance', 10_000);
    expect(seenA[1]).toEqual({ type: 'token-revoked', tokenId: 'abc' });
    expect(seenB).toEqual([event, { type: 'token-revoked', tokenId: 'abc' }]);
    await expect(a.ping()).resolves.toBeUndefined();
  });
});

describe('sessions on Redis', () => {
  it("replays a session's events after a Last-Event-ID through another connection, only that stream's", async () => {
    const one = new RedisSessionEventStores(await redis(), 60_000).forSession('s1');
    const other = new RedisSessionEventStores(await redis(), 60_000).forSession('s1');
    const first = await one.storeEvent('streamA', { jsonrpc: '2.0', method: 'a1' });
    await one.storeEvent('streamB', { jsonrpc: '2.0', method: 'b1' });
    const second = await one.storeEvent('streamA', { jsonrpc: '2.0', method: 'a2' });
    expect(await other.getStreamIdForEventId?.(first)).toBe('streamA');
    const replayed: [string, unknown][] = [];
    const stream = await other.replayEventsAfter(first, {
      send: async (id, message) => {
        replayed.push([id, message]);
      },
    });
    expect(stream).toBe('streamA');
    expect(replayed).toEqual([[second, { jsonrpc: '2.0', method: 'a2' }]]);
    // Another session's store does not know the id.
    const elsewhere = new RedisSessionEventStores(await redis(), 60_000).forSession('s2');
    expect(await elsewhere.getStreamIdForEventId?.(first)).toBeUndefined();
    await expect(elsewhere.replayEventsAfter(first, { send: async () => {} })).rejects.toThrow(
      /Unknown event id/,
    );
  });

  it('registers, touches and deletes a session record any instance reads', async () => {
    const registry = new RedisSessionRegistry(await redis());
    const record = {
      id: 'sess-1',
      account: 'user:ada',
      principalId: 'user:ada',
      anonymous: false,
      initialize: { protocolVersion: '2025-11-25' },
    };
    await registry.put(record, 60_000);
    expect(await new RedisSessionRegistry(await redis()).get('sess-1')).toEqual(record);
    await registry.touch('sess-1', 60_000);
    await registry.delete('sess-1');
    expect(await registry.get('sess-1')).toBeUndefined();
  });
});

describe('a shared store that cannot be reached at start', () => {
  it('Redis: a one-line StoreOpenError naming the URL without its password, quickly', async () => {
    const port = await freePort();
    const error = await RedisConnection.open(`redis://:hunter2@127.0.0.1:${port}/0`, prefix, 1_000).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('StoreOpenError');
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0: .*ECONNREFUSED`),
    );
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).not.toContain('\n');
  });

  it('PostgreSQL: a one-line StoreOpenError without the password', async () => {
    const port = await freePort();
    const error = await PostgresDatabase.open(`postgres://postgres:hunter2@127.0.0.1:${port}/x`, 1_000).catch(
      (e: Error) => e,
    );
    expect((error as Error).name).toBe('StoreOpenError');
    expect((error as Error).message).toMatch(
      /^cannot use PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/x: /,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('toolhost serve and toolhost tokens stop with that one line and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolhost-unreachable-'));
    const [redisPort, postgresPort] = await Promise.all([freePort(), freePort()]);
    const config = join(dir, 'toolhost.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        plugins: [{ use: join(FIXTURES, 'plugins/testkit.mjs') }],
        stores: {
          redis: { url: `redis://127.0.0.1:${redisPort}/0` },
          postgres: { url: `postgres://postgres:hunter2@127.0.0.1:${postgresPort}/toolhost` },
          tokens: 'postgres',
          quotas: 'redis',
        },
      }),
    );
    const serve = await runCli(['serve', '--config', config, '--port', '0'], { timeoutMs: 30_000 });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(
      new RegExp(
        `^toolhost: cannot reach Redis at redis://127\\.0\\.0\\.1:${redisPort}/0: .*ECONNREFUSED.*\\n$`,
      ),
    );
    const tokens = await runCli(['tokens', 'list', '--config', config], { timeoutMs: 30_000 });
    expect(tokens.code).toBe(1);
    expect(tokens.stderr).toMatch(
      /^toolhost: cannot use PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/toolhost: [^\n]+\n$/,
    );
  });

  it('a manifest sharing sessions without sharing the bus is refused, saying why', () => {
    expect(() =>
      parseManifest({ plugins: [{ use: 'x' }], stores: { events: 'redis' } }, 'toolhost.config.yaml'),
    ).toThrow(
      'toolhost.config.yaml: stores.events: events: redis needs bus: redis (instances serving a shared session must hear when it is deleted or its lists change)',
    );
  });
});
