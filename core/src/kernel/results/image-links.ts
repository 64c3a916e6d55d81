import { randomBytes } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';

/** Where image links point: `toolhost://results/<id>`; ids are random (128 bits) and owned. */
export const IMAGE_LINK_PREFIX = 'toolhost://results/';

export interface ImageLinkOptions {
  /** How long an image stays readable after the result that linked it (default 10 min). */
  ttlMs?: number;
  /** The most image bytes (decoded) held at once; least recently used images go first (default 64 MiB). */
  maxBytes?: number;
  /** The clock expiry is measured on (tests inject one). */
  now?: () => number;
}

interface HeldImage {
  /** The account whose call produced it: nobody else may read it. */
  readonly owner: string;
  readonly mimeType: string;
  /** Base64, as the tool returned it. */
  readonly data: string;
  readonly expiresAt: number;
}

type ContentBlock = CallToolResult['content'][number];

/** Decoded size of base64 data, without decoding it. */
const decodedBytes = (base64: string) =>
  Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/**
 * Images of tool results held for a short time, so a client that asked for no
 * inline images (`?no_image_content`, or a client rule) gets a `resource_link` it
 * may read with `resources/read` instead of losing the image. Memory is bounded
 * (bytes, LRU); each image belongs to the account of the call that produced it and
 * reads as not-found for any other, and after its TTL. Per instance: a link is
 * readable on the instance that answered the call.
 */
export class ImageLinks {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly images: LRUCache<string, HeldImage>;

  constructor(options: ImageLinkOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
    const maxSize = options.maxBytes ?? 64 * 1024 * 1024;
    this.images = new LRUCache<string, HeldImage>({
      maxSize,
      maxEntrySize: maxSize,
      sizeCalculation: (image) => Math.max(1, decodedBytes(image.data)),
    });
  }

  /** Whether a URI is one of these links (whether or not it is still held). */
  owns(uri: string): boolean {
    return uri.startsWith(IMAGE_LINK_PREFIX);
  }

  /** Hold an image for `owner`; its URI, or undefined when it is too large to hold. */
  hold(owner: string, mimeType: string, data: string): string | undefined {
    const uri = `${IMAGE_LINK_PREFIX}${randomBytes(16).toString('base64url')}`;
    this.images.set(uri, { owner, mimeType, data, expiresAt: this.now() + this.ttlMs });
    return this.images.has(uri) ? uri : undefined;
  }

  /** The image behind `uri` if `owner` may read it and it has not expired. */
  read(owner: string, uri: string): { mimeType: string; data: string } | undefined {
    const image = this.images.get(uri);
    if (!image || image.owner !== owner) return undefined;
    if (this.now() >= image.expiresAt) {
      this.images.delete(uri);
      return undefined;
    }
    return { mimeType: image.mimeType, data: image.data };
  }

  /**
   * The result with each image block replaced by a `resource_link` to the image
   * held for `owner`; the same object when it has no image.
   */
  link(result: CallToolResult, owner: string, tool: string): CallToolResult {
    if (!result.content.some((block) => block.type === 'image')) return result;
    const minutes = Math.max(1, Math.round(this.ttlMs / 60_000));
    let count = 0;
    const content = result.content.map((block): ContentBlock => {
      if (block.type !== 'image') return block;
      count++;
      const uri = this.hold(owner, block.mimeType, block.data);
      const extension = block.mimeType.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin';
      if (!uri) {
        return {
          type: 'text',
          text: `[image ${count} (${block.mimeType}, ${decodedBytes(block.data)} bytes) left out: too large to hold as a link]`,
        };
      }
      return {
        type: 'resource_link',
        uri,
        name: `${tool}-image-${count}.${extension}`,
        mimeType: block.mimeType,
        description: `Image ${count} of this ${tool} result, left out of the result as the client asked; read it with resources/read within ${minutes} min.`,
      };
    });
    return { ...result, content };
  }
}
