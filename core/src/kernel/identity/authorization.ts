import type { Authentication } from './resolver';

/** What an `Authorization` header says: nothing, exactly one bearer token, or something else. */
export type AuthorizationHeader =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'malformed' };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Read an `Authorization` header. A header that is present but is not exactly one
 * bearer token (`Basic …`, `Bearer` with no token, `Bearer a b`, a repeated header)
 * is `malformed`: it is refused, never served as anonymous, or it would dodge the
 * anonymous rate limit while being served as anonymous.
 */
export function parseAuthorization(header: string | readonly string[] | undefined): AuthorizationHeader {
  if (header === undefined) return { kind: 'none' };
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  return match ? { kind: 'bearer', token: match[1]! } : { kind: 'malformed' };
}

/** The refusal a malformed `Authorization` header gets (401, with the usual challenge). */
export const MALFORMED_AUTHORIZATION: Extract<Authentication, { ok: false }> = {
  ok: false,
  status: 401,
  error: 'invalid_token',
  message:
    'The Authorization header must be exactly one bearer token: `Authorization: Bearer <token>`; leave it out to call anonymously.',
};
