/**
 * Image links behind a load balancer (issue 17 follow-up): with `stores.resultLinks:
 * redis` an image taken out of a result on one instance reads through its
 * `toolhost://results/<id>` link on another, for the caller who made it and nobody
 * else. Two real Toolhost instances on the shared Redis (a key prefix of this run's
 * own, never flushed), real SDK clients over real HTTP; the Redis store's expiry is
 * checked on Redis itself (PTTL, then the key going away), not with a sleep.
 */
import type { Client } from '@modelcontextprotocol/client';
import { decodedBytes, newToken } from '@toolhost/core/ports';
import { RedisConnection, RedisResultLinkStore } from '@toolhost/server/shared-stores';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_BASE64 } from '../plugins/conformance/src/media';
import { eventually, SHARED_REDIS_URL, uniqueSuffix } from './src/cluster';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';

type Block = { type: string; uri?: string; mimeType?: string };

const prefix = `toolhost-test-${uniqueSuffix()}:`;
const redis = new Redis(SHARED_REDIS_URL);
const clients: Client[] = [];
let first: RunningToolhost;
let second: RunningToolhost;
let aliceToken: string;
let bobToken: string;

beforeAll(async () => {
  const stores = {
    default: 'memory',
    resultLinks: 'redis',
    redis: { url: SHARED_REDIS_URL, keyPrefix: prefix },
  } as const;
  const manifest = {
    plugins: [{ use: '@toolhost/plugin-conformance' }],
    auth: { hf: false as const },
    stores,
  };
  first = await startToolhost({ manifest });
  second = await startToolhost({ manifest });
  // Tokens stay in each instance's memory here: both instances learn the same ones.
  const alice = newToken('alice', 'free');
  const bob = newToken('bob', 'free');
  for (const instance of [first, second]) {
    await instance.app.kernel.tokens.insert(alice.hash, alice.record);
    await instance.app.kernel.tokens.insert(bob.hash, bob.record);
  }
  aliceToken = alice.token;
  bobToken = bob.token;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await first?.close();
  await second?.close();
  // Only this run's keys, by their prefix: the machine's Redis is shared.
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function connect(instance: RunningToolhost, query: string, token?: string): Promise<Client> {
  const client = await connectClient(`${instance.mcpUrl}${query}`, {
    era: 'modern',
    ...(token && { token }),
  });
  clients.push(client);
  return client;
}

describe('image links in Redis (stores.resultLinks: redis)', () => {
  it('a link made through one instance reads through the other, for its owner only', async () => {
    const onFirst = await connect(first, '?no_image_content', aliceToken);
    const result = (await onFirst.callTool({ name: 'test_multiple_content_types', arguments: {} })) as {
      content: Block[];
    };
    const link = result.content[1]!;
    expect(link).toMatchObject({ type: 'resource_link', mimeType: 'image/png' });
    expect(link.uri).toMatch(/^toolhost:\/\/results\//);
    const uri = link.uri!;

    const aliceOnSecond = await connect(second, '', aliceToken);
    expect((await aliceOnSecond.readResource({ uri })).contents).toEqual([
      { uri, mimeType: 'image/png', blob: PNG_BASE64 },
    ]);
    const bobOnSecond = await connect(second, '', bobToken);
    await expect(bobOnSecond.readResource({ uri })).rejects.toThrow(/not found/i);
    const anonymousOnSecond = await connect(second, '');
    await expect(anonymousOnSecond.readResource({ uri })).rejects.toThrow(/not found/i);
    await expect(aliceOnSecond.readResource({ uri: 'toolhost://results/never-made' })).rejects.toThrow(
      /not found/i,
    );
  });

  it('/readyz reports the image link store', async () => {
    const ready = await fetch(`${second.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { stores: Record<string, unknown> }).stores['resultLinks']).toEqual({
      kind: 'redis',
      status: 'ok',
    });
  });
});

describe('image links while Redis is gone', () => {
  it('a call keeps its result with a note in place of the image; a read is a retryable error', async () => {
    const alone = await startToolhost({
      manifest: {
        plugins: [{ use: '@toolhost/plugin-conformance' }],
        auth: { hf: false },
        stores: {
          default: 'memory',
          resultLinks: 'redis',
          redis: { url: SHARED_REDIS_URL, keyPrefix: prefix },
        },
      },
    });
    try {
      const client = await connect(alone, '?no_image_content');
      // This instance's own connection, closed for good (no reconnecting): every command fails at once.
      alone.app.stores.redis!.client.disconnect();
      const result = (await client.callTool({ name: 'test_multiple_content_types', arguments: {} })) as {
        content: (Block & { text?: string })[];
        isError?: boolean;
      };
      expect(result.isError).toBeFalsy();
      expect(result.content[1]).toEqual({
        type: 'text',
        text: expect.stringMatching(
          /^\[image 1 \(image\/png, \d+ bytes\) left out: the image link store is unavailable\]$/,
        ),
      });
      await expect(client.readResource({ uri: 'toolhost://results/any' })).rejects.toThrow(
        /image link store is unavailable; try again/,
      );
    } finally {
      await alone.close();
    }
  });
});

describe('RedisResultLinkStore', () => {
  let connection: RedisConnection;
  let store: RedisResultLinkStore;
  beforeAll(async () => {
    connection = await RedisConnection.open(SHARED_REDIS_URL, prefix, 2_000);
    store = new RedisResultLinkStore(connection, 1_000);
  });
  afterAll(() => connection?.close());
  const held = { owner: 'alice', mimeType: 'image/png', data: PNG_BASE64 };

  it('holds an item under its prefix with Redis expiring it after the TTL (PX)', async () => {
    expect(await store.put('long', held, 60_000)).toBe(true);
    const ttl = await redis.pttl(store.key('long'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await store.get('long')).toEqual(held);

    expect(await store.put('short', held, 50)).toBe(true);
    // Redis, not this test, decides when: wait for the key to go, then the store reads nothing.
    await eventually(
      async () => (await redis.exists(store.key('short'))) === 0,
      'the short-lived key to expire',
    );
    expect(await store.get('short')).toBeUndefined();
  });

  it('refuses an item larger than its per-item bound, and reads unknown ids as undefined', async () => {
    const large = Buffer.alloc(2_000).toString('base64');
    expect(decodedBytes(large)).toBe(2_000);
    expect(await store.put('large', { ...held, data: large }, 60_000)).toBe(false);
    expect(await redis.exists(store.key('large'))).toBe(0);
    expect(await store.get('missing')).toBeUndefined();
  });
});
