import { hasBrand, IDENTITY_PROVIDER_BRAND } from './brand';
import type { Logger } from './logger';
import type { Credentials, Principal } from './principal';
import type { ResolvedServices, ServiceRefMap } from './service';

/**
 * What an identity provider says about a token:
 * - `ok`: who it is, and the secrets services may forward upstream;
 * - `rejected`: the issuer says the token is bad (the caller gets a 401 with `message`);
 * - `unavailable`: the token could not be checked now (the issuer is unreachable or
 *   answered badly). The kernel then keeps an identity it verified before, else serves
 *   the caller as anonymous where the policy allows, with `credentials` kept and
 *   `message` stated once in tool results, else answers 503.
 */
export type IdentityVerdict =
  | { readonly ok: true; readonly principal: Principal; readonly credentials?: Credentials }
  | { readonly ok: false; readonly reason: 'rejected'; readonly message: string }
  | {
      readonly ok: false;
      readonly reason: 'unavailable';
      readonly message: string;
      /** Kept with the caller if they are served as anonymous (a token to forward, unverified). */
      readonly credentials?: Credentials;
      /**
       * Whether tool results should carry `message` (default true). False when the
       * plugin's tools already say why themselves (a mode the operator chose, say).
       */
      readonly notify?: boolean;
    };

export interface IdentityContext<S extends ServiceRefMap | undefined = undefined> {
  /** The services this provider declared in `services`. */
  readonly services: ResolvedServices<S>;
  /** Aborted when the check overruns the kernel's identity timeout. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

export interface IdentityProviderDefinition<S extends ServiceRefMap | undefined> {
  /** A short fixed name (logs, `auth` options that switch providers off). */
  id: string;
  /**
   * How the 401 for a missing or unknown token names this kind of token, e.g.
   * `an Acme token (acme_...)`. ASCII only: it is sent in the WWW-Authenticate header.
   */
  describe: string;
  /** Whether the token is of this provider's kind (by its shape: cheap, no I/O). The first provider that accepts it verifies it. */
  accepts(token: string): boolean;
  /** Check the token with its issuer. Answers are cached by the kernel by token hash. */
  verify(token: string, ctx: IdentityContext<S>): Promise<IdentityVerdict>;
  /** Services `verify` uses; each must be required or provided by the plugin. */
  services?: S;
  /**
   * The environment variable holding the token that identifies the user of a stdio
   * server (`toolhost serve --stdio`), checked like a bearer token.
   */
  stdioTokenEnv?: string;
}

export type IdentityProvider<S extends ServiceRefMap | undefined = ServiceRefMap | undefined> = Readonly<
  IdentityProviderDefinition<S>
> & { readonly [IDENTITY_PROVIDER_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: the kernel handles providers of every service shape.
export type AnyIdentityProvider = IdentityProvider<any>;

/** Declare a way to recognise callers by their bearer token (`definePlugin({ identityProviders })`). */
export function defineIdentityProvider<S extends ServiceRefMap | undefined = undefined>(
  definition: IdentityProviderDefinition<S>,
): IdentityProvider<S> {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(definition.id)) {
    throw new TypeError(
      `defineIdentityProvider: invalid id ${JSON.stringify(definition.id)} (lower-case letters, digits, dashes)`,
    );
  }
  return Object.freeze({ ...definition, [IDENTITY_PROVIDER_BRAND]: true as const });
}

export const isIdentityProvider = (value: unknown): value is AnyIdentityProvider =>
  hasBrand(value, IDENTITY_PROVIDER_BRAND);
