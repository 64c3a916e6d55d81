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
