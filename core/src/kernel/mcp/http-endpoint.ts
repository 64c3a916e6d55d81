import {
  classifyInboundRequest,
  createMcpHandler,
  type InboundClassificationOutcome,
  isJsonContentType,
  legacyStatelessFallback,
  type McpHttpHandler,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { McpOperations } from '../operations';
import type { Era, TelemetryHub } from '../telemetry';
import type { McpCaller, ServerIdentity } from './caller';
import { QuickClassifier } from './classify';
import { DirectPath } from './direct-path';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import {
  ClientIdentities,
  eraOf,
  messageFields,
  type RequestSummary,
  responseOutcome,
} from './request-report';
import { createSdkServer } from './sdk-server';

export interface McpHttpEndpointOptions {
  /** Serve hot stateless methods without the SDK's per-request machinery (default true). */
  directPath?: boolean;
  /** Report out-of-band SDK errors (rejected requests, transport faults). */
  onError?: (error: Error) => void;
  /** Where each finished request and each SSE stream is reported. */
  telemetry?: TelemetryHub;
}

/** The answer, and what the request was, for the route's log line. */
export type McpHttpResult = McpHttpResponse & { readonly summary: RequestSummary };

const header = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

function toWebRequest(request: McpHttpRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = request.method === 'POST';
  return new Request(request.url, {
    method: request.method,
    headers,
    signal: request.cancellation.signal,
    ...(hasBody && {
      body: request.rawBody ?? (request.body === undefined ? '' : JSON.stringify(request.body)),
    }),
  });
}

/** A 2025-era request that asked for progress gets an SSE response so progress can reach it. */
function wantsStream(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some(
    (m) =>
      (m as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta?.progressToken !==
      undefined,
  );
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** Pass a stream through, running `done` once when it ends or the client cancels it. */
function onStreamEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason).catch(() => {});
    },
  });
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
  /** How many requests each path answered (for tests, metrics and the dashboard). */
  readonly served = { direct: 0, sdk: 0 };
  private readonly telemetry: TelemetryHub | undefined;
  private readonly clients = new ClientIdentities();

  constructor(
    private readonly ops: McpOperations,
    private readonly identity: ServerIdentity,
    options: McpHttpEndpointOptions = {},
  ) {
    this.telemetry = options.telemetry?.active ? options.telemetry : undefined;
    this.direct = options.directPath === false ? undefined : new DirectPath(ops, identity);
    this.quick = this.direct && new QuickClassifier();
    const factory = ({ requestInfo }: { requestInfo?: Request }) => {
      const caller = requestInfo && this.callers.get(requestInfo);
      if (!caller) throw new Error('MCP request reached the SDK without a caller');
      return createSdkServer(ops, identity, caller);
    };
    const onerror = (error: Error) => options.onError?.(error);
    this.modern = createMcpHandler(factory, { legacy: 'reject', onerror });
    this.legacyNonPost = legacyStatelessFallback(factory, onerror);
  }

  /** Serve one request, and report it: era, method, tool, outcome (and to telemetry, client and duration). */
  async handle(request: McpHttpRequest): Promise<McpHttpResult> {
    const started = performance.now();
    let classification: InboundClassificationOutcome | undefined;
    const served = await this.serve(request, (outcome) => {
      classification = outcome;
    });
    const era = request.method === 'POST' ? eraOf(classification) : 'legacy';
    const status = 'response' in served ? served.response.status : served.status;
    const outcome = await responseOutcome(served);
    const result = outcome === 'stream' ? this.trackStream(served, era) : served;
    const summary: RequestSummary = { ...messageFields(request.body), era, outcome, status };
    const { telemetry } = this;
    if (telemetry) {
      const { caller } = request;
      telemetry.requestFinished({
        ...summary,
        ...(caller.requestId !== undefined && { requestId: caller.requestId }),
        transport: 'stateless-http',
        durationMs: performance.now() - started,
        client: this.clients.identify(request),
        principalKind: caller.principal.kind,
      });
    }
    return { ...result, summary };
  }

  /** Report an SSE answer as an open stream until it ends or the client goes away. */
  private trackStream(result: McpHttpResponse, era: Era | undefined): McpHttpResponse {
    const { telemetry } = this;
    if (!telemetry || !('response' in result) || result.response.body === null) return result;
    const { response } = result;
    const stream = { kind: 'response' as const, ...(era && { era }) };
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
    const direct = this.direct?.tryServe(request, outcome);
    if (direct) {
      this.served.direct++;
      return direct;
    }
    this.served.sdk++;
    return outcome.kind === 'legacy' ? this.serveLegacyPost(request) : this.serveModern(request);
  }

  async close(): Promise<void> {
    await this.modern.close();
  }

  private async serveModern(request: McpHttpRequest): Promise<McpHttpResponse> {
    const web = toWebRequest(request);
    this.callers.set(web, request.caller);
    return {
      response: await this.modern.fetch(
        web,
        request.body === undefined ? undefined : { parsedBody: request.body },
      ),
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
      toWebRequest(request),
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
