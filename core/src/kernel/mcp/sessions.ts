import { randomUUID } from 'node:crypto';
import { type Server, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { EventBus, KernelEvent } from '../../ports/event-bus';
import type { EventStore, SessionEventStores } from '../../ports/event-store';
import type { SessionRecord, SessionRegistry } from '../../ports/session-registry';
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
  /**
   * Where sessions are registered so that any instance can serve them (with a shared
   * event store, resume their streams too). Absent: a session lives on its instance only.
   */
  registry?: SessionRegistry;
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
  /** Open standalone GET streams (server-initiated messages go down these). */
  getStreams: number;
  /** Opened on another instance and served here from the registry: not counted against this one's caps. */
  adopted: boolean;
  /** When the registry entry was last kept alive from here. */
  touchedAt: number;
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
  /** Sessions of other instances being rebuilt here, so concurrent requests rebuild each once. */
  private readonly adopting = new Map<string, Promise<Session | undefined>>();
  private readonly unsubscribe: () => void;
  private readonly sweeper: NodeJS.Timeout;
  private readonly caps: SessionCaps;

  constructor(
    private readonly ops: McpOperations,
    private readonly identity: ServerIdentity,
    private readonly bus: EventBus,
    private readonly options: SessionOptions,
  ) {
    this.caps = new SessionCaps(options);
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'list-changed') this.announce(event);
      else if (event.type === 'session-closed') {
        // Deleted through another instance: drop the copy held here.
        const session = this.sessions.get(event.sessionId);
        if (session) void this.end(session, { local: true });
      }
    });
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
    const session = this.sessions.get(id) ?? (await this.adopt(id, request.caller));
    // Another account's session id gets exactly the answer an unknown id gets.
    if (!session || session.account !== request.caller.account) return SESSION_NOT_FOUND();
    session.caller = request.caller;
    session.lastSeen = Date.now();
    this.keepRegistered(session);
    return this.serve(session, request);
  }

  /**
   * A session this instance does not hold, opened on another: rebuilt from its
   * registry record (owner, and the `initialize` that opened it, replayed into a
   * fresh SDK server and transport under the same id), so it is served here without
   * sticky routing. Its event store is the shared one, so `Last-Event-ID` replays.
   * A registry that cannot answer throws `StoreUnavailableError` (a retryable 503).
   */
  private adopt(id: string, caller: McpCaller): Promise<Session | undefined> {
    const { registry } = this.options;
    if (!registry) return Promise.resolve(undefined);
    let pending = this.adopting.get(id);
    if (!pending) {
      pending = this.rebuild(id, caller, registry).finally(() => this.adopting.delete(id));
      this.adopting.set(id, pending);
    }
    return pending;
  }

  private async rebuild(
    id: string,
    caller: McpCaller,
    registry: SessionRegistry,
  ): Promise<Session | undefined> {
    const record = await registry.get(id);
    if (!record || record.account !== caller.account) return undefined;
    // The replayed initialize's answer is not the client's: it is kept out of the shared event store.
    let replaying = true;
    const shared = this.options.eventStores.forSession(id);
    const events: EventStore = {
      storeEvent: (streamId, message) =>
        replaying ? Promise.resolve(`replayed_${streamId}`) : shared.storeEvent(streamId, message),
      replayEventsAfter: (lastEventId, send) => shared.replayEventsAfter(lastEventId, send),
      ...(shared.getStreamIdForEventId && {
        getStreamIdForEventId: (eventId: string) => shared.getStreamIdForEventId!(eventId),
      }),
    };
    const transport = this.streamableTransport(id, events);
    const session = this.register(id, caller, transport, record);
    transport.onerror = (error) => this.options.onError?.(error);
    try {
      await session.server.connect(transport);
      const answer = await transport.handleRequest(
        new Request('http://toolhost.invalid/mcp', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        }),
        {
          parsedBody: { jsonrpc: '2.0', id: `adopt-${id}`, method: 'initialize', params: record.initialize },
        },
      );
      // Read the answer to its end: the SDK has then finished with the initialize.
      await answer.text();
    } catch (error) {
      await transport.close().catch(() => {});
      await session.server.close().catch(() => {});
      throw error;
    } finally {
      replaying = false;
    }
    if (transport.sessionId !== id) return undefined;
    const raced = this.sessions.get(id);
    if (raced) return raced;
    this.sessions.set(id, session);
    this.report(session, 'opened');
    return session;
  }

  /** Keep a session in use registered (at most every quarter of the idle timeout, in the background). */
  private keepRegistered(session: Session): void {
    const { registry, idleTimeoutMs } = this.options;
    if (!registry || Date.now() - session.touchedAt < idleTimeoutMs / 4) return;
    session.touchedAt = Date.now();
    registry.touch(session.id, idleTimeoutMs).catch((error: Error) => this.options.onError?.(error));
  }

  /**
   * A 2025 Streamable HTTP transport for session `id`. Closing the session (DELETE)
   * ends it here and, with a registry, everywhere.
   */
  private streamableTransport(id: string, eventStore: EventStore): WebStandardStreamableHTTPServerTransport {
    return new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      // SSE answers, never JSON: the JSON mode leaks per request inside the SDK (PROTOCOL.md).
      enableJsonResponse: false,
      eventStore,
      keepAliveMs: this.options.keepAliveMs,
      onsessionclosed: () => {
        const session = this.sessions.get(id);
        if (session) void this.end(session, { deleted: true });
      },
    });
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

  /** Close every session held here; registered sessions stay open for the other instances. */
  async close(): Promise<void> {
    this.unsubscribe();
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => this.end(session, { local: true })));
  }

  private async open(request: McpHttpRequest): Promise<McpHttpResponse> {
    const refused = this.caps.admit(holderOf(request.caller));
    if (refused) return this.full(refused);
    const id = randomUUID();
    const transport = this.streamableTransport(id, this.options.eventStores.forSession(id));
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
      await this.publish(session, request.body);
    } else {
      this.caps.release(session);
      await transport.close().catch(() => {});
      await session.server.close().catch(() => {});
      this.options.eventStores.dropSession(id);
    }
    return response;
  }

  /**
   * Register a new session for other instances (when there is a registry). A registry
   * that cannot take it does not fail the initialize: the session then lives here only.
   */
  private async publish(session: Session, initialize: unknown): Promise<void> {
    const { registry } = this.options;
    if (!registry) return;
    const params = (initialize as { params?: Record<string, unknown> }).params ?? {};
    const record: SessionRecord = {
      id: session.id,
      account: session.account,
      principalId: session.principalId,
      anonymous: session.anonymous,
      initialize: params,
    };
    session.touchedAt = Date.now();
    await registry
      .put(record, this.options.idleTimeoutMs)
      .catch((error: Error) => this.options.onError?.(error));
  }

  /** A session record with its own SDK server, reading the caller of its latest request. */
  private register(
    id: string,
    caller: McpCaller,
    transport: Session['transport'],
    adoptedFrom?: SessionRecord,
  ): Session {
    const session: Session = {
      id,
      kind: transport instanceof SseServerTransport ? 'legacy-sse' : 'session-http',
      ...(adoptedFrom
        ? { account: adoptedFrom.account, anonymous: adoptedFrom.anonymous }
        : holderOf(caller)),
      principalId: adoptedFrom?.principalId ?? caller.principal.id,
      caller,
      transport,
      server: undefined as unknown as Server,
      lastSeen: Date.now(),
      openStreams: 0,
      getStreams: 0,
      adopted: adoptedFrom !== undefined,
      touchedAt: 0,
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
      toWebRequest(request, { abortable: false }),
      request.body === undefined ? undefined : { parsedBody: request.body },
    );
    if (response.body === null || !isEventStream(response)) return { response };
    // A session with an open stream is in use, however long it has been since its last request.
    session.openStreams++;
    const isGet = request.method === 'GET';
    if (isGet) session.getStreams++;
    const event: StreamEvent = { kind: isGet ? 'get' : 'response', era: 'legacy' };
    this.options.telemetry?.streamOpened(event);
    const stream = isGet ? withOpeningComment(response.body) : response.body;
    const body = onStreamEnd(stream, () => {
      session.openStreams--;
      if (isGet) session.getStreams--;
      session.lastSeen = Date.now();
      this.options.telemetry?.streamClosed(event);
    });
    return { response: new Response(body, { status: response.status, headers: response.headers }) };
  }

  /** Whether a session of this principal's is open here (it would hear a list change). */
  holds(principalId: string): boolean {
    for (const session of this.sessions.values()) if (session.principalId === principalId) return true;
    return false;
  }

  /**
   * Tell the affected sessions that a list changed (a user's settings, a plugin's tools).
   * With a registry several instances may hold a copy of one session and every one hears
   * the change: only the copy holding the session's GET stream sends it (HTTP+SSE
   * connections are never shared), so the client gets it once.
   */
  private announce(event: Extract<KernelEvent, { type: 'list-changed' }>): void {
    for (const session of this.sessions.values()) {
      if (event.principalId !== undefined && event.principalId !== session.principalId) continue;
      if (this.options.registry && session.kind === 'session-http' && session.getStreams === 0) continue;
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

  /** Idle here: the copy held here goes; a registered session expires in the registry by itself. */
  private expireIdle(): void {
    const cutoff = Date.now() - this.options.idleTimeoutMs;
    for (const session of this.sessions.values()) {
      if (session.openStreams === 0 && session.lastSeen < cutoff) void this.end(session, { local: true });
    }
  }

  /**
   * End a session here. `deleted` (the client's DELETE): in the registry and on every
   * instance too. `local`: only this instance's copy; with a registry, the session
   * and its events stay for the others.
   */
  private async end(session: Session, how: { deleted?: boolean; local?: boolean } = {}): Promise<void> {
    if (this.sessions.get(session.id) !== session) return;
    const { registry } = this.options;
    const everywhere = !registry || !how.local;
    this.sessions.delete(session.id);
    if (everywhere) this.options.eventStores.dropSession(session.id);
    if (!session.adopted) this.caps.release(session);
    this.report(session, 'closed');
    if (registry && how.deleted) {
      await registry.delete(session.id).catch((error: Error) => this.options.onError?.(error));
      await Promise.resolve(this.bus.publish({ type: 'session-closed', sessionId: session.id })).catch(
        (error: Error) => this.options.onError?.(error),
      );
    }
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
    get results() {
      return session.caller.results;
    },
    get client() {
      return session.caller.client;
    },
  };
}
