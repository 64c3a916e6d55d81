import { randomUUID } from 'node:crypto';
import { type Server, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { EventBus, KernelEvent } from '../../ports/event-bus';
import type { SessionEventStores } from '../../ports/event-store';
import type { McpOperations } from '../operations';
import type { ClientIdentity, StreamEvent, TelemetryHub, Transport } from '../telemetry';
import type { McpCaller, ServerIdentity } from './caller';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import { clientInfoOf } from './request-report';
import { createSdkServer } from './sdk-server';
import { SessionCaps, type SessionHolder } from './session-caps';
import { SseServerTransport } from './sse-transport';
import { header, isEventStream, jsonRpcError, onStreamEnd, toWebRequest, withOpeningComment } from './web';

export interface SessionOptions {
  /** Refuse new sessions beyond this many open ones (503). */
  maxSessions: number;
  /** Refuse a principal's new session beyond this many of theirs (anonymous callers: per address). */
  maxSessionsPerPrincipal: number;
  /** The share (0–1) of `maxSessions` anonymous callers may hold together. */
  anonymousShare: number;
  /** Close a session nobody has used (no request, no open stream) for this long. */
  idleTimeoutMs: number;
  /** SSE comment pings on open streams, so proxies keep them open. */
  keepAliveMs: number;
  /** Where each session's events are kept for `Last-Event-ID` replay. */
  eventStores: SessionEventStores;
  onError?: (error: Error) => void;
  /** Where sessions, their streams and their list-changed notifications are reported; absent when nothing listens. */
  telemetry?: TelemetryHub;
}

interface Session {
  readonly id: string;
  /** The account that created it; nobody else may use its id. */
  readonly account: string;
  /** Whether it counts against the anonymous share. */
  readonly anonymous: boolean;
  readonly principalId: string;
  readonly server: Server;
  /** Streamable HTTP (2025) or HTTP+SSE (2024-11-05). */
  readonly transport: WebStandardStreamableHTTPServerTransport | SseServerTransport;
  readonly kind: Extract<Transport, 'session-http' | 'legacy-sse'>;
  /** The latest request's caller: the session's handlers read its ToolSet from here. */
  caller: McpCaller;
  lastSeen: number;
  openStreams: number;
}

const SESSION_NOT_FOUND = () =>
  jsonRpcError(
    404,
    -32001,
    'Session not found: it expired, was deleted, or never existed. Start a new session.',
  );

/** What became of a message POSTed to an HTTP+SSE connection. */
export type SseMessageAccepted =
  | {
      readonly ok: true;
      readonly sessionId: string;
      readonly client: ClientIdentity;
      readonly response: McpHttpResponse;
    }
  | { readonly ok: false; readonly response: McpHttpResponse };

const SSE_STREAM: StreamEvent = { kind: 'legacy-sse', era: 'legacy' };

/** The client a session's server met at `initialize` (empty before it). */
const clientOf = (server: Server): ClientIdentity => clientInfoOf(server.getClientVersion()) ?? {};

function isInitialize(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize';
}

/**
 * Stateful connections (server push): one SDK server and transport per session.
 * 2025-era Streamable HTTP sessions (`Mcp-Session-Id`, the GET stream, DELETE,
 * resumability) and 2024-11-05 HTTP+SSE connections share the cap, keep-alive,
 * idle expiry and list-change announcements. A session belongs to the account
 * that created it: anybody else presenting its id is told it does not exist.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly unsubscribe: () => void;
  private readonly sweeper: NodeJS.Timeout;
  private readonly caps: SessionCaps;

  constructor(
    private readonly ops: McpOperations,
    private readonly identity: ServerIdentity,
    bus: EventBus,
    private readonly options: SessionOptions,
  ) {
    this.caps = new SessionCaps(options);
    this.unsubscribe = bus.subscribe((event) => this.announce(event));
    this.sweeper = setInterval(() => this.expireIdle(), Math.min(options.idleTimeoutMs / 2, 60_000));
    this.sweeper.unref();
  }

  /** Does this request name a session (`Mcp-Session-Id`)? */
  names(request: McpHttpRequest): boolean {
    return header(request.headers['mcp-session-id']) !== undefined;
  }

  /** Does this (2025-era) request open a session? */
  opens(request: McpHttpRequest): boolean {
    return request.method === 'POST' && isInitialize(request.body);
  }

  get size(): number {
    return this.sessions.size;
  }

  async handle(request: McpHttpRequest): Promise<McpHttpResponse> {
    const id = header(request.headers['mcp-session-id']);
    if (id === undefined) return this.open(request);
    const session = this.sessions.get(id);
    // Another account's session id gets exactly the answer an unknown id gets.
    if (!session || session.account !== request.caller.account) return SESSION_NOT_FOUND();
    session.caller = request.caller;
    session.lastSeen = Date.now();
    return this.serve(session, request);
  }

  /**
   * `GET /sse`: open an HTTP+SSE connection whose messages are POSTed to
   * `messagesPath?sessionId=…`, followed by `query` (the `/sse` URL's own parameters),
   * so every message is resolved with the selection the connection was opened with.
   */
  async openSse(caller: McpCaller, messagesPath: string, query = ''): Promise<McpHttpResponse> {
    const refused = this.caps.admit(holderOf(caller));
    if (refused) return this.full(refused);
    const id = randomUUID();
    const endpoint = `${messagesPath}?sessionId=${id}${query && `&${query}`}`;
    const transport = new SseServerTransport(id, endpoint, this.options.keepAliveMs);
    const session = this.register(id, caller, transport);
    transport.onclose = () => void this.end(session);
    transport.onerror = (error) => this.options.onError?.(error);
    session.openStreams = 1;
    await this.admitted(session, () => session.server.connect(transport));
    this.sessions.set(id, session);
    this.report(session, 'opened');
    this.options.telemetry?.streamOpened(SSE_STREAM);
    return {
      response: new Response(transport.stream, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
        },
      }),
    };
  }

  /** `POST /messages?sessionId=…`: one message (or batch) for an HTTP+SSE connection; answers go down its stream. */
  postSse(sessionId: string | undefined, caller: McpCaller, body: unknown): SseMessageAccepted {
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    if (
      !session ||
      session.account !== caller.account ||
      !(session.transport instanceof SseServerTransport)
    ) {
      return { ok: false, response: SESSION_NOT_FOUND() };
    }
    session.caller = caller;
    session.lastSeen = Date.now();
    try {
      session.transport.receive(body);
    } catch {
      return {
        ok: false,
        response: jsonRpcError(400, -32700, 'The body is not a JSON-RPC message (or batch of them).'),
      };
    }
    return {
      ok: true,
      sessionId: session.id,
      client: clientOf(session.server),
      response: { status: 202, headers: { 'content-type': 'text/plain' }, body: 'Accepted' },
    };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => this.end(session)));
  }

  private async open(request: McpHttpRequest): Promise<McpHttpResponse> {
    const refused = this.caps.admit(holderOf(request.caller));
    if (refused) return this.full(refused);
    const id = randomUUID();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      // SSE answers, never JSON: the JSON mode leaks per request inside the SDK (PROTOCOL.md).
      enableJsonResponse: false,
      eventStore: this.options.eventStores.forSession(id),
      keepAliveMs: this.options.keepAliveMs,
      onsessionclosed: () => {
        const session = this.sessions.get(id);
        if (session) void this.end(session);
      },
    });
    const session = this.register(id, request.caller, transport);
    transport.onerror = (error) => this.options.onError?.(error);
    const response = await this.admitted(session, async () => {
      await session.server.connect(transport);
      return this.serve(session, request);
    });
    // Registered only once the SDK accepted the initialize (it may refuse it).
    if (transport.sessionId === id) {
      this.sessions.set(id, session);
      this.report(session, 'opened');
    } else {
      this.caps.release(session);
      await transport.close().catch(() => {});
      await session.server.close().catch(() => {});
      this.options.eventStores.dropSession(id);
    }
    return response;
  }

  /** A session record with its own SDK server, reading the caller of its latest request. */
  private register(id: string, caller: McpCaller, transport: Session['transport']): Session {
    const session: Session = {
      id,
      kind: transport instanceof SseServerTransport ? 'legacy-sse' : 'session-http',
      ...holderOf(caller),
      principalId: caller.principal.id,
      caller,
      transport,
      server: undefined as unknown as Server,
      lastSeen: Date.now(),
      openStreams: 0,
    };
    (session as { server: Server }).server = createSdkServer(this.ops, this.identity, liveCaller(session), {
      interactive: true,
    });
    return session;
  }

  /** Run a new session's first steps; if they throw, its slot is given back before the error goes on. */
  private async admitted<T>(session: Session, start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (error) {
      this.caps.release(session);
      throw error;
    }
  }

  /** 503 naming the cap a new session hit. */
  private full(message: string): McpHttpResponse {
    return jsonRpcError(503, -32000, message, { 'retry-after': '30' });
  }

  private async serve(session: Session, request: McpHttpRequest): Promise<McpHttpResponse> {
    if (!(session.transport instanceof WebStandardStreamableHTTPServerTransport)) return SESSION_NOT_FOUND();
    const response = await session.transport.handleRequest(
      toWebRequest(request),
      request.body === undefined ? undefined : { parsedBody: request.body },
    );
    if (response.body === null || !isEventStream(response)) return { response };
    // A session with an open stream is in use, however long it has been since its last request.
    session.openStreams++;
    const event: StreamEvent = { kind: request.method === 'GET' ? 'get' : 'response', era: 'legacy' };
    this.options.telemetry?.streamOpened(event);
    const stream = request.method === 'GET' ? withOpeningComment(response.body) : response.body;
    const body = onStreamEnd(stream, () => {
      session.openStreams--;
      session.lastSeen = Date.now();
      this.options.telemetry?.streamClosed(event);
    });
    return { response: new Response(body, { status: response.status, headers: response.headers }) };
  }

  /** Tell the affected sessions that a list changed (a user's settings, a plugin's tools). */
  private announce(event: KernelEvent): void {
    for (const session of this.sessions.values()) {
      if (event.principalId !== undefined && event.principalId !== session.principalId) continue;
      for (const list of event.lists) {
        const sent =
          list === 'tools'
            ? session.server.sendToolListChanged()
            : list === 'prompts'
              ? session.server.sendPromptListChanged()
              : session.server.sendResourceListChanged();
        sent.catch((error: Error) => this.options.onError?.(error));
        this.options.telemetry?.listChangedSent({
          list,
          client: clientOf(session.server),
          sessionId: session.id,
        });
      }
    }
  }

  private expireIdle(): void {
    const cutoff = Date.now() - this.options.idleTimeoutMs;
    for (const session of this.sessions.values()) {
      if (session.openStreams === 0 && session.lastSeen < cutoff) void this.end(session);
    }
  }

  private async end(session: Session): Promise<void> {
    if (this.sessions.get(session.id) !== session) return;
    this.forget(session.id);
    this.caps.release(session);
    this.report(session, 'closed');
    if (session.kind === 'legacy-sse') this.options.telemetry?.streamClosed(SSE_STREAM);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  }

  private report(session: Session, what: 'opened' | 'closed'): void {
    const { telemetry } = this.options;
    if (!telemetry) return;
    const event = {
      era: 'legacy' as const,
      transport: session.kind,
      client: clientOf(session.server),
      sessionId: session.id,
    };
    if (what === 'opened') telemetry.sessionOpened(event);
    else telemetry.sessionClosed(event);
  }

  private forget(id: string): void {
    this.sessions.delete(id);
    this.options.eventStores.dropSession(id);
  }
}

/** Who a new session is counted against: the caller's account (per address when anonymous). */
const holderOf = (caller: McpCaller): SessionHolder => ({
  account: caller.account,
  anonymous: caller.principal.kind === 'anonymous',
});

/** A caller whose every field reads the session's latest request's caller. */
function liveCaller(session: Session): McpCaller {
  return {
    get principal() {
      return session.caller.principal;
    },
    get credentials() {
      return session.caller.credentials;
    },
    get account() {
      return session.caller.account;
    },
    get toolSet() {
      return session.caller.toolSet;
    },
    get logger() {
      return session.caller.logger;
    },
    get requestId() {
      return session.caller.requestId;
    },
  };
}
