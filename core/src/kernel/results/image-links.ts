import { randomBytes } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { decodedBytes, InMemoryResultLinkStore, type ResultLinkStore } from '../../ports/result-link-store';

/** Where image links point: `toolhost://results/<id>`; ids are random (128 bits) and owned. */
export const IMAGE_LINK_PREFIX = 'toolhost://results/';

export interface ImageLinkOptions {
  /** How long an image stays readable after the result that linked it (default 10 min). */
  ttlMs?: number;
  /** The most image bytes (decoded) held at once in memory; least recently used images go first (default 64 MiB). */
  maxBytes?: number;
  /** The clock expiry is measured on in memory (tests inject one). */
  now?: () => number;
  /** Where the images are held: a shared store makes links readable on every instance; in memory when absent. */
  store?: ResultLinkStore;
}

type ContentBlock = CallToolResult['content'][number];

/**
 * Images of tool results held for a short time, so a client that asked for no
 * inline images (`?no_image_content`, or a client rule) gets a `resource_link` it
 * may read with `resources/read` instead of losing the image. Each image belongs
 * to the account of the call that produced it and reads as not-found for any
 * other, and after its TTL. Where they are held is the `ResultLinkStore`'s
 * business: process memory (bytes-bounded LRU) or a store every instance shares.
 */
export class ImageLinks {
  readonly ttlMs: number;
  private readonly store: ResultLinkStore;

  constructor(options: ImageLinkOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.store =
      options.store ??
      new InMemoryResultLinkStore({
        ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
        ...(options.now && { now: options.now }),
      });
  }

  /** Whether a URI is one of these links (whether or not it is still held). */
  owns(uri: string): boolean {
    return uri.startsWith(IMAGE_LINK_PREFIX);
  }

  /** Hold an image for `owner`; its URI, or undefined when it is too large to hold. Rejects when the store fails. */
  async hold(owner: string, mimeType: string, data: string): Promise<string | undefined> {
    const id = randomBytes(16).toString('base64url');
    return (await this.store.put(id, { owner, mimeType, data }, this.ttlMs))
      ? `${IMAGE_LINK_PREFIX}${id}`
      : undefined;
  }

  /** The image behind `uri` if `owner` may read it and it has not expired. Rejects when the store fails. */
  async read(owner: string, uri: string): Promise<{ mimeType: string; data: string } | undefined> {
    if (!this.owns(uri)) return undefined;
    const image = await this.store.get(uri.slice(IMAGE_LINK_PREFIX.length));
    if (!image || image.owner !== owner) return undefined;
    return { mimeType: image.mimeType, data: image.data };
  }

  /**
   * The result with each image block replaced by a `resource_link` to the image
   * held for `owner`; the same object when it has no image.
   */
  async link(result: CallToolResult, owner: string, tool: string): Promise<CallToolResult> {
    if (!result.content.some((block) => block.type === 'image')) return result;
    const minutes = Math.max(1, Math.round(this.ttlMs / 60_000));
    let count = 0;
    const content = await Promise.all(
      result.content.map(async (block): Promise<ContentBlock> => {
        if (block.type !== 'image') return block;
        const number = ++count;
        const what = `image ${number} (${block.mimeType}, ${decodedBytes(block.data)} bytes)`;
        // A store that fails loses the image, not the result: the model still gets the rest and why.
        const uri = await this.hold(owner, block.mimeType, block.data).catch(() => null);
        if (uri === null)
          return { type: 'text', text: `[${what} left out: the image link store is unavailable]` };
        if (!uri) return { type: 'text', text: `[${what} left out: too large to hold as a link]` };
        const extension = block.mimeType.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin';
        return {
          type: 'resource_link',
          uri,
          name: `${tool}-image-${number}.${extension}`,
          mimeType: block.mimeType,
          description: `Image ${number} of this ${tool} result, left out of the result as the client asked; read it with resources/read within ${minutes} min.`,
        };
      }),
    );
    return { ...result, content };
  }
}
