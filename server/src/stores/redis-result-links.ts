import type { HeldResult, ResultLinkStore } from '@toolhost/core/ports';
import { decodedBytes } from '@toolhost/core/ports';
import type { Redis } from 'ioredis';

/**
 * Images taken out of results, in Redis: a link made on one instance reads on any
 * other behind the same URL. One string key per image (`{prefix}result:{id}`, the
 * owner, media type and base64 data as JSON) that Redis expires itself (`PX`).
 * Nothing here evicts by size: each image is bounded by `maxEntryBytes`, the whole
 * by Redis's own `maxmemory`. The client is the caller's; the prefix keeps
 * deployments (and test runs) apart.
 */
export class RedisResultLinkStore implements ResultLinkStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'toolhost:',
    /** The largest image (decoded bytes) held; larger ones are left out of the result with a note. */
    private readonly maxEntryBytes = 64 * 1024 * 1024,
  ) {}

  async put(id: string, item: HeldResult, ttlMs: number): Promise<boolean> {
    if (decodedBytes(item.data) > this.maxEntryBytes) return false;
    const { owner, mimeType, data } = item;
    await this.redis.set(this.key(id), JSON.stringify({ owner, mimeType, data }), 'PX', Math.max(1, ttlMs));
    return true;
  }

  async get(id: string): Promise<HeldResult | undefined> {
    const json = await this.redis.get(this.key(id));
    return json === null ? undefined : (JSON.parse(json) as HeldResult);
  }

  /** The Redis key an id is held under (tests look at its TTL). */
  key(id: string): string {
    return `${this.prefix}result:${id}`;
  }
}
