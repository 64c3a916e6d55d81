import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../src/retry';

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:45 GMT', now)).toBe(45_000);
    // A date in the past means "now", not a negative wait.
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles with each retry, half fixed and half jitter', () => {
    expect(backoffDelay(500, 0, () => 0)).toBe(250);
    expect(backoffDelay(500, 0, () => 1)).toBe(500);
    expect(backoffDelay(500, 2, () => 0)).toBe(1_000);
    expect(backoffDelay(500, 2, () => 1)).toBe(2_000);
  });
});
