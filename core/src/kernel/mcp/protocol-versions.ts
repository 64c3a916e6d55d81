import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
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
