import type { HeldResult, ResultLinkStore } from '@toolhost/core/ports';
import { decodedBytes } from '@toolhost/core/ports';
import type { RedisConnection } from './redis';

/**
 * Images taken out of results, in Redis: a link made on one instance reads on any
 * other behind the same URL. One string key per image (`{prefix}result:{id}`, the
 * owner, media type and base64 data as JSON) that Redis expires itself (`PX`).
 * Nothing here evicts by size: each image is bounded by `maxEntryBytes`, the whole
 * by Redis's own `maxmemory`. Failures are reported and thrown as the image link
 * store being unavailable, like every Redis store's.
 */
export class RedisResultLinkStore implements ResultLinkStore {
  constructor(
    private readonly redis: RedisConnection,
    /** The largest image (decoded bytes) held; larger ones are left out of the result with a note. */
    private readonly maxEntryBytes = 64 * 1024 * 1024,
  ) {}

  async put(id: string, item: HeldResult, ttlMs: number): Promise<boolean> {
    if (decodedBytes(item.data) > this.maxEntryBytes) return false;
    const { owner, mimeType, data } = item;
    const value = JSON.stringify({ owner, mimeType, data });
    await this.redis.run('resultLinks', (client) =>
      client.set(this.key(id), value, 'PX', Math.max(1, ttlMs)),
    );
    return true;
  }

  async get(id: string): Promise<HeldResult | undefined> {
    const json = await this.redis.run('resultLinks', (client) => client.get(this.key(id)));
    return json === null ? undefined : (JSON.parse(json) as HeldResult);
  }

  ping(): Promise<void> {
    return this.redis.ping('resultLinks');
  }

  /** The Redis key an id is held under (tests look at its TTL). */
  key(id: string): string {
    return this.redis.key('result', id);
  }
}
