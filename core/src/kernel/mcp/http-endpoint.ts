import {
  type CallToolResult,
  classifyInboundRequest,
  createMcpHandler,
  type InboundClassificationOutcome,
  type InputRequiredResult,
  isJsonContentType,
  legacyStatelessFallback,
  type McpHttpHandler,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { McpOperations } from '../operations';
import type { RequestRecorder } from '../request-recorder';
import { selectionSize } from '../selection-size';
import type { ClientIdentity, Era, RequestFinished, RequestOutcome, TelemetryHub } from '../telemetry';
import { type RequestSpan, type Tracing, traceCarrierOf } from '../tracing';
import type { McpCaller, ServerIdentity } from './caller';
import { QuickClassifier } from './classify';
import { DirectPath } from './direct-path';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import type { PrincipalScopedListenBus } from './listen-bus';
import { HEADER_MISMATCH, paramHeaderMismatch } from './param-headers';
import { legacyVersionRefusal, modernVersionRefusal } from './protocol-versions';
import {
  ClientIdentities,
  eraOf,
  messageFields,
  probeOutcome,
  requestFields,
  responseOutcome,
  revisionOf,
} from './request-report';
import { createSdkServer } from './sdk-server';
import type { SessionManager } from './sessions';
import type { TaskListenStreams } from './task-listen';
import { header, isEventStream, jsonRpcError, onStreamEnd, toWebRequest } from './web';

export interface McpHttpEndpointOptions {
  /** Serve hot stateless methods without the SDK's per-request machinery (default true). */
  directPath?: boolean;
  /** Report out-of-band SDK errors (rejected requests, transport faults). */
  onError?: (error: Error) => void;
  /** Where each SSE stream is reported; absent when nothing listens. */
  telemetry?: TelemetryHub;
  /** Where each finished request is recorded (telemetry and the log line). */
  recorder: RequestRecorder;
  /** 2025-era stateful sessions; without them every 2025 request is served statelessly. */
  sessions?: SessionManager;
  /** Feeds `subscriptions/listen` streams (2026-07-28), scoped to the caller that opened each. */
  listenBus?: PrincipalScopedListenBus;
  /** Serves the `subscriptions/listen` streams that ask for task notifications (`taskIds`). */
  taskListen?: TaskListenStreams;
}

const statusOf = (result: McpHttpResponse) => ('response' in result ? result.response.status : result.status);

/** A 2025-era request that asked for progress gets an SSE response so progress can reach it. */
function wantsStream(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some(
    (m) =>
      (m as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta?.progressToken !==
      undefined,
  );
}

/** A 2026-07-28 tools/call whose `Mcp-Param-*` headers disagree with its arguments: 400, -32020. */
function paramHeaderRefusal(request: McpHttpRequest): McpHttpResponse | undefined {
  const body = request.body as {
    id?: unknown;
    method?: unknown;
    params?: { name?: unknown; arguments?: unknown };
  };
  if (body?.method !== 'tools/call' || typeof body.params?.name !== 'string') return undefined;
  const declared = request.caller.toolSet.tools.get(body.params.name)?.paramHeaders;
  if (!declared || declared.length === 0) return undefined;
  const why = paramHeaderMismatch(declared, body.params.arguments, request.headers);
  if (why === undefined) return undefined;
  return {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: body.id ?? null,
      error: { code: HEADER_MISMATCH, message: `Header mismatch: ${why}` },
    }),
  };
}

/**
 * The MCP endpoint, independent of the web framework. Every POST is classified
 * once with the SDK's own classifier; the direct path answers what it can, the
 * rest goes to the SDK: `createMcpHandler` for 2026-07-28 traffic, and a
 * per-request stateless Streamable HTTP transport for 2025-era traffic (JSON
 * responses, or SSE when the request carries a progress token).
 */
export class McpHttpEndpoint {
  private readonly direct: DirectPath | undefined;
  private readonly quick: QuickClassifier | undefined;
  private readonly modern: McpHttpHandler;
  private readonly legacyNonPost: (request: Request) => Promise<Response>;
  /** The caller of each web Request handed to the SDK, for its server factory. */
  private readonly callers = new WeakMap<Request, McpCaller>();
  /** A tools/call the direct path already ran, whose result the SDK path only encodes. */
  private readonly settledCalls = new WeakMap<Request, CallToolResult | InputRequiredResult>();
  /** How many requests each path answered (for tests, metrics and the dashboard). */
  readonly served = { direct: 0, sdk: 0 };
  private readonly telemetry: TelemetryHub | undefined;
  private readonly clients = new ClientIdentities();
  private readonly sessions: SessionManager | undefined;
  private readonly listenBus: PrincipalScopedListenBus | undefined;
  private readonly taskListen: TaskListenStreams | undefined;
  private readonly recorder: RequestRecorder;

  constructor(
    private readonly ops: McpOperations,
    private readonly identity: ServerIdentity,
    options: McpHttpEndpointOptions,
  ) {
    this.recorder = options.recorder;
    this.telemetry = options.telemetry;
    this.sessions = options.sessions;
    this.listenBus = options.listenBus;
    this.taskListen = options.taskListen;
    this.direct =
      options.directPath === false
        ? undefined
        : new DirectPath(ops, identity, (request, result) => this.serveModern(request, result));
    this.quick = this.direct && new QuickClassifier();
    const factory = ({ era, requestInfo }: { era?: string; requestInfo?: Request }) => {
      const caller = requestInfo && this.callers.get(requestInfo);
      if (!caller) throw new Error('MCP request reached the SDK without a caller');
      const settledCall = this.settledCalls.get(requestInfo);
      return createSdkServer(ops, identity, caller, {
        roundTrip: era === 'modern',
        ...(settledCall && { settledCall }),
      });
    };
    const onerror = (error: Error) => options.onError?.(error);
    this.modern = createMcpHandler(factory, {
      legacy: 'reject',
      onerror,
      ...(options.listenBus && { bus: options.listenBus }),
    });
    this.legacyNonPost = legacyStatelessFallback(factory, onerror);
  }

  /**
   * Serve one request to any of the MCP HTTP endpoints (Streamable HTTP at `/mcp`,
   * and HTTP+SSE's `/sse` and `/messages`), and record it once: telemetry and the log line.
   */
  handle(request: McpHttpRequest): Promise<McpHttpResponse> {
    // Opening an HTTP+SSE stream is no request of its own: its messages arrive at /messages.
    if (request.endpoint === 'sse') return this.handleLegacySse(request);
    const { tracing } = this.recorder;
    return tracing ? this.handleTraced(request, tracing) : this.handleRequest(request);
  }

  /** Serve a request in its span, the caller's trace context (if any) its parent. */
  private async handleTraced(request: McpHttpRequest, tracing: Tracing): Promise<McpHttpResponse> {
    const span = tracing.startRequest(
      traceCarrierOf(request.headers, request.body),
      request.endpoint === 'messages' ? messageFields(request.body) : requestFields(request),
    );
    try {
      return await tracing.within(span, () => this.handleRequest(request, span));
    } catch (error) {
      tracing.abandonRequest(span.span, error);
      throw error;
    }
  }

  private async handleRequest(given: McpHttpRequest, span?: RequestSpan): Promise<McpHttpResponse> {
    const request = this.withClient(given);
    if (request.endpoint === 'messages') return this.handleLegacySse(request, span);
    const started = performance.now();
    let classification: InboundClassificationOutcome | undefined;
    const served = await this.serve(request, (outcome) => {
      classification = outcome;
    });
    // Session streams are reported by the session manager, which knows when they end.
    const sessionId = this.sessionOf(request, served);
    // Sessions are 2025-era only; a request naming one was not classified.
    const era = request.method === 'POST' && sessionId === undefined ? eraOf(classification) : 'legacy';
    const status = statusOf(served);
    const outcome = probeOutcome(request, status) ?? (await responseOutcome(served));
    const fields = requestFields(request);
    // Only telemetry reads the revision: not worked out when nothing listens.
    const revision = this.recorder.observed ? revisionOf(request, classification) : undefined;
    const result =
      outcome === 'stream' && sessionId === undefined
        ? this.trackStream(served, era, fields.method === 'subscriptions/listen' ? 'listen' : 'response')
        : served;
    this.record(
      request,
      {
        ...fields,
        ...(era !== undefined && { era }),
        ...(revision !== undefined && { revision }),
        outcome,
        status,
        transport: sessionId === undefined ? 'stateless-http' : 'session-http',
        durationMs: performance.now() - started,
        ...(sessionId !== undefined && { sessionId }),
        ...this.listed(request, fields.method, outcome),
      },
      undefined,
      span,
    );
    return result;
  }

  /** HTTP+SSE (2024-11-05): `GET /sse` opens a connection, `POST /messages?sessionId=…` feeds it. */
  private async handleLegacySse(request: McpHttpRequest, span?: RequestSpan): Promise<McpHttpResponse> {
    const { sessions } = this;
    if (!sessions) return jsonRpcError(404, -32000, 'The HTTP+SSE transport needs transport.sessions.');
    const url = new URL(request.url);
    const { caller } = request;
    if (request.endpoint === 'sse') {
      // The /sse URL's own parameters (?tools=, ?plugins=, …) travel with every message.
      const query = new URLSearchParams(url.searchParams);
      query.delete('sessionId');
      const opened = await sessions.openSse(
        caller,
        url.pathname.replace(/sse$/, 'messages'),
        query.toString(),
      );
      caller.logger.info({ transport: 'legacy-sse', principal: caller.principal.kind }, 'sse stream opened');
      return opened;
    }
    const started = performance.now();
    const sessionId = url.searchParams.get('sessionId') ?? undefined;
    const accepted = sessions.postSse(sessionId, caller, request.body);
    // The answer goes down the stream later: what is recorded here is the message's acceptance.
    this.record(
      request,
      {
        ...messageFields(request.body),
        era: 'legacy',
        transport: 'legacy-sse',
        outcome: accepted.ok ? 'ok' : 'http_error',
        status: statusOf(accepted.response),
        durationMs: performance.now() - started,
        ...(accepted.ok && { sessionId: accepted.sessionId }),
        ...this.listed(request, messageFields(request.body).method, accepted.ok ? 'ok' : 'http_error'),
      },
      accepted.ok ? accepted.client : undefined,
      span,
    );
    return accepted.response;
  }

  /** For an answered (or accepted) tools/list, when telemetry listens: the size of what it listed. */
  private listed(request: McpHttpRequest, method: string | undefined, outcome: RequestOutcome) {
    if (method !== 'tools/list' || !this.recorder.observed || (outcome !== 'ok' && outcome !== 'stream'))
      return undefined;
    return { selection: selectionSize(request.caller.toolSet) };
  }

  /**
   * The request with its client's identity on the caller, when per-client result rules
   * need it: a 2025 client's tools/call carries no clientInfo, but the endpoint remembers
   * what its initialize said.
   */
  private withClient(request: McpHttpRequest): McpHttpRequest {
    if (!this.ops.clientRules.any || request.caller.client) return request;
    return { ...request, caller: { ...request.caller, client: this.clients.identify(request) } };
  }

  private record(
    request: McpHttpRequest,
    fields: Omit<RequestFinished, 'client' | 'principalKind' | 'requestId'>,
    client?: ClientIdentity,
    span?: RequestSpan,
  ): void {
    const { caller } = request;
    this.recorder.finish(
      {
        ...fields,
        ...(caller.requestId !== undefined && { requestId: caller.requestId }),
        // Who the client is matters only to telemetry: not worked out when nothing listens.
        client: client ?? caller.client ?? (this.recorder.observed ? this.clients.identify(request) : {}),
        principalKind: caller.principal.kind,
      },
      caller.logger,
      span,
    );
  }

  /** The session a request was served in: the one it named, or the one its initialize opened. */
  private sessionOf(request: McpHttpRequest, served: McpHttpResponse): string | undefined {
    if (!this.sessions) return undefined;
    const named = header(request.headers['mcp-session-id']);
    if (named !== undefined) return named;
    return 'response' in served ? (served.response.headers.get('mcp-session-id') ?? undefined) : undefined;
  }

  /** Report an SSE answer as an open stream until it ends or the client goes away. */
  private trackStream(
    result: McpHttpResponse,
    era: Era | undefined,
    kind: 'response' | 'listen',
  ): McpHttpResponse {
    const { telemetry } = this;
    if (!telemetry || !('response' in result) || result.response.body === null) return result;
    const { response } = result;
    const stream = { kind, ...(era && { era }) };
    telemetry.streamOpened(stream);
    return {
      response: new Response(
        onStreamEnd(response.body!, () => telemetry.streamClosed(stream)),
        { status: response.status, headers: response.headers },
      ),
    };
  }

  private async serve(
    request: McpHttpRequest,
    classified: (outcome: InboundClassificationOutcome) => void,
  ): Promise<McpHttpResponse> {
    // Requests for a 2025-era transport: its version check, listing every version served.
    const legacyBound = request.method !== 'POST' || this.sessions?.names(request);
    const refused = legacyBound ? legacyVersionRefusal(request) : undefined;
    if (refused) return refused;
    if (this.sessions?.names(request)) {
      this.served.sdk++;
      return this.sessions.handle(request);
    }
    const isJson = isJsonContentType(header(request.headers['content-type']));
    if (request.method !== 'POST' || request.body === undefined || !isJson) {
      this.served.sdk++;
      if (request.method !== 'POST') {
        const web = toWebRequest(request);
        this.callers.set(web, request.caller);
        return { response: await this.legacyNonPost(web) };
      }
      // As createMcpHandler does: a JSON POST with an empty or unparseable body goes to the
      // legacy leg (the SDK's parse error); any other media type gets the modern handler's 415.
      return isJson ? this.serveLegacyPost(request) : this.serveModern(request);
    }
    const outcome =
      this.quick?.classify(request.headers, request.body) ??
      classifyInboundRequest({
        httpMethod: 'POST',
        protocolVersionHeader: header(request.headers['mcp-protocol-version']),
        mcpMethodHeader: header(request.headers['mcp-method']),
        mcpNameHeader: header(request.headers['mcp-name']),
        body: request.body,
      });
    classified(outcome);
    const refusedVersion =
      outcome.kind === 'legacy' ? legacyVersionRefusal(request) : modernVersionRefusal(outcome, request.body);
    if (refusedVersion) return refusedVersion;
    const mismatch = outcome.kind === 'modern' ? paramHeaderRefusal(request) : undefined;
    if (mismatch) return mismatch;
    if (outcome.kind === 'modern' && this.taskListen?.claims(request)) {
      this.served.sdk++;
      return this.taskListen.serve(request);
    }
    // A 2025-era initialize opens a session; a 2026-07-28 one is the modern handler's to refuse.
    if (this.sessions && outcome.kind === 'legacy' && this.sessions.opens(request)) {
      this.served.sdk++;
      return this.sessions.handle(request);
    }
    const direct = this.direct?.tryServe(request, outcome);
    if (direct) {
      this.served.direct++;
      return direct;
    }
    this.served.sdk++;
    return outcome.kind === 'legacy' ? this.serveLegacyPost(request) : this.serveModern(request);
  }

  async close(): Promise<void> {
    await this.sessions?.close();
    await this.modern.close();
  }

  private async serveModern(
    request: McpHttpRequest,
    settledCall?: CallToolResult | InputRequiredResult,
  ): Promise<McpHttpResponse> {
    const web = toWebRequest(request);
    this.callers.set(web, request.caller);
    if (settledCall) this.settledCalls.set(web, settledCall);
    const serve = () =>
      this.modern.fetch(web, request.body === undefined ? undefined : { parsedBody: request.body });
    if (!this.listenBus) return { response: await serve() };
    return {
      response: await this.listenBus.run(request.caller, serve, () => this.clients.identify(request)),
    };
  }

  private async serveLegacyPost(request: McpHttpRequest): Promise<McpHttpResponse> {
    const server = createSdkServer(this.ops, this.identity, request.caller);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !wantsStream(request.body),
    });
    await server.connect(transport);
    const teardown = () => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    };
    request.cancellation.onCancel(teardown);
    const response = await transport.handleRequest(
      toWebRequest(request, { abortable: false }),
      request.body === undefined ? undefined : { parsedBody: request.body },
    );
    if (response.body === null || !isEventStream(response)) {
      teardown();
      return { response };
    }
    return {
      response: new Response(onStreamEnd(response.body, teardown), {
        status: response.status,
        headers: response.headers,
      }),
    };
  }
}
