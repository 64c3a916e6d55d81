import type { Logger } from '../api/logger';
import type { RequestFinished, TelemetryHub } from './telemetry';
import type { RequestSpan, Tracing } from './tracing';

/**
 * The one place a finished MCP request is recorded, whatever carried it (stateless
 * HTTP, a session, HTTP+SSE, stdio): the telemetry report (metrics, connection
 * records, re-list tracking) and the request's log line. Transports build the record
 * from what they parsed and answered anyway; nothing is parsed again for it.
 *
 * When the server traces, a transport starts the request's span (with `tracing`)
 * and serves the request in it; `finish` names and ends the span with the record.
 */
export class RequestRecorder {
  constructor(
    private readonly telemetry: TelemetryHub | undefined,
    readonly tracing?: Tracing,
  ) {}

  /** Whether telemetry listens: transports skip work only telemetry needs (client identity). */
  get observed(): boolean {
    return this.telemetry !== undefined;
  }

  finish(request: RequestFinished, logger: Logger, span?: RequestSpan): void {
    this.telemetry?.requestFinished(request);
    if (span) this.tracing?.finishRequest(span.span, request);
    const { method, tool, era, transport, status, outcome, principalKind, durationMs } = request;
    logger.info(
      {
        method,
        tool,
        era,
        transport,
        status,
        outcome,
        principal: principalKind,
        ms: Math.round(durationMs * 10) / 10,
      },
      'mcp request',
    );
  }
}
