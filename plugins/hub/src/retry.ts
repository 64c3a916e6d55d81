/** HTTP statuses worth retrying: rate limiting and the Hub's transient server errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * `Retry-After` in milliseconds: either delta-seconds ("30") or an HTTP date.
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month ("Mon, 23 Nov 2026 10:00:45 GMT"); bare numbers are not dates.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Exponential backoff with jitter for the n-th retry (0-based): half the delay is
 * fixed, half random, so that many clients rate-limited together do not retry in step.
 */
export function backoffDelay(baseMs: number, attempt: number, random = Math.random): number {
  const delay = baseMs * 2 ** attempt;
  return Math.round(delay / 2 + random() * (delay / 2));
}
