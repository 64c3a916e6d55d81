import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ANONYMOUS, type Credentials, type Principal } from '../../api/principal';
import { hashToken, TOOLHOST_TOKEN_PREFIX, type TokenStore } from '../../ports/token-store';
import { LruTtlCache } from '../lru';

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
  /** Whether Hugging Face tokens are accepted (validated with `{hfEndpoint}/api/whoami-v2`). */
  hf: boolean;
  hfEndpoint: string;
  /**
   * HF_HUB_OFFLINE: the Hub must not be contacted, so Hugging Face tokens cannot be
   * checked. Their callers are served as anonymous (when allowed), the token unverified.
   */
  offline?: boolean;
  jwt?: JwtConfig;
  /** How long a validated Hugging Face token is trusted before asking the Hub again. */
  validTtlMs?: number;
  /** How long a rejected token is remembered, so retries do not hammer the Hub. */
  invalidTtlMs?: number;
  /** Timeout for the Hub's whoami answer. */
  timeoutMs?: number;
}

export type Authentication =
  | { readonly ok: true; readonly principal: Principal; readonly credentials: Credentials }
  | {
      readonly ok: false;
      /** 401: no or a bad token (the caller can fix it); 503: the token could not be checked now. */
      readonly status: 401 | 503;
      readonly error: 'missing_token' | 'invalid_token' | 'temporarily_unavailable';
      readonly message: string;
    };

const NO_CREDENTIALS: Credentials = Object.freeze({});
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

interface WhoAmI {
  type?: string;
  name?: string;
  fullname?: string;
  isPro?: boolean;
  auth?: { accessToken?: { role?: string } };
}

function failure(
  status: 401 | 503,
  error: Extract<Authentication, { ok: false }>['error'],
  message: string,
): Authentication {
  return { ok: false, status, error, message };
}

/**
 * Who is calling: turns an `Authorization` header into a principal. Accepts
 * Toolhost API tokens (`th_…`, checked against the token store by hash), Hugging
 * Face tokens (`hf_…`, checked with the Hub's whoami-v2 and cached by token hash,
 * valid and invalid answers alike) and, when configured, JWT access tokens
 * verified against a JWKS. No token means the anonymous principal, if allowed.
 */
export class IdentityResolver {
  private readonly cache = new LruTtlCache<string, Authentication>(10_000);
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: IdentityConfig,
    private readonly tokens: TokenStore,
    /** The resource URL this server serves, the default JWT audience. */
    private readonly resource?: string,
  ) {
    this.jwks = config.jwt ? createRemoteJWKSet(new URL(config.jwt.jwksUrl)) : undefined;
  }

  /** Resolve a bearer token (or its absence). `requireToken` refuses anonymous access (`?login`). */
  async authenticate(
    token: string | undefined,
    options: { requireToken?: boolean } = {},
  ): Promise<Authentication> {
    if (token === undefined) {
      if (this.config.anonymous && !options.requireToken)
        return { ok: true, principal: ANONYMOUS, credentials: NO_CREDENTIALS };
      return failure(
        401,
        'missing_token',
        'Authentication required: send `Authorization: Bearer <token>` (a Hugging Face token or a Toolhost API token).',
      );
    }
    const key = hashToken(token);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result = await this.verify(token, key);
    if (result.ok) this.cache.set(key, result, this.config.validTtlMs ?? 300_000);
    else if (result.status === 401) this.cache.set(key, result, this.config.invalidTtlMs ?? 60_000);
    return result;
  }

  /** Forget cached answers (after a token is revoked, say). */
  forget(token?: string): void {
    if (token === undefined) this.cache.clear();
    else this.cache.delete(hashToken(token));
  }

  private async verify(token: string, hash: string): Promise<Authentication> {
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
    if (this.config.hf && token.startsWith('hf_')) {
      if (!this.config.offline) return this.verifyHf(token);
      // Kept with the call (nothing goes to the Hub offline), so tools can say they need the live Hub.
      if (this.config.anonymous) return { ok: true, principal: ANONYMOUS, credentials: { hfToken: token } };
      return failure(
        503,
        'temporarily_unavailable',
        'Offline mode (HF_HUB_OFFLINE=1): Hugging Face tokens cannot be checked, and anonymous access is off.',
      );
    }
    return failure(
      401,
      'invalid_token',
      'The bearer token is not one this server accepts (Hugging Face tokens start with hf_, Toolhost API tokens with th_).',
    );
  }

  private async verifyHf(token: string): Promise<Authentication> {
    let response: Response;
    try {
      response = await fetch(`${this.config.hfEndpoint.replace(/\/+$/, '')}/api/whoami-v2`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 5_000),
      });
    } catch {
      return failure(
        503,
        'temporarily_unavailable',
        'The Hugging Face Hub could not be reached to check the token; try again shortly.',
      );
    }
    if (response.status === 401 || response.status === 403) {
      return failure(
        401,
        'invalid_token',
        'The Hugging Face Hub rejected the token: it is invalid or expired.',
      );
    }
    if (!response.ok) {
      return failure(
        503,
        'temporarily_unavailable',
        `The Hugging Face Hub answered ${response.status} while checking the token; try again shortly.`,
      );
    }
    const me = (await response.json()) as WhoAmI;
    if (!me.name) return failure(401, 'invalid_token', 'The Hugging Face Hub did not identify the token.');
    const role = me.auth?.accessToken?.role;
    const principal: Principal = {
      id: `hf:${me.name}`,
      name: me.name,
      kind: 'user',
      plan: me.isPro ? 'pro' : 'free',
      scopes: role ? [role] : [],
    };
    return { ok: true, principal, credentials: { hfToken: token } };
  }

  private async verifyJwt(token: string): Promise<Authentication> {
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
        return failure(
          503,
          'temporarily_unavailable',
          'The signing keys of the authorization server could not be fetched; try again shortly.',
        );
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
