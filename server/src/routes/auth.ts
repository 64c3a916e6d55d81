import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/server';
import type { CallerResolution } from '@toolhost/core/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Manifest } from '../manifest';

type AuthFailure = Extract<CallerResolution, { ok: false }>;

/** The server's public base URL: configured, or as this request reached it. */
export function publicBase(request: FastifyRequest, publicUrl: string | undefined): string {
  return (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

/** RFC 9728 metadata URL of the MCP endpoint: `/.well-known/oauth-protected-resource/mcp`. */
export function resourceMetadataUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return getOAuthProtectedResourceMetadataUrl(new URL(`${publicBase(request, publicUrl)}/mcp`));
}

/**
 * RFC 6750 quoted-string content: no quotes or backslashes, and printable ASCII only
 * (a header value): messages come from plugins' identity providers too.
 */
const quoted = (text: string) => text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');

/**
 * Answer a request that failed authentication: 401 with a `WWW-Authenticate`
 * challenge naming the resource metadata (so OAuth clients can start a login), or
 * 503 when the token could not be checked right now.
 */
export function sendAuthFailure(
  reply: FastifyReply,
  request: FastifyRequest,
  failure: AuthFailure,
  publicUrl?: string,
) {
  if (failure.status === 401) {
    const parts = [`resource_metadata="${resourceMetadataUrl(request, publicUrl)}"`];
    // The scopes to ask for (RFC 6750 §3; the MCP authorization spec's scope selection).
    const scopes = request.server.authScopes;
    if (scopes && scopes.length > 0) parts.push(`scope="${quoted(scopes.join(' '))}"`);
    if (failure.error === 'invalid_token')
      parts.push('error="invalid_token"', `error_description="${quoted(failure.message)}"`);
    reply.header('www-authenticate', `Bearer ${parts.join(', ')}`);
  } else if (failure.status === 503) {
    reply.header('retry-after', '5');
  }
  // 400: a request parameter the caller can fix (InvalidParams); otherwise an authorization failure.
  const code = failure.status === 400 ? -32602 : -32001;
  return reply
    .code(failure.status)
    .send({ jsonrpc: '2.0', error: { code, message: failure.message }, id: null });
}

/** `GET /.well-known/oauth-protected-resource[/mcp]`: where clients learn how to get a token (RFC 9728). */
export async function authRoutes(app: FastifyInstance, { manifest }: { manifest: Manifest }) {
  const { auth, server } = manifest;
  const metadata = async (request: FastifyRequest) => ({
    resource: `${publicBase(request, server.publicUrl)}/mcp`,
    authorization_servers: auth.authorizationServers,
    scopes_supported: auth.scopes,
    bearer_methods_supported: ['header'],
    resource_name: 'Toolhost',
  });
  app.get('/.well-known/oauth-protected-resource', metadata);
  app.get('/.well-known/oauth-protected-resource/mcp', metadata);
}
