import { describe, expect, it } from 'vitest';
import type { IdentityVerdict } from '../src/api/index';
import type { IdentityProviderHandle } from '../src/kernel/identity/providers';
import { IdentityResolver, InMemoryTokenStore, newToken } from '../src/kernel/internal';

describe('identity resolver', () => {
  it('serves anonymous callers only when allowed, and never on requireToken', async () => {
    const open = new IdentityResolver({ anonymous: true }, new InMemoryTokenStore());
    expect(await open.authenticate(undefined)).toMatchObject({ ok: true, principal: { id: 'anonymous' } });
    expect(await open.authenticate(undefined, { requireToken: true })).toMatchObject({
      ok: false,
      status: 401,
      error: 'missing_token',
    });
    const closed = new IdentityResolver({ anonymous: false }, new InMemoryTokenStore());
    expect(await closed.authenticate(undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it('checks Toolhost tokens by hash, and forgets revoked ones once the cache is cleared', async () => {
    const store = new InMemoryTokenStore();
    const { token, hash, record } = newToken('erin', 'pro');
    await store.insert(hash, record);
    const resolver = new IdentityResolver({ anonymous: true }, store);
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

  describe('plugin identity providers', () => {
    /** A provider whose issuer can be switched off; it knows tokens `x_<name>`, rejects `x_bad`. */
    function provider() {
      const state = { up: true, calls: 0 };
      const handle: IdentityProviderHandle = {
        id: 'x',
        describe: 'an X token (x_...)',
        accepts: (token) => token.startsWith('x_'),
        async verify(token): Promise<IdentityVerdict> {
          state.calls++;
          if (!state.up)
            return {
              ok: false,
              reason: 'unavailable',
              message: 'X could not be reached',
              credentials: { xToken: token },
            };
          if (token === 'x_bad') return { ok: false, reason: 'rejected', message: 'X rejected the token.' };
          const name = token.slice(2);
          return {
            ok: true,
            principal: { id: `x:${name}`, name, kind: 'user', plan: 'free', scopes: [] },
            credentials: { xToken: token },
          };
        },
      };
      return { state, handle };
    }

    it('asks the first provider that accepts a token; a token none accepts is a 401 naming what is accepted', async () => {
      const { handle } = provider();
      const resolver = new IdentityResolver({ anonymous: true }, new InMemoryTokenStore(), undefined, [
        handle,
      ]);
      expect(await resolver.authenticate('x_dana')).toMatchObject({
        ok: true,
        principal: { id: 'x:dana' },
        credentials: { xToken: 'x_dana' },
      });
      const unknown = await resolver.authenticate('zz_nobody');
      expect(unknown).toMatchObject({ ok: false, status: 401, error: 'invalid_token' });
      expect((unknown as { message: string }).message).toContain('an X token (x_...)');
      expect(await resolver.authenticate('x_bad')).toMatchObject({
        ok: false,
        status: 401,
        message: 'X rejected the token.',
      });
    });

    it('keeps an identity verified before while the issuer is unreachable, up to staleIfErrorMs', async () => {
      const { state, handle } = provider();
      const resolver = new IdentityResolver(
        { anonymous: true, validTtlMs: 0, staleIfErrorMs: 60_000 },
        new InMemoryTokenStore(),
        undefined,
        [handle],
      );
      expect(await resolver.authenticate('x_dana')).toMatchObject({ ok: true, principal: { id: 'x:dana' } });
      state.up = false;
      const stale = await resolver.authenticate('x_dana');
      expect(stale).toMatchObject({
        ok: true,
        principal: { id: 'x:dana' },
        credentials: { xToken: 'x_dana' },
      });
      expect((stale as { notice?: string }).notice).toBeUndefined();
      expect(state.calls).toBe(2); // asked again (not fresh), answered from the stale entry

      // With stale-if-error off, and no anonymous access, there is nothing to fall back on: 503.
      const strictIssuer = provider();
      const strict = new IdentityResolver(
        { anonymous: false, validTtlMs: 0, staleIfErrorMs: 0 },
        new InMemoryTokenStore(),
        undefined,
        [strictIssuer.handle],
      );
      expect(await strict.authenticate('x_erin')).toMatchObject({ ok: true });
      strictIssuer.state.up = false;
      expect(await strict.authenticate('x_erin')).toMatchObject({
        ok: false,
        status: 503,
        error: 'temporarily_unavailable',
      });
    });

    it('serves a token never seen as anonymous while its issuer is unreachable, saying why; a rejected one stays a 401', async () => {
      const { state, handle } = provider();
      const resolver = new IdentityResolver({ anonymous: true }, new InMemoryTokenStore(), undefined, [
        handle,
      ]);
      expect(await resolver.authenticate('x_bad')).toMatchObject({ ok: false, status: 401 });
      state.up = false;
      const unseen = await resolver.authenticate('x_frank');
      expect(unseen).toMatchObject({
        ok: true,
        principal: { id: 'anonymous' },
        credentials: { xToken: 'x_frank' },
      });
      expect((unseen as { notice: string }).notice).toMatch(
        /^Note: X could not be reached; you are served as an anonymous caller/,
      );
      // Not cached: the next request asks again.
      await resolver.authenticate('x_frank');
      expect(state.calls).toBe(3);
      expect(await resolver.authenticate('x_bad')).toMatchObject({ ok: false, status: 401 });
      // ?login refuses anonymous service: the token could not be checked, so 503.
      expect(await resolver.authenticate('x_frank', { requireToken: true })).toMatchObject({
        ok: false,
        status: 503,
      });
    });

    it('reads the stdio token from the first provider variable that is set', () => {
      const { handle } = provider();
      const resolver = new IdentityResolver({ anonymous: true }, new InMemoryTokenStore(), undefined, [
        { ...handle, stdioTokenEnv: 'X_TOKEN' },
      ]);
      expect(resolver.stdioToken({})).toBeUndefined();
      expect(resolver.stdioToken({ X_TOKEN: ' x_gina ' })).toEqual({ token: 'x_gina', source: 'X_TOKEN' });
    });
  });
});
