import type { Icon } from '../../api/icon';
import type { Logger } from '../../api/logger';
import type { Credentials, Principal } from '../../api/principal';
import type { ResultPreferences } from '../results/preferences';
import type { ClientIdentity } from '../telemetry';
import type { ToolSet } from '../toolset';

/**
 * Who is calling and what they may use, resolved by the transport layer before any
 * MCP message is dispatched. One per HTTP request, or one per stdio connection.
 */
export interface McpCaller {
  readonly principal: Principal;
  readonly credentials: Credentials;
  /** The quota account charged for this caller's calls: the principal id, or `anonymous:<ip>`. */
  readonly account: string;
  readonly toolSet: ToolSet;
  readonly logger: Logger;
  /** The HTTP request id; stdio callers get a fresh id per call. */
  readonly requestId?: string;
  /** How the request asks for tool results to be shaped (`?max_result_tokens=`, `?no_image_content`). */
  readonly results?: ResultPreferences;
  /** Who the client is, when the endpoint worked it out (it does when per-client result rules exist). */
  readonly client?: ClientIdentity;
}

/** The server's identity and capabilities, fixed at start-up and shared by every path. */
export interface ServerIdentity {
  readonly serverInfo: ServerInfo;
  readonly capabilities: Record<string, unknown>;
  readonly instructions?: string;
}

export interface ServerInfo {
  readonly name: string;
  readonly version: string;
  readonly title?: string;
  readonly icons?: readonly Icon[];
}

/**
 * The serverInfo a 2026-07-28 result carries in its `_meta`: without the icons, which
 * `initialize` and `server/discover` give. Every result names its server, and a data:
 * icon in each of them would cost every call its bytes again.
 */
export function stampedServerInfo(serverInfo: ServerInfo): ServerInfo {
  const { icons: _icons, ...rest } = serverInfo;
  return rest;
}
