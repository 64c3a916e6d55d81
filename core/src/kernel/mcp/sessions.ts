import { randomUUID } from 'node:crypto';
import { type Server, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { EventBus, KernelEvent } from '../../ports/event-bus';
import type { SessionEventStores } from '../../ports/event-store';
import type { McpOperations } from '../operations';
import type { McpCaller, ServerIdentity } from './caller';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import { createSdkServer } from './sdk-server';
import { isEventStream, jsonRpcError, onStreamEnd, toWebRequest, withOpeningComment } from './web';

export interface SessionOptions {
  /** Refuse new sessions beyond this many open ones (503). */
  maxSessions: number;
  /** Close a session nobody has used (no request, no open stream) for this long. */
  idleTimeoutMs: number;
  /** SSE comment pings on open streams, so proxies keep them open. */
  keepAliveMs: number;
  /** Where each session's events are kept for `Last-Event-ID` replay. */
  eventStores: SessionEventStores;
  onError?: (error: Error) => void;
}

interface Session {
  readonly id: string;
  /** The account that created it; nobody else may use its id. */
  readonly account: string;
  readonly principalId: string;
  readonly server: Server;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  /** The latest request's caller: the session's handlers read its ToolSet from here. */
  caller: McpCaller;
  lastSeen: number;
  openStreams: number;
}

const header = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

function isInitialize(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize';
}

/**
 * 2025-era stateful sessions (server push): one SDK server and Streamable HTTP
 * transport per `Mcp-Session-Id`, with the GET stream, DELETE, keep-alive,
 * resumability, idle expiry and a cap. A session belongs to the account that
 * created it: anybody else presenting its id is told it does not exist.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly unsubscribe: () => void;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ops: McpOperations,
    private readonly identity: ServerIdentity,
    bus: EventBus,
    private readonly options: SessionOptions,
  ) {
    this.unsubscribe = bus.subscribe((event) => this.announce(event));
    this.sweeper = setInterval(() => this.expireIdle(), Math.min(options.idleTimeoutMs / 2, 60_000));
    this.sweeper.unref();
  }

  /** Does this request belong to the session layer (it names a session, or opens one)? */
  claims(request: McpHttpRequest): boolean {
    if (header(request.headers['mcp-session-id']) !== undefined) return true;
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
    if (!session || session.account !== request.caller.account) {
      return jsonRpcError(
        404,
        -32001,
        'Session not found: it expired, was deleted, or never existed. Initialize a new session.',
      );
    }
    session.caller = request.caller;
    session.lastSeen = Date.now();
    return this.serve(session, request);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => this.end(session)));
  }

  private async open(request: McpHttpRequest): Promise<McpHttpResponse> {
    if (this.sessions.size >= this.options.maxSessions) {
      return jsonRpcError(
        503,
        -32000,
        `Too many open sessions (the limit is ${this.options.maxSessions}); try again later, and close sessions you no longer need with DELETE.`,
        { 'retry-after': '30' },
      );
    }
    const id = randomUUID();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      // SSE answers, never JSON: the JSON mode leaks per request inside the SDK (PROTOCOL.md).
      enableJsonResponse: false,
      eventStore: this.options.eventStores.forSession(id),
      keepAliveMs: this.options.keepAliveMs,
      onsessionclosed: () => this.forget(id),
    });
    const session: Session = {
      id,
      account: request.caller.account,
      principalId: request.caller.principal.id,
      caller: request.caller,
      transport,
      server: undefined as unknown as Server,
      lastSeen: Date.now(),
      openStreams: 0,
    };
    (session as { server: Server }).server = createSdkServer(this.ops, this.identity, liveCaller(session), {
      interactive: true,
    });
    transport.onerror = (error) => this.options.onError?.(error);
    await session.server.connect(transport);
    const response = await this.serve(session, request);
    // Registered only once the SDK accepted the initialize (it may refuse it).
    if (transport.sessionId === id) this.sessions.set(id, session);
    else await this.end(session);
    return response;
  }

  private async serve(session: Session, request: McpHttpRequest): Promise<McpHttpResponse> {
    const response = await session.transport.handleRequest(
      toWebRequest(request),
      request.body === undefined ? undefined : { parsedBody: request.body },
    );
    if (response.body === null || !isEventStream(response)) return { response };
    // A session with an open stream is in use, however long it has been since its last request.
    session.openStreams++;
    const stream = request.method === 'GET' ? withOpeningComment(response.body) : response.body;
    const body = onStreamEnd(stream, () => {
      session.openStreams--;
      session.lastSeen = Date.now();
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
    this.forget(session.id);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  }

  private forget(id: string): void {
    this.sessions.delete(id);
    this.options.eventStores.dropSession(id);
  }
}

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
