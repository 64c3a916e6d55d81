import { LRUCache } from 'lru-cache';

/**
 * Images taken out of tool results (`?no_image_content`, client rules), held for a
 * short time under the random id of their `toolhost://results/<id>` link. In memory
 * a link is readable on the instance that answered the call; a shared store (Redis)
 * makes it readable on every instance behind one URL.
 */
export interface HeldResult {
  /** The account whose call produced it: nobody else may read it. */
  readonly owner: string;
  readonly mimeType: string;
  /** Base64, as the tool returned it. */
  readonly data: string;
}

export interface ResultLinkStore {
  /** Hold `item` under `id` for `ttlMs`; false when it is too large to hold. */
  put(id: string, item: HeldResult, ttlMs: number): Promise<boolean>;
  /** The item under `id`, undefined once it expired, was evicted or never was. */
  get(id: string): Promise<HeldResult | undefined>;
  close?(): void | Promise<void>;
}

/** Decoded size of base64 data, without decoding it. */
export const decodedBytes = (base64: string) =>
  Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

export interface InMemoryResultLinkStoreOptions {
  /** The most image bytes (decoded) held at once; least recently used items go first (default 64 MiB). */
  maxBytes?: number;
  /** The clock expiry is measured on (tests inject one). */
  now?: () => number;
}

interface Entry extends HeldResult {
  readonly expiresAt: number;
}

/** Held results in this process's memory: bounded in bytes, least recently used first out. */
export class InMemoryResultLinkStore implements ResultLinkStore {
  private readonly now: () => number;
  private readonly items: LRUCache<string, Entry>;

  constructor(options: InMemoryResultLinkStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    const maxSize = options.maxBytes ?? 64 * 1024 * 1024;
    this.items = new LRUCache<string, Entry>({
      maxSize,
      maxEntrySize: maxSize,
      sizeCalculation: (item) => Math.max(1, decodedBytes(item.data)),
    });
  }

  async put(id: string, item: HeldResult, ttlMs: number): Promise<boolean> {
    const { owner, mimeType, data } = item;
    this.items.set(id, { owner, mimeType, data, expiresAt: this.now() + ttlMs });
    return this.items.has(id);
  }

  async get(id: string): Promise<HeldResult | undefined> {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (this.now() >= item.expiresAt) {
      this.items.delete(id);
      return undefined;
    }
    return { owner: item.owner, mimeType: item.mimeType, data: item.data };
  }
}
