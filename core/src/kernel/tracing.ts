import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { UpstreamOutcome, UpstreamRequest } from '../api/upstream';
import type { CallOutcome } from './gate';
import type { RequestFinished } from './telemetry';

/*
 * OpenTelemetry traces. The kernel depends on `@opentelemetry/api` only: the
 * composition root (the server) sets up the SDK, the exporter, the context manager
 * and the W3C propagator when tracing is configured, and hands the kernel a Tracer.
 * Without one the kernel holds no `Tracing` at all and every hook below is skipped
 * by an `undefined` check: no span, context or carrier object is made per request.
 *
 * The spans (names and attributes after OpenTelemetry's MCP and GenAI conventions):
 *
 *   tools/call model_search       SERVER    one per MCP request, whatever its transport
 *   └─ execute_tool model_search  INTERNAL  one per tool call (the call gate)
 *      └─ hub GET                 CLIENT    one per upstream request a plugin makes
 */

/** W3C trace context as a request carries it: HTTP headers, or a message's `_meta` (SEP-414 keys). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const firstString = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : Array.isArray(value) && typeof value[0] === 'string'
      ? value[0]
      : undefined;

/**
 * The trace context a request names: the message's `_meta.traceparent` (the MCP
 * level, as 2026-07-28 clients send it; any era's message may carry it) wins over
 * the HTTP `traceparent` header (set by whatever hop sent the HTTP request).
 */
export function traceCarrierOf(
  headers: Readonly<Record<string, string | readonly string[] | undefined>> | undefined,
  body: unknown,
): TraceCarrier | undefined {
  const params = isObject(body) ? body['params'] : undefined;
  const meta = isObject(params) ? params['_meta'] : undefined;
  if (isObject(meta) && typeof meta['traceparent'] === 'string') {
    const tracestate = meta['tracestate'];
    return {
      traceparent: meta['traceparent'],
      ...(typeof tracestate === 'string' && { tracestate }),
    };
  }
  const traceparent = firstString(headers?.['traceparent']);
  if (traceparent === undefined) return undefined;
  const tracestate = firstString(headers?.['tracestate']);
  return { traceparent, ...(tracestate !== undefined && { tracestate }) };
}

/** A started MCP request span and the context that makes it the parent of what the request does. */
export interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
}

const failedCall = (outcome: CallOutcome) => outcome !== 'ok';
const failedRequest = (outcome: RequestFinished['outcome']) =>
  outcome === 'error' || outcome === 'http_error';

/** One upstream request in flight: its span and the headers that carry the trace on. */
export interface UpstreamSpan {
  readonly headers: Readonly<Record<string, string>>;
  end(outcome: UpstreamOutcome, status?: number): void;
  discard(reason: string): void;
}

export class Tracing {
  constructor(private readonly tracer: Tracer) {}

  /**
   * Start the span of one MCP request. Its parent is the caller's trace context
   * (when it sent one); `name` is the method (and tool) if known at the start,
   * completed by `finishRequest`.
   */
  startRequest(carrier: TraceCarrier | undefined, fields: { method?: string; tool?: string }): RequestSpan {
    const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(
      spanName(fields.method, fields.tool),
      { kind: SpanKind.SERVER, attributes: methodAttributes(fields.method, fields.tool) },
      parent,
    );
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Run `fn` with the request's span as the active one, so the spans it causes are its children. */
  within<T>(request: RequestSpan, fn: () => T): T {
    return context.with(request.context, fn);
  }

  /** Name, describe and end a request's span from its record. */
  finishRequest(span: Span, record: RequestFinished): void {
    const { method, tool, era, transport, outcome, status, sessionId, principalKind } = record;
    span.updateName(spanName(method, tool));
    span.setAttributes({
      ...methodAttributes(method, tool),
      'network.transport': transport === 'stdio' ? 'pipe' : 'tcp',
      'toolhost.transport': transport,
      'toolhost.outcome': outcome,
      'toolhost.principal.kind': principalKind,
      ...(era !== undefined && { 'toolhost.era': era }),
      ...(status !== undefined && { 'http.response.status_code': status }),
      ...(sessionId !== undefined && { 'mcp.session.id': sessionId }),
      ...(record.requestId !== undefined && { 'toolhost.request.id': record.requestId }),
    });
    if (failedRequest(outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    span.end();
  }

  /** End the span of a request whose serving threw (the app's error handler answers it). */
  abandonRequest(span: Span, error: unknown): void {
    if (!span.isRecording()) return;
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.name ?? 'error' });
    span.end();
  }

  /** Run one tool call in its span (a child of the active request span). */
  async toolCall<T extends { outcome: CallOutcome }>(
    tool: { readonly name: string; readonly pluginId: string },
    run: () => Promise<T>,
  ): Promise<T> {
    return this.tracer.startActiveSpan(
      `execute_tool ${tool.name}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': tool.name,
          'toolhost.plugin': tool.pluginId,
        },
      },
      async (span) => {
        try {
          const done = await run();
          span.setAttribute('toolhost.outcome', done.outcome);
          if (failedCall(done.outcome)) {
            span.setAttribute('error.type', done.outcome);
            span.setStatus({ code: SpanStatusCode.ERROR, message: done.outcome });
          }
          return done;
        } catch (error) {
          // Not a failure of the call when the transport turns it into a round trip; recorded as raised.
          span.recordException(error as Error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * Start the span of one request a plugin makes to a service it depends on, and
   * the `traceparent`/`tracestate` headers that make it the parent of what that
   * service records. Only inside a traced request: work outside one (start-up, a
   * token check before the request's span) starts no trace of its own. Inside an
   * unsampled one the span records nothing, and the headers still say "not sampled".
   */
  startUpstream(plugin: string, service: string, request: UpstreamRequest): UpstreamSpan | undefined {
    const active = context.active();
    if (trace.getSpan(active) === undefined) return undefined;
    const method = (request.method ?? 'GET').toUpperCase();
    const attributes: Attributes = {
      'http.request.method': method,
      'toolhost.plugin': plugin,
      'toolhost.upstream.service': service,
    };
    if (request.url !== undefined) {
      // Host and path only: a query string may carry what the user searched for.
      const url = URL.canParse(request.url) ? new URL(request.url) : undefined;
      if (url) {
        attributes['server.address'] = url.hostname;
        attributes['url.path'] = url.pathname;
        if (url.port) attributes['server.port'] = Number(url.port);
      }
    }
    const span = this.tracer.startSpan(`${service} ${method}`, { kind: SpanKind.CLIENT, attributes }, active);
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(active, span), headers);
    return {
      headers,
      end(outcome, status) {
        span.setAttribute('toolhost.outcome', outcome);
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (outcome !== 'ok') {
          span.setAttribute('error.type', status !== undefined ? String(status) : outcome);
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        }
        span.end();
      },
      discard(reason) {
        span.setAttribute('toolhost.outcome', 'not_sent');
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
        span.end();
      },
    };
  }
}

function spanName(method: string | undefined, tool: string | undefined): string {
  if (method === undefined) return 'mcp request';
  return tool === undefined ? method : `${method} ${tool}`;
}

function methodAttributes(method: string | undefined, tool: string | undefined): Attributes {
  return {
    ...(method !== undefined && { 'mcp.method.name': method }),
    ...(tool !== undefined && { 'gen_ai.tool.name': tool }),
  };
}
