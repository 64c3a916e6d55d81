import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityResolver, InMemoryTokenStore, newToken } from '../src/kernel/index';

let whoamiCalls = 0;
const hub = createServer((req, res) => {
  whoamiCalls++;
  const ok = req.headers.authorization === 'Bearer hf_good';
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(
      ok
        ? { type: 'user', name: 'dana', isPro: false, auth: { accessToken: { role: 'read' } } }
        : { error: 'bad' },
    ),
  );
});
let hfEndpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hfEndpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

describe('identity resolver', () => {
  it('serves anonymous callers only when allowed, and never on requireToken', async () => {
    const open = new IdentityResolver({ anonymous: true, hf: true, hfEndpoint }, new InMemoryTokenStore());
    expect(await open.authenticate(undefined)).toMatchObject({ ok: true, principal: { id: 'anonymous' } });
    expect(await open.authenticate(undefined, { requireToken: true })).toMatchObject({
      ok: false,
      status: 401,
      error: 'missing_token',
    });
    const closed = new IdentityResolver({ anonymous: false, hf: true, hfEndpoint }, new InMemoryTokenStore());
    expect(await closed.authenticate(undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it('checks Toolhost tokens by hash, and forgets revoked ones once the cache is cleared', async () => {
    const store = new InMemoryTokenStore();
    const { token, hash, record } = newToken('erin', 'pro');
    await store.insert(hash, record);
    const resolver = new IdentityResolver({ anonymous: true, hf: true, hfEndpoint }, store);
    expect(await resolver.authenticate(token)).toMatchObject({
      ok: true,
      principal: { id: 'user:erin', plan: 'pro', kind: 'user' },
      credentials: {},
    });
    await store.revoke(record.id);
    resolver.forget(token);
    expect(await resolver.authenticate(token)).toMatchObject({
      ok: false,
      status: 401,
      error: 'invalid_token',
    });
  });

  it('asks the Hub once per token, for valid and invalid answers alike', async () => {
    const resolver = new IdentityResolver(
      { anonymous: true, hf: true, hfEndpoint },
      new InMemoryTokenStore(),
    );
    whoamiCalls = 0;
    for (let i = 0; i < 3; i++) {
      expect(await resolver.authenticate('hf_good')).toMatchObject({
        ok: true,
        principal: { id: 'hf:dana', plan: 'free', scopes: ['read'] },
        credentials: { hfToken: 'hf_good' },
      });
      expect(await resolver.authenticate('hf_bad')).toMatchObject({ ok: false, status: 401 });
    }
    expect(whoamiCalls).toBe(2);
    expect(await resolver.authenticate('not-a-known-kind')).toMatchObject({
      ok: false,
      status: 401,
      error: 'invalid_token',
    });
  });

  it('reports an unreachable Hub as 503, not as a bad token', async () => {
    const resolver = new IdentityResolver(
      { anonymous: true, hf: true, hfEndpoint: 'http://127.0.0.1:1' },
      new InMemoryTokenStore(),
    );
    expect(await resolver.authenticate('hf_good')).toMatchObject({
      ok: false,
      status: 503,
      error: 'temporarily_unavailable',
    });
  });

  it('offline, never asks the Hub: Hugging Face tokens ride along unverified as anonymous, or are refused', async () => {
    whoamiCalls = 0;
    const offline = new IdentityResolver(
      { anonymous: true, hf: true, hfEndpoint, offline: true },
      new InMemoryTokenStore(),
    );
    expect(await offline.authenticate('hf_good')).toMatchObject({
      ok: true,
      principal: { id: 'anonymous' },
      credentials: { hfToken: 'hf_good' },
    });
    const strict = new IdentityResolver(
      { anonymous: false, hf: true, hfEndpoint, offline: true },
      new InMemoryTokenStore(),
    );
    expect(await strict.authenticate('hf_good')).toMatchObject({ ok: false, status: 503 });
    expect(whoamiCalls).toBe(0);
  });
});
