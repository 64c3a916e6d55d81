import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Principal } from '../src/api/index';
import {
  formatWindow,
  InMemoryQuotaStore,
  InMemorySettingsStore,
  InMemoryTokenStore,
  parseWindow,
  QuotaGuard,
  type QuotaStore,
  StoreUnavailableError,
} from '../src/kernel/internal';

const HOUR = 3_600_000;
const free: Principal = { id: 'user:a', name: 'a', kind: 'user', plan: 'free', scopes: [] };
const text = (result: { content: unknown[] } | undefined) =>
  (result?.content[0] as { text: string } | undefined)?.text;

describe('quotas', () => {
  it('parses and prints windows', () => {
    expect(parseWindow('1h')).toBe(HOUR);
    expect(parseWindow('90s')).toBe(90_000);
    expect(parseWindow('0m')).toBeUndefined();
    expect(parseWindow('an hour')).toBeUndefined();
    expect(formatWindow(HOUR)).toBe('1h');
    expect(formatWindow(90_000)).toBe('90s');
  });

  it('refuses the call past the limit with the plan, the limit, the reset time and retryAfter', async () => {
    const guard = new QuotaGuard({ plans: { free: { units: 3, perMs: HOUR } } }, new InMemoryQuotaStore());
    const now = Date.UTC(2026, 10, 23, 21, 15, 0);
    for (let i = 0; i < 3; i++) expect(await guard.charge(free, free.id, 1, now)).toBeUndefined();
    const refusal = await guard.charge(free, free.id, 1, now);
    expect(refusal?.isError).toBe(true);
    expect(text(refusal)).toBe(
      'Quota exhausted: the free plan allows 3 units per 1h, 3 are used and this call costs 1. It resets at 2026-11-23T22:00:00.000Z (in 45 min); retry after that.',
    );
    expect(refusal?._meta).toMatchObject({ retryAfter: 2700, quota: { plan: 'free', units: 3, used: 3 } });
    // A new window starts afresh.
    expect(await guard.charge(free, free.id, 1, now + HOUR)).toBeUndefined();
  });

  it('keeps accounts apart, and tells anonymous callers how to get more', async () => {
    const guard = new QuotaGuard(
      { plans: { anonymous: { units: 1, perMs: HOUR } } },
      new InMemoryQuotaStore(),
    );
    expect(await guard.charge(ANONYMOUS, 'anonymous:10.0.0.1', 1)).toBeUndefined();
    expect(await guard.charge(ANONYMOUS, 'anonymous:10.0.0.2', 1)).toBeUndefined();
    expect(text(await guard.charge(ANONYMOUS, 'anonymous:10.0.0.1', 1))).toMatch(/Sign in with a token/);
  });

  it('charges a cost larger than what is left as a refusal, not a partial charge', async () => {
    const guard = new QuotaGuard({ plans: { free: { units: 5, perMs: HOUR } } }, new InMemoryQuotaStore());
    expect(await guard.charge(free, free.id, 4)).toBeUndefined();
    expect(await guard.charge(free, free.id, 2)).toBeDefined();
    expect(await guard.charge(free, free.id, 1)).toBeUndefined();
  });

  it('falls back to the default plan, and leaves unknown plans unlimited without one', async () => {
    const pro: Principal = { ...free, plan: 'pro' };
    const withDefault = new QuotaGuard(
      { plans: { default: { units: 1, perMs: HOUR } } },
      new InMemoryQuotaStore(),
    );
    expect(await withDefault.charge(pro, pro.id, 1)).toBeUndefined();
    expect(text(await withDefault.charge(pro, pro.id, 1))).toMatch(
      /the default plan allows 1 unit per 1h, 1 is used/,
    );
    const withoutDefault = new QuotaGuard(
      { plans: { free: { units: 1, perMs: HOUR } } },
      new InMemoryQuotaStore(),
    );
    for (let i = 0; i < 5; i++) expect(await withoutDefault.charge(pro, pro.id, 1)).toBeUndefined();
  });

  it('refuses the call, saying to try again, when the store fails; charges nothing and throws nothing', async () => {
    // A store whose backing database has gone away: every charge rejects, as a real adapter's would.
    const broken: QuotaStore = {
      charge: async () => {
        throw new StoreUnavailableError('quotas', { cause: new Error('database is locked') });
      },
    };
    const guard = new QuotaGuard({ plans: { free: { units: 3, perMs: HOUR } } }, broken);
    const refusal = await guard.charge(free, free.id, 1);
    expect(refusal?.isError).toBe(true);
    expect(text(refusal)).toBe(
      'The quota store is unavailable, so this call was not run and nothing was charged; try again in 5 seconds.',
    );
    expect(refusal?._meta).toEqual({ retryAfter: 5 });
    expect(JSON.stringify(refusal)).not.toContain('locked');
    // Free calls never touch the store, so they still run.
    expect(await guard.charge(free, free.id, 0)).toBeUndefined();
  });

  it('memory stores are always ready', async () => {
    await expect(new InMemoryQuotaStore().ping()).resolves.toBeUndefined();
    await expect(new InMemorySettingsStore().ping()).resolves.toBeUndefined();
    await expect(new InMemoryTokenStore().ping()).resolves.toBeUndefined();
  });
});
