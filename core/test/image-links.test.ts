/**
 * The image links' memory bound and their clock, and how a query's result
 * preferences are read and combined with per-client rules: what the HTTP tests
 * (test/result-shaping.test.ts) cannot reach cheaply.
 */
import { describe, expect, it } from 'vitest';
import { ImageLinks } from '../src/kernel/results/image-links';
import { ClientResultRules, parseResultPreferences } from '../src/kernel/results/preferences';

/** Base64 of `bytes` zero bytes. */
const image = (bytes: number) => Buffer.alloc(bytes).toString('base64');
const result = (...sizes: number[]) => ({
  content: sizes.map((bytes) => ({ type: 'image' as const, data: image(bytes), mimeType: 'image/png' })),
});

describe('image links', () => {
  it('hold at most maxBytes: the least recently used image goes first', async () => {
    const links = new ImageLinks({ maxBytes: 3_000 });
    const first = (await links.hold('a', 'image/png', image(1_000)))!;
    const second = (await links.hold('a', 'image/png', image(1_000)))!;
    expect(await links.read('a', first)).toBeDefined(); // now the second is the least recently used
    await links.hold('a', 'image/png', image(1_500));
    expect(await links.read('a', second)).toBeUndefined();
    expect(await links.read('a', first)).toBeDefined();
  });

  it('replace an image too large to hold with a note, and leave results without images as they are', async () => {
    const links = new ImageLinks({ maxBytes: 1_000 });
    const linked = await links.link(result(500, 5_000), 'a', 'draw');
    expect(linked.content.map((b) => b.type)).toEqual(['resource_link', 'text']);
    expect(linked.content[1]).toEqual({
      type: 'text',
      text: '[image 2 (image/png, 5000 bytes) left out: too large to hold as a link]',
    });
    const plain = { content: [{ type: 'text' as const, text: 'hi' }] };
    expect(await links.link(plain, 'a', 'draw')).toBe(plain);
  });

  it('keep the result when the store fails: the image becomes a note, and a read rejects', async () => {
    const broken = {
      put: () => Promise.reject(new Error('redis down')),
      get: () => Promise.reject(new Error('redis down')),
    };
    const links = new ImageLinks({ store: broken });
    const linked = await links.link(result(10), 'a', 'draw');
    expect(linked.content).toEqual([
      { type: 'text', text: '[image 1 (image/png, 10 bytes) left out: the image link store is unavailable]' },
    ]);
    await expect(links.read('a', 'toolhost://results/x')).rejects.toThrow('redis down');
  });

  it('read as not-found for another owner, and after the TTL on the injected clock', async () => {
    let now = 0;
    const links = new ImageLinks({ ttlMs: 1_000, now: () => now });
    const uri = (await links.hold('alice', 'image/png', image(10)))!;
    expect(await links.read('bob', uri)).toBeUndefined();
    now = 999;
    expect(await links.read('alice', uri)).toEqual({ mimeType: 'image/png', data: image(10) });
    now = 1_000;
    expect(await links.read('alice', uri)).toBeUndefined();
  });
});

describe('result preferences', () => {
  it('read max_result_tokens and no_image_content from the query', () => {
    expect(parseResultPreferences({})).toEqual({ ok: true, preferences: undefined });
    expect(parseResultPreferences({ max_result_tokens: ' 4000 ' })).toEqual({
      ok: true,
      preferences: { maxTokens: 4000 },
    });
    expect(parseResultPreferences({ max_result_tokens: '20' })).toEqual({
      ok: true,
      preferences: { maxTokens: 500 },
    });
    expect(parseResultPreferences({ no_image_content: '' })).toEqual({
      ok: true,
      preferences: { imageLinks: true },
    });
    for (const off of ['false', '0', 'NO', 'off'])
      expect(parseResultPreferences({ no_image_content: off })).toEqual({ ok: true, preferences: undefined });
    for (const bad of ['abc', '0', '-1', '1e3', '2.5', ''])
      expect(parseResultPreferences({ max_result_tokens: bad }).ok).toBe(false);
  });

  it('take the stricter of the request and every rule matching the client', () => {
    const rules = new ClientResultRules([
      { name: 'Agent*', maxTokens: 3_000 },
      { name: 'agent-pro', imageLinks: true, maxTokens: 6_000 },
    ]);
    expect(rules.forCall(undefined, 'other')).toBeUndefined();
    expect(rules.forCall({ maxTokens: 4_000 }, 'agent-pro')).toEqual({ maxTokens: 3_000, imageLinks: true });
    expect(rules.forCall({ maxTokens: 1_000 }, 'AGENT-x')).toEqual({ maxTokens: 1_000 });
    expect(rules.forCall({ imageLinks: true }, undefined)).toEqual({ imageLinks: true });
  });
});
