/**
 * What the kernel does for state shared across instances and for a store that fails
 * while serving: the quota failure policy, identities that outlive a token store
 * outage, settings caches dropped by announcements from other instances, the last
 * known settings while the store is down, and revocations heard on the bus.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../src/api/index';
import {
  type Catalog,
  IdentityResolver,
  InMemoryEventBus,
  InMemorySettingsStore,
  InMemoryTokenStore,
  newToken,
  QuotaGuard,
  type QuotaStore,
  SettingsService,
  StoreUnavailableError,
  type TokenStore,
} from '../src/kernel/internal';

const HOUR = 3_600_000;
const free: Principal = { id: 'user:a', name: 'a', kind: 'user', plan: 'free', scopes: [] };
const down = (store: 'quotas' | 'settings' | 'tokens') => () =>
  Promise.reject(new StoreUnavailableError(store, { cause: new Error('connection refused') }));

describe('the quota store failure policy (stores.onFailure)', () => {
  const broken: QuotaStore = { charge: down('quotas') };

  it('closed (the default) refuses the call, retryable', async () => {
    for (const config of [{}, { onStoreFailure: 'closed' as const }]) {
      const guard = new QuotaGuard({ plans: { free: { units: 3, perMs: HOUR } }, ...config }, broken);
      const refusal = await guard.charge(free, free.id, 1);
      expect(refusal?.isError).toBe(true);
      expect(refusal?._meta).toEqual({ retryAfter: 5 });
    }
  });

  it('open lets the call run, uncharged', async () => {
    const guard = new QuotaGuard(
      { plans: { free: { units: 3, perMs: HOUR } }, onStoreFailure: 'open' },
      broken,
    );
    expect(await guard.charge(free, free.id, 1)).toBeUndefined();
  });
});

describe('identities while the token store is down', () => {
  it('keep a token checked before, past its cache time; a token never checked gets the store error', async () => {
    const store = new InMemoryTokenStore();
    let failing = false;
    const flaky: TokenStore = {
      insert: (hash, record) => store.insert(hash, record),
      find: (hash) => (failing ? down('tokens')() : store.find(hash)),
      list: () => store.list(),
      revoke: (id) => store.revoke(id),
    };
    const known = newToken('ada', 'pro');
    await store.insert(known.hash, known.record);
    // Trusted for 1 ms only: the next check asks the store again.
    const resolver = new IdentityResolver({ anonymous: true, validTtlMs: 1 }, flaky);
    expect(await resolver.authenticate(known.token)).toMatchObject({
      ok: true,
      principal: { id: 'user:ada' },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    failing = true;
    expect(await resolver.authenticate(known.token)).toMatchObject({
      ok: true,
      principal: { id: 'user:ada' },
    });
    await expect(resolver.authenticate(newToken('eve', 'pro').token)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it('forgets a token by its public id (a revocation announced on the bus)', async () => {
    const store = new InMemoryTokenStore();
    const { token, hash, record } = newToken('erin', 'pro');
    await store.insert(hash, record);
    const resolver = new IdentityResolver({ anonymous: true }, store);
    expect((await resolver.authenticate(token)).ok).toBe(true);
    await store.revoke(record.id);
    // Cached: still accepted until forgotten.
    expect((await resolver.authenticate(token)).ok).toBe(true);
    resolver.forgetTokenId(record.id);
    expect(await resolver.authenticate(token)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('settings shared by several instances', () => {
  const catalog = {} as Catalog;

  it("drop a cached copy when another instance announces the user's change on the bus", async () => {
    const shared = new InMemorySettingsStore();
    const bus = new InMemoryEventBus();
    const here = new SettingsService(shared, catalog, bus);
    await shared.put('user:a', { plugins: ['hub'], disabledTools: [] });
    expect((await here.get('user:a'))?.plugins).toEqual(['hub']);
    // Another instance writes the shared store: the cached copy stands until announced…
    await shared.put('user:a', { plugins: ['models'], disabledTools: [] });
    expect((await here.get('user:a'))?.plugins).toEqual(['hub']);
    // …and goes when the change is announced (another user's announcement changes nothing).
    bus.publish({ type: 'list-changed', lists: ['tools'], principalId: 'user:b' });
    expect((await here.get('user:a'))?.plugins).toEqual(['hub']);
    bus.publish({ type: 'list-changed', lists: ['tools', 'prompts', 'resources'], principalId: 'user:a' });
    expect((await here.get('user:a'))?.plugins).toEqual(['models']);
    here.close();
  });

  it('serve callers the last known copy while the store is down; the settings API gets the error', async () => {
    const store = new InMemorySettingsStore();
    let failing = false;
    const flaky = {
      writable: true,
      get: (userId: string) => (failing ? down('settings')() : store.get(userId)),
      put: (userId: string, settings: { plugins: string[]; disabledTools: string[] }) =>
        store.put(userId, settings),
    };
    const bus = new InMemoryEventBus();
    const service = new SettingsService(flaky, catalog, bus, 0);
    await store.put('user:a', { plugins: ['hub'], disabledTools: [] });
    expect((await service.forServing('user:a'))?.plugins).toEqual(['hub']);
    failing = true;
    expect((await service.forServing('user:a'))?.plugins).toEqual(['hub']);
    await expect(service.get('user:a')).rejects.toBeInstanceOf(StoreUnavailableError);
    // Never read here: no copy to serve, so the caller is told to try again rather than given defaults.
    await expect(service.forServing('user:never')).rejects.toBeInstanceOf(StoreUnavailableError);
    service.close();
  });
});
