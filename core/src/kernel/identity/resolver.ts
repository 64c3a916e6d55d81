import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { IdentityVerdict } from '../../api/identity';
import { ANONYMOUS, type Credentials, type Principal } from '../../api/principal';
import { StoreUnavailableError } from '../../ports/store-error';
import { hashToken, TOOLHOST_TOKEN_PREFIX, type TokenStore } from '../../ports/token-store';
import { LruTtlCache } from '../lru';
import type { IdentityProviderHandle } from './providers';

export interface JwtConfig {
  /** Where the authorization server publishes its signing keys. */
  jwksUrl: string;
  /** Expected `iss`; any issuer when absent. */
  issuer?: string;
  /** Expected `aud`: this server's resource URL unless configured. */
  audience?: string | string[];
}

export interface IdentityConfig {
  /** Whether callers without a token are served (as the anonymous principal). */
  anonymous: boolean;
  jwt?: JwtConfig;
  /** How long a validated token is trusted before its issuer is asked again. */
  validTtlMs?: number;
  /** How long a rejected token is remembered, so retries do not hammer its issuer. */
  invalidTtlMs?: number;
  /**
   * Stale-if-error: how long past `validTtlMs` a token verified before keeps its
   * identity while its issuer cannot be reached (default 24 h; 0 turns it off).
   */
  staleIfErrorMs?: number;
  /** Timeout for a provider's answer. */
  timeoutMs?: number;
}

export type Authentication =
  | {
      readonly ok: true;
      readonly principal: Principal;
      readonly credentials: Credentials;
      /**
       * Why the caller is served other than as their token says (it could not be
       * checked now): stated once in tool results, so the model can tell the user.
       */
      readonly notice?: string;
    }
  | {
      readonly ok: false;
      /** 401: no or a bad token (the caller can fix it); 503: the token could not be checked now. */
      readonly status: 401 | 503;
      readonly error: 'missing_token' | 'invalid_token' | 'temporarily_unavailable';
      readonly message: string;
    };

const NO_CREDENTIALS: Credentials = Object.freeze({});
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const DAY_MS = 86_400_000;

/** What verifying a token found, before the cache and the anonymous policy apply. */
type Verified =
  | Authentication
  | {
      readonly ok: false;
      readonly unavailable: true;
      readonly message: string;
      readonly credentials?: Credentials;
      /** State `message` in the caller's first tool result (default true). */
      readonly notify?: boolean;
    };

interface CacheEntry {
  readonly answer: Authentication;
  /** Until then the answer is used as is; after it, only while the issuer cannot be reached. */
  readonly freshUntil: number;
}

function failure(
  status: 401 | 503,
  error: Extract<Authentication, { ok: false }>['error'],
  message: string,
): Authentication {
  return { ok: false, status, error, message };
}

/**
 * Who is calling: turns an `Authorization` header into a principal. Toolhost API
 * tokens (`th_…`, checked against the token store by hash) and, when configured,
 * JWT access tokens verified against a JWKS are built in; any other token goes to
 * the first plugin identity provider that accepts it. Answers are cached by token
 * hash, valid and invalid alike. When a token cannot be checked now, an identity
 * verified before is kept for `staleIfErrorMs`; a token never seen is served as
 * anonymous (when allowed) with a notice saying why. No token means the anonymous
 * principal, if allowed.
 */
export class IdentityResolver {
  private readonly cache = new LruTtlCache<string, CacheEntry>(10_000);
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: IdentityConfig,
    private readonly tokens: TokenStore,
    /** The resource URL this server serves, the default JWT audience. */
    private readonly resource?: string,
    private readonly providers: readonly IdentityProviderHandle[] = [],
  ) {
    this.jwks = config.jwt ? createRemoteJWKSet(new URL(config.jwt.jwksUrl)) : undefined;
  }

  /** The token that identifies a stdio user: the first provider's variable that is set, and its name. */
  stdioToken(
    env: Readonly<Record<string, string | undefined>>,
  ): { token: string; source: string } | undefined {
    for (const provider of this.providers) {
      const name = provider.stdioTokenEnv;
      const token = name ? env[name]?.trim() : undefined;
      if (name && token) return { token, source: name };
    }
    return undefined;
  }

  /** Resolve a bearer token (or its absence). `requireToken` refuses anonymous access (`?login`). */
  async authenticate(
    token: string | undefined,
    options: { requireToken?: boolean } = {},
  ): Promise<Authentication> {
    const anonymousAllowed = this.config.anonymous && !options.requireToken;
    if (token === undefined) {
      if (anonymousAllowed) return { ok: true, principal: ANONYMOUS, credentials: NO_CREDENTIALS };
      return failure(
        401,
        'missing_token',
        `Authentication required: send \`Authorization: Bearer <token>\` (${this.kinds()}).`,
      );
    }
    const key = hashToken(token);
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && (cached.freshUntil > now || !cached.answer.ok)) return cached.answer;
    let result: Verified;
    try {
      result = await this.verify(token, key);
    } catch (error) {
      // The token store is down: an identity checked before keeps working (stale-if-error).
      if (cached?.answer.ok && error instanceof StoreUnavailableError) return cached.answer;
      throw error;
    }
    if (!('unavailable' in result)) {
      if (result.ok) {
        const validTtl = this.config.validTtlMs ?? 300_000;
        const stale = this.config.staleIfErrorMs ?? DAY_MS;
        this.cache.set(key, { answer: result, freshUntil: now + validTtl }, validTtl + stale);
      } else if (result.status === 401) {
        this.cache.set(key, { answer: result, freshUntil: 0 }, this.config.invalidTtlMs ?? 60_000);
      }
      return result;
    }
    // The issuer could not say: an identity it confirmed before stands (stale-if-error)…
    if (cached) return cached.answer;
    // …else the caller is served as anonymous, told why, where the policy allows.
    if (anonymousAllowed) {
      return {
        ok: true,
        principal: ANONYMOUS,
        credentials: result.credentials ?? NO_CREDENTIALS,
        ...(result.notify !== false && {
          notice: `Note: ${result.message.replace(/[.;]?\s*$/, '')}; you are served as an anonymous caller for now, with an anonymous caller's tools and limits.`,
        }),
      };
    }
    return failure(
      503,
      'temporarily_unavailable',
      `${result.message.replace(/[.;]?\s*$/, '')}; try again shortly.`,
    );
  }

  /** Forget cached answers (after a token is revoked, say). */
  forget(token?: string): void {
    if (token === undefined) this.cache.clear();
    else this.cache.delete(hashToken(token));
  }

  /** Forget the cached answer for the Toolhost API token with this public id (its hash's prefix). */
  forgetTokenId(tokenId: string): void {
    if (tokenId.length === 0) return;
    this.cache.deleteWhere((hash) => hash.startsWith(tokenId));
  }

  /** The kinds of token this server accepts, for messages. */
  private kinds(): string {
    const kinds = ['a Toolhost API token (th_...)', ...this.providers.map((p) => p.describe)];
    if (this.jwks) kinds.push('a JWT access token');
    return kinds.join(', ');
  }

  private async verify(token: string, hash: string): Promise<Verified> {
    if (token.startsWith(TOOLHOST_TOKEN_PREFIX)) {
      const record = await this.tokens.find(hash);
      if (!record) return failure(401, 'invalid_token', 'The Toolhost API token is unknown or revoked.');
      const principal: Principal = {
        id: `user:${record.user}`,
        name: record.user,
        kind: 'user',
        plan: record.plan,
        scopes: [],
      };
      return { ok: true, principal, credentials: NO_CREDENTIALS };
    }
    if (this.jwks && JWT_SHAPE.test(token)) return this.verifyJwt(token);
    const provider = this.providers.find((p) => p.accepts(token));
    if (provider) return this.ask(provider, token);
    return failure(
      401,
      'invalid_token',
      `The bearer token is not one this server accepts (it takes ${this.kinds()}).`,
    );
  }

  /** A plugin provider's verdict; a provider that throws or overruns counts as unavailable, never as a verdict. */
  private async ask(provider: IdentityProviderHandle, token: string): Promise<Verified> {
    const signal = AbortSignal.timeout(this.config.timeoutMs ?? 5_000);
    let verdict: IdentityVerdict;
    try {
      verdict = await provider.verify(token, signal);
    } catch {
      return { ok: false, unavailable: true, message: 'The token could not be checked now' };
    }
    if (verdict.ok)
      return { ok: true, principal: verdict.principal, credentials: verdict.credentials ?? NO_CREDENTIALS };
    if (verdict.reason === 'rejected') return failure(401, 'invalid_token', verdict.message);
    return {
      ok: false,
      unavailable: true,
      message: verdict.message,
      ...(verdict.credentials && { credentials: verdict.credentials }),
      ...(verdict.notify === false && { notify: false }),
    };
  }

  private async verifyJwt(token: string): Promise<Verified> {
    const jwt = this.config.jwt!;
    const audience = jwt.audience ?? this.resource;
    try {
      const { payload } = await jwtVerify(token, this.jwks!, {
        ...(jwt.issuer !== undefined && { issuer: jwt.issuer }),
        ...(audience !== undefined && { audience }),
      });
      if (!payload.sub) return failure(401, 'invalid_token', 'The access token has no subject.');
      const name = [payload['preferred_username'], payload['name'], payload.sub].find(
        (v) => typeof v === 'string',
      ) as string;
      const plan = typeof payload['plan'] === 'string' ? payload['plan'] : 'free';
      const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [];
      return {
        ok: true,
        principal: { id: `jwt:${payload.sub}`, name, kind: 'user', plan, scopes },
        credentials: NO_CREDENTIALS,
      };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      // Not a verdict on the token: the key set could not be fetched (network, timeout, bad answer).
      if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC' || !code.startsWith('ERR_J')) {
        return {
          ok: false,
          unavailable: true,
          message: 'The signing keys of the authorization server could not be fetched to check the token',
        };
      }
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? 'it has expired'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? `its ${(error as { claim?: string }).claim ?? 'claims'} claim does not match this server`
            : 'its signature or format is invalid';
      return failure(401, 'invalid_token', `The access token was rejected: ${reason}.`);
    }
  }
}
