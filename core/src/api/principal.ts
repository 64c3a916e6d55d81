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
 * principal can never log a token. Services forward them upstream (the Hub).
 */
export interface Credentials {
  /** The caller's Hugging Face token, when the request carried one. */
  readonly hfToken?: string;
}

export const ANONYMOUS: Principal = Object.freeze({
  id: 'anonymous',
  name: 'anonymous',
  kind: 'anonymous',
  plan: 'anonymous',
  scopes: Object.freeze([]) as readonly string[],
});
