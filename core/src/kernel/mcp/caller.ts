import type { Logger } from '../../api/logger';
import type { Credentials, Principal } from '../../api/principal';
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
}

/** The server's identity and capabilities, fixed at start-up and shared by every path. */
export interface ServerIdentity {
  readonly serverInfo: { name: string; version: string; title?: string };
  readonly capabilities: Record<string, unknown>;
  readonly instructions?: string;
}
