/**
 * How a call to an upstream service ended: `ok` (2xx/3xx), `client_error` (4xx),
 * `server_error` (5xx), `network_error` (unreachable), `timeout`, `cancelled`.
 */
export type UpstreamOutcome =
  | 'ok'
  | 'client_error'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'cancelled';

/** One request a plugin made to a service it depends on, for metrics. */
export interface UpstreamCall {
  /** A short, fixed name for the service (`github`, say): a metric label, so never a URL or user input. */
  readonly service: string;
  readonly durationMs: number;
  readonly outcome: UpstreamOutcome;
}

/** Reports upstream calls to the kernel's telemetry; cheap, synchronous, never throws. */
export type UpstreamReporter = (call: UpstreamCall) => void;

/** The outcome of an HTTP exchange that got an answer. */
export function upstreamOutcome(status: number): UpstreamOutcome {
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}

/** What an upstream request is, for its trace span: the HTTP method and URL (the query string is never recorded). */
export interface UpstreamRequest {
  readonly method?: string;
  readonly url?: string;
}

/** One request to an upstream service in flight, from `startUpstream`. */
export interface UpstreamExchange {
  /**
   * Headers to send with the request: W3C `traceparent` (and `tracestate`) when the
   * server traces, so the service's own spans join the caller's trace; empty otherwise.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The request ended: reported to metrics (as `reportUpstream` would) and its span ended. Call once. */
  end(outcome: UpstreamOutcome, status?: number): void;
  /** The request was never sent (refused before it left): nothing reported; its span ends saying why. */
  discard(reason: string): void;
}

/**
 * Starts the report of one request to an upstream service: call it just before the
 * request, inside the tool call that makes it, add `headers` to the request, and call
 * `end` when it is over. Cheap when neither metrics nor tracing are on.
 */
export type UpstreamStarter = (service: string, request?: UpstreamRequest) => UpstreamExchange;
