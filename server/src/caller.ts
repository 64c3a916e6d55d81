import type { CallerResolution, Kernel, SelectionHints } from '@toolhost/core/kernel';
import type { FastifyRequest } from 'fastify';

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
export function parseAuthorization(header: string | string[] | undefined): AuthorizationHeader {
  if (header === undefined) return { kind: 'none' };
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  return match ? { kind: 'bearer', token: match[1]! } : { kind: 'malformed' };
}

/** The bearer token of an `Authorization` header, if it is exactly one well-formed bearer token. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const parsed = parseAuthorization(header);
  return parsed.kind === 'bearer' ? parsed.token : undefined;
}

/** The refusal a malformed `Authorization` header gets (401, with the usual challenge). */
export const MALFORMED_AUTHORIZATION: Extract<CallerResolution, { ok: false }> = {
  ok: false,
  status: 401,
  error: 'invalid_token',
  message:
    'The Authorization header must be exactly one bearer token: `Authorization: Bearer <token>` (a Hugging Face token or a Toolhost API token); leave it out to call anonymously.',
};

/**
 * Whether a request carries a bearer token the server accepts as a signed-in caller
 * (the rate limit's exemption). Anything served as anonymous (no token, a malformed
 * header, a refused or unverifiable token, a token kept but served anonymously
 * offline) is not. Answers are cached by the resolver, so the route's own check
 * right after costs nothing more.
 */
export async function hasAcceptedToken(kernel: Kernel, request: FastifyRequest): Promise<boolean> {
  const parsed = parseAuthorization(request.headers.authorization);
  if (parsed.kind !== 'bearer') return false;
  try {
    const auth = await kernel.auth.authenticate(parsed.token);
    return auth.ok && auth.principal.kind !== 'anonymous';
  } catch {
    // Not known to be accepted: limited as anonymous; the route answers the failure itself.
    return false;
  }
}

/** `a, b,,c` → `['a', 'b', 'c']`; absent → undefined. */
function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function first(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * Selection hints from the URL (`?plugins=`, `?tools=`, `?preset=`) and Hugging
 * Face's conventions (`?bouquet=`, `?mix=`, or their `X-MCP-Bouquet` / `X-MCP-Mix`
 * headers), so URLs written for Hugging Face's MCP server keep working. (`?gradio=`
 * is the gradio plugin's: its tool source reads the query itself.)
 */
export function selectionHints(request: FastifyRequest): SelectionHints {
  const query = request.query as Record<string, unknown>;
  const headers = request.headers;
  const plugins = list(query['plugins']);
  const tools = list(query['tools']);
  const preset = first(query['preset']) ?? first(query['bouquet']) ?? first(headers['x-mcp-bouquet']);
  const mix = list(query['mix']) ?? list(headers['x-mcp-mix']);
  return {
    ...(plugins && { plugins }),
    ...(tools && { tools }),
    ...(preset && { preset }),
    ...(mix && { mix }),
  };
}

/** The query parameters as strings, repeated ones joined with commas, for plugins' tool sources. */
export function queryParameters(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v) => typeof v === 'string').join(',');
  }
  return out;
}

/** Who is calling and what they may use, for one HTTP request. */
export async function resolveCaller(kernel: Kernel, request: FastifyRequest): Promise<CallerResolution> {
  const query = request.query as Record<string, unknown>;
  const authorization = parseAuthorization(request.headers.authorization);
  if (authorization.kind === 'malformed') {
    kernel.telemetry.authenticated({ outcome: 'rejected', reason: MALFORMED_AUTHORIZATION.error });
    return MALFORMED_AUTHORIZATION;
  }
  return kernel.resolveCaller({
    token: authorization.kind === 'bearer' ? authorization.token : undefined,
    requireToken: 'login' in query,
    hints: selectionHints(request),
    query: queryParameters(request),
    ip: request.ip,
    requestId: request.id,
    logger: request.log,
  });
}
