import { LRUCache } from 'lru-cache';
import type { UpstreamCall } from '../api/upstream';
import type { CallOutcome } from './gate';
import type { SelectionSize } from './selection-size';

/**
 * The telemetry seam: what the kernel and its transports report as they serve
 * traffic. Every method is optional; an observer implements what it cares about
 * (the server's Prometheus metrics and connection records implement all of them).
 * Calls are synchronous and must be cheap: they sit on the request path. The kernel
 * wraps the observer so that a throwing observer never fails a request.
 */

export type Era = 'legacy' | 'modern';

/**
 * How a request reached the kernel. `stateless-http`: Streamable HTTP without a
 * session (both eras); `session-http`: a stateful 2025 session (`Mcp-Session-Id`);
 * `legacy-sse`: the 2024-11-05 HTTP+SSE transport; `stdio`.
 */
export type Transport = 'stateless-http' | 'session-http' | 'legacy-sse' | 'stdio';

/** Who the client says it is: `clientInfo` (2025 initialize, 2026 `_meta` envelope), else its User-Agent. */
export interface ClientIdentity {
  readonly name?: string;
  readonly version?: string;
  readonly userAgent?: string;
}

/**
 * How a request ended: `ok` (a result), `error` (a JSON-RPC error), `http_error`
 * (refused at the HTTP level: 4xx/5xx), `stream` (answered with an SSE stream),
 * `unsupported` (asked for something this server does not offer, as clients probe
 * for it: a `GET /mcp` stream answered 405 without sessions; not an error).
 */
export type RequestOutcome = 'ok' | 'error' | 'http_error' | 'stream' | 'unsupported';

export interface RequestFinished {
  readonly requestId?: string;
  /** Absent when the request could not be classified (bad JSON, wrong media type). */
  readonly era?: Era;
  /**
   * The protocol revision the request was made in (`2026-07-28`, `2025-06-18`, …): the
   * envelope's, else the `MCP-Protocol-Version` header's, else `initialize`'s. Only
   * revisions the server serves; absent when the request named none.
   */
  readonly revision?: string;
  readonly transport: Transport;
  /**
   * The JSON-RPC method; `batch` for a batch; `GET /mcp` or `DELETE /mcp` for those
   * requests (they carry no message); absent when a POST body named none.
   */
  readonly method?: string;
  /** The tool's name, for `tools/call`. */
  readonly tool?: string;
  readonly outcome: RequestOutcome;
  /** The HTTP status; absent on stdio. */
  readonly status?: number;
  readonly durationMs: number;
  readonly client: ClientIdentity;
  readonly principalKind: string;
  /** Set when the request belongs to a session (for per-session list-changed tracking). */
  readonly sessionId?: string;
  /**
   * For a `tools/list` answered: the size of the selection it listed. The same object
   * for every answer of one tool set; its `tokens` appear once counted (off the request path).
   */
  readonly selection?: SelectionSize;
}

export interface ToolCallFinished {
  readonly plugin: string;
  readonly tool: string;
  readonly outcome: CallOutcome;
  readonly durationMs: number;
  readonly principalKind: string;
  readonly requestId: string;
}

export interface QuotaRefused {
  readonly plugin: string;
  readonly tool: string;
  /** The principal's plan (a bounded operator-defined name), never the user id. */
  readonly plan: string;
}

/**
 * `rejected`: a token (or Authorization header) was refused, with the reason code the
 * caller got (`invalid_token`, `missing_token`, …). `unverified`: the token could not
 * be checked right now (the Hub unreachable), which says nothing about the token.
 */
export type AuthOutcome =
  | { readonly outcome: 'anonymous' | 'authenticated'; readonly principalKind: string }
  | { readonly outcome: 'rejected' | 'unverified'; readonly reason: string };

export interface SessionEvent {
  readonly era: Era;
  readonly transport: Transport;
  readonly client: ClientIdentity;
  readonly sessionId?: string;
}

/**
 * An open server-to-client stream: `response` (a request answered with SSE),
 * `get` (a 2025 session's GET stream), `listen` (2026 `subscriptions/listen`),
 * `legacy-sse` (a 2024-11-05 `/sse` stream).
 */
export interface StreamEvent {
  readonly kind: 'response' | 'get' | 'listen' | 'legacy-sse';
  readonly era?: Era;
}

export interface ListChangedSent {
  readonly list: 'tools' | 'prompts' | 'resources';
  readonly client: ClientIdentity;
  readonly sessionId?: string;
}

export interface ToolsRelisted {
  readonly client: ClientIdentity;
  readonly sessionId?: string;
  /** Time from the `notifications/tools/list_changed` to the client's next `tools/list`. */
  readonly afterMs: number;
}

export interface UpstreamCallFinished extends UpstreamCall {
  /** The plugin that made the call. */
  readonly plugin: string;
}

export interface Telemetry {
  requestFinished?(event: RequestFinished): void;
  toolCallFinished?(event: ToolCallFinished): void;
  quotaRefused?(event: QuotaRefused): void;
  authenticated?(event: AuthOutcome): void;
  sessionOpened?(event: SessionEvent): void;
  sessionClosed?(event: SessionEvent): void;
  streamOpened?(event: StreamEvent): void;
  streamClosed?(event: StreamEvent): void;
  listChangedSent?(event: ListChangedSent): void;
  /** Derived by the kernel: a client listed tools after it was told the list changed. */
  toolsRelisted?(event: ToolsRelisted): void;
  upstreamCall?(event: UpstreamCallFinished): void;
}

/** The default observer: reports go nowhere. */
export const NO_TELEMETRY: Telemetry = Object.freeze({});

/** The key a client's list-changed bookkeeping is held under: its session, else its identity. */
export function clientKey(client: ClientIdentity, sessionId?: string): string {
  if (sessionId) return `session:${sessionId}`;
  if (client.name) return `client:${client.name}/${client.version ?? ''}`;
  return `agent:${client.userAgent ?? ''}`;
}

const MAX_PENDING_RELISTS = 1_000;

/**
 * What the kernel calls: forwards to the observer, swallowing its exceptions (an
 * observer bug must not fail a request), and derives `toolsRelisted` from the
 * notifications sent and the `tools/list` requests that follow them.
 */
export class TelemetryHub implements Required<Telemetry> {
  /** When each client was last told the tool list changed, until it lists again (bounded). */
  private readonly pendingRelists = new LRUCache<string, number>({ max: MAX_PENDING_RELISTS });

  constructor(
    private readonly observer: Telemetry = NO_TELEMETRY,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Whether anything listens: transports skip work that only telemetry needs. */
  get active(): boolean {
    return this.observer !== NO_TELEMETRY;
  }

  requestFinished(event: RequestFinished): void {
    this.emit('requestFinished', event);
    if (event.method === 'tools/list' && this.pendingRelists.size > 0) {
      const key = clientKey(event.client, event.sessionId);
      const sentAt = this.pendingRelists.get(key);
      if (sentAt !== undefined) {
        this.pendingRelists.delete(key);
        this.toolsRelisted({
          client: event.client,
          ...(event.sessionId !== undefined && { sessionId: event.sessionId }),
          afterMs: Math.max(0, performance.now() - event.durationMs - sentAt),
        });
      }
    }
  }

  listChangedSent(event: ListChangedSent): void {
    this.emit('listChangedSent', event);
    if (event.list !== 'tools') return;
    this.pendingRelists.set(clientKey(event.client, event.sessionId), performance.now());
  }

  toolCallFinished(event: ToolCallFinished): void {
    this.emit('toolCallFinished', event);
  }
  quotaRefused(event: QuotaRefused): void {
    this.emit('quotaRefused', event);
  }
  authenticated(event: AuthOutcome): void {
    this.emit('authenticated', event);
  }
  sessionOpened(event: SessionEvent): void {
    this.emit('sessionOpened', event);
  }
  sessionClosed(event: SessionEvent): void {
    this.emit('sessionClosed', event);
  }
  streamOpened(event: StreamEvent): void {
    this.emit('streamOpened', event);
  }
  streamClosed(event: StreamEvent): void {
    this.emit('streamClosed', event);
  }
  toolsRelisted(event: ToolsRelisted): void {
    this.emit('toolsRelisted', event);
  }
  upstreamCall(event: UpstreamCallFinished): void {
    this.emit('upstreamCall', event);
  }

  private emit<K extends keyof Telemetry>(name: K, event: Parameters<NonNullable<Telemetry[K]>>[0]): void {
    const method = this.observer[name] as ((event: unknown) => void) | undefined;
    if (!method) return;
    try {
      method.call(this.observer, event);
    } catch (error) {
      this.onError(error);
    }
  }
}
