import { LRUCache } from 'lru-cache';

/**
 * A bounded map with per-entry expiry, on `lru-cache`: least recently used entries
 * go first when it is full, and an expired entry is never served.
 */
export class LruTtlCache<K extends {}, V> {
  /** Boxed, so that `null` ("known to be absent") can be cached too. */
  private readonly entries: LRUCache<K, { readonly value: V }>;

  constructor(maxEntries: number) {
    this.entries = new LRUCache<K, { readonly value: V }>({ max: maxEntries });
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Keep `value` for `ttlMs`; nothing is kept for a TTL of 0 (lru-cache would read 0 as "forever"). */
  set(key: K, value: V, ttlMs: number): void {
    if (ttlMs <= 0) this.entries.delete(key);
    else this.entries.set(key, { value }, { ttl: ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drop every entry whose key matches (a scan: for rare events such as a revoked token). */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
