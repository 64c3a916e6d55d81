import {
  type InboundClassificationOutcome,
  SUPPORTED_PROTOCOL_VERSIONS,
  UnsupportedProtocolVersionError,
} from '@modelcontextprotocol/server';
import { MODERN_REVISION } from './direct-path';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import { header, jsonRpcError } from './web';

/**
 * The `MCP-Protocol-Version` check of every request bound for a 2025-era SDK
 * transport (stateless legacy POSTs, sessions, GET and DELETE). The SDK's own check
 * answers with only the 2025-era versions it was built with, so a client told
 * "unsupported" never learned the server also speaks 2026-07-28. This check answers
 * first, with the same status and code, listing every version the server serves.
 */

/** Every protocol version Toolhost serves, newest first. */
export const SERVED_PROTOCOL_VERSIONS: readonly string[] = [MODERN_REVISION, ...SUPPORTED_PROTOCOL_VERSIONS];

/** The 400 for a 2025-era request naming a protocol version it cannot be served in; undefined when it can. */
export function legacyVersionRefusal(request: Pick<McpHttpRequest, 'headers'>): McpHttpResponse | undefined {
  const version = header(request.headers['mcp-protocol-version']);
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
  const supported = `supported versions: ${SERVED_PROTOCOL_VERSIONS.join(', ')}`;
  if (version === MODERN_REVISION) {
    return jsonRpcError(
      400,
      -32000,
      `Bad Request: protocol version ${version} is served on POST requests that carry its _meta envelope, without Mcp-Session-Id; this request is 2025-era (${supported})`,
    );
  }
  return jsonRpcError(400, -32000, `Bad Request: Unsupported protocol version: ${version} (${supported})`);
}

/**
 * The 400 for a 2026-era request (per-request `_meta` envelope) claiming a revision
 * Toolhost does not serve: the SDK's UnsupportedProtocolVersionError, whose
 * `supported` names every revision served, as `server/discover` does (the SDK's own
 * names only 2026-07-28; the spec's example of the error lists both eras). Undefined
 * for 2026-07-28 itself.
 */
export function modernVersionRefusal(
  outcome: InboundClassificationOutcome,
  body: unknown,
): McpHttpResponse | undefined {
  if (outcome.kind !== 'modern') return undefined;
  const requested = outcome.classification.revision;
  if (requested === MODERN_REVISION) return undefined;
  const error = new UnsupportedProtocolVersionError({
    supported: [...SERVED_PROTOCOL_VERSIONS],
    requested: requested ?? 'unknown',
  });
  const { id, method } = (body ?? {}) as { id?: unknown; method?: unknown };
  const echoed = typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? id : null;
  return {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      error: { code: error.code, message: error.message, data: error.data },
      id: echoed,
    }),
  };
}
