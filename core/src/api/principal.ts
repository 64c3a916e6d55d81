/** Who is calling. Resolved once per request by the kernel; plugins only read it. */
export interface Principal {
  /** Stable id: `anonymous`, `hf:<name>`, `local:<name>`, … */
  readonly id: string;
  readonly name: string;
  readonly kind: 'anonymous' | 'user';
  /** Quota plan, e.g. `anonymous`, `free`, `pro`. */
  readonly plan: string;
  readonly scopes: readonly string[];
}

/**
 * Secrets the caller brought, kept apart from the principal so that logging a
 * principal can never log a token. The identity provider that recognised the
 * caller names them (e.g. a token for its upstream); services forward them there.
 */
export interface Credentials {
  readonly [name: string]: string | undefined;
}

export const ANONYMOUS: Principal = Object.freeze({
  id: 'anonymous',
  name: 'anonymous',
  kind: 'anonymous',
  plan: 'anonymous',
  scopes: Object.freeze([]) as readonly string[],
});
