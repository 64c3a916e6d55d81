import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Credentials, type UpstreamStarter, upstreamOutcome } from '@toolhost/core';
import { LRUCache } from 'lru-cache';
import { Agent, fetch as undiciFetch } from 'undici';
import { HubBadAnswerError, HubUnreachableError, unreachableReason } from './errors';
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES } from './retry';

export interface HubHttpOptions {
  /** Per-attempt timeout, milliseconds: connecting, waiting and reading the body. */
  timeoutMs: number;
  /** Retries after a 429 or 5xx answer (0 = none). */
  retries: number;
  /** First backoff delay when the Hub gives no `Retry-After`; doubles with each retry. */
  retryDelayMs: number;
  /** The longest wait before a retry; a longer `Retry-After` is reported to the caller instead. */
  maxRetryWaitMs: number;
  /** At most this many requests in flight to the Hub at once; the rest queue. */
  maxConcurrency: number;
  /** How long a successful GET answer is reused (0 = no cache). */
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /**
   * Told about every attempt that goes to the network (not cache hits) as it starts
   * and ends: latency and outcome for metrics, a trace span whose `traceparent` the
   * attempt carries to the Hub.
   */
  startUpstream?: UpstreamStarter;
}

export const DEFAULT_HTTP_OPTIONS: HubHttpOptions = {
  timeoutMs: 10_000,
  retries: 2,
  retryDelayMs: 500,
  maxRetryWaitMs: 10_000,
  maxConcurrency: 16,
  cacheTtlMs: 60_000,
  cacheMaxEntries: 500,
};

/** The caller's token and abort signal; a ToolContext fits. */
export interface HubCall {
  readonly credentials?: Credentials;
  readonly signal?: AbortSignal;
}

/** What one Hub operation learned from its requests, for the error message if it fails. */
export interface Exchange {
  /** The last 429's `Retry-After`, in whole seconds. */
  retryAfterSeconds?: number;
}

export interface RequestOptions {
  /** Reuse and keep the answer (default: yes, for a GET). */
  cache?: boolean;
}

interface Snapshot {
  status: number;
  headers: [string, string][];
  body: string | null;
}

/** At most this much text in the cache (an answer larger than this is not kept). */
const CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** Statuses whose responses cannot carry a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
/** Headers that described the wire encoding; the snapshot holds decoded text. */
const WIRE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection']);

/**
 * A Hub answer whose `json()` reports a body that is not JSON as the Hub answering
 * badly (not a bare SyntaxError, which would surface as an internal error), and
 * forgets the cached copy so that a retry asks the Hub again.
 */
class HubResponse extends Response {
  constructor(
    snapshot: Snapshot,
    private readonly endpoint: string,
    private readonly forget: () => void,
  ) {
    super(snapshot.body, { status: snapshot.status, headers: snapshot.headers });
  }

  override async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      this.forget();
      throw new HubBadAnswerError(this.endpoint, 'its answer was not valid JSON', error);
    }
  }
}

/** The request with `extra` headers added (trace context); the caller's init is left as it is. */
function withHeaders(init: RequestInit, extra: Readonly<Record<string, string>>): RequestInit {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return { ...init, headers: [...headers] };
}

/** Cache identity: who asked (a hash of the token, never the token) and what exactly. */
function cacheKey(url: string, headers: Headers): string {
  return `${cacheIdentity(headers.get('authorization'))} ${headers.get('accept') ?? '*/*'} ${url}`;
}

/** Who a cached answer belongs to: a hash of the caller's credential (never the credential), or `anonymous`. */
export function cacheIdentity(credential: string | null | undefined): string {
  return credential ? createHash('sha256').update(credential).digest('base64url').slice(0, 32) : 'anonymous';
}

/**
 * Every HTTP request to the Hub goes through here, whether `@huggingface/hub` makes
 * it (as its `fetch`) or the client does. One place for: a per-attempt timeout tied
 * to the caller's abort signal; retries on 429/5xx with backoff that honour
 * `Retry-After`; a concurrency limit (the undici pool's connection count); an
 * LRU+TTL cache of successful GET answers keyed by token hash and request; and
 * telling a network failure (the Hub unreachable) apart from an HTTP error.
 *
 * The retry loop is written out rather than delegated to undici's RetryAgent because
 * a `Retry-After` longer than `maxRetryWaitMs` must end the call at once with that
 * delay in the error ("retry in N s"), not be clamped and waited out.
 */
export class HubHttp {
  readonly options: HubHttpOptions;
  private readonly agent: Agent;
  private readonly cache: LRUCache<string, Snapshot> | undefined;

  constructor(
    private readonly endpoint: string,
    options: Partial<HubHttpOptions> = {},
  ) {
    this.options = { ...DEFAULT_HTTP_OPTIONS, ...options };
    this.agent = new Agent({
      connections: this.options.maxConcurrency,
      // Connecting gets half the attempt's time, so that a Hub that never accepts the
      // connection fails as unreachable (UND_ERR_CONNECT_TIMEOUT, which may fall back to
      // the catalog) before the attempt's own timeout would call it a slow answer.
      connect: { timeout: Math.ceil(this.options.timeoutMs / 2) },
      keepAliveTimeout: 10_000,
    });
    this.cache =
      this.options.cacheTtlMs > 0 && this.options.cacheMaxEntries > 0
        ? new LRUCache({
            max: this.options.cacheMaxEntries,
            ttl: this.options.cacheTtlMs,
            // Docs pages and long paper lists are large: bound the memory, not only the count.
            maxSize: CACHE_MAX_BYTES,
            sizeCalculation: (snapshot) => (snapshot.body?.length ?? 0) + 1,
          })
        : undefined;
  }

  /** A `fetch` for `@huggingface/hub` bound to one call. */
  fetchFor(call: HubCall, exchange: Exchange, options?: RequestOptions): typeof globalThis.fetch {
    return ((input: string | URL | Request, init?: RequestInit) =>
      this.request(
        String(input instanceof Request ? input.url : input),
        init ?? {},
        call,
        exchange,
        options,
      )) as typeof fetch;
  }

  async request(
    url: string,
    init: RequestInit,
    call: HubCall,
    exchange: Exchange,
    options: RequestOptions = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    const key =
      this.cache && method === 'GET' && options.cache !== false ? cacheKey(url, headers) : undefined;
    const forget = () => key && this.cache!.delete(key);
    const toResponse = (snapshot: Snapshot) => new HubResponse(snapshot, this.endpoint, forget);
    const cached = key ? this.cache!.get(key) : undefined;
    if (cached) return toResponse(cached);
    // Only reads are retried: repeating anything else could do it twice.
    const idempotent = method === 'GET' || method === 'HEAD';
    for (let attempt = 0; ; attempt++) {
      let snapshot: Snapshot;
      try {
        snapshot = await this.attempt(url, { ...init, method, headers: [...headers] }, call);
      } catch (error) {
        // An answer cut off midway is retried like a 5xx: the next one usually arrives whole.
        if (!(error instanceof HubBadAnswerError) || !idempotent || attempt >= this.options.retries)
          throw error;
        const wait = backoffDelay(this.options.retryDelayMs, attempt);
        await sleep(wait, undefined, call.signal ? { signal: call.signal } : undefined);
        continue;
      }
      if (RETRYABLE_STATUSES.has(snapshot.status)) {
        const retryAfterMs = parseRetryAfter(new Headers(snapshot.headers).get('retry-after'));
        if (snapshot.status === 429 && retryAfterMs !== undefined) {
          exchange.retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
        }
        const wait = retryAfterMs ?? backoffDelay(this.options.retryDelayMs, attempt);
        if (idempotent && attempt < this.options.retries && wait <= this.options.maxRetryWaitMs) {
          await sleep(wait, undefined, call.signal ? { signal: call.signal } : undefined);
          continue;
        }
      }
      if (key && snapshot.status >= 200 && snapshot.status < 300) this.cache!.set(key, snapshot);
      return toResponse(snapshot);
    }
  }

  /** One HTTP exchange, body read in full under the same timeout. */
  private async attempt(url: string, init: RequestInit, call: HubCall): Promise<Snapshot> {
    const { startUpstream } = this.options;
    if (!startUpstream) return this.exchange(url, init, call);
    const upstream = startUpstream('hub', { method: init.method ?? 'GET', url });
    const traced = Object.keys(upstream.headers).length > 0 ? withHeaders(init, upstream.headers) : init;
    try {
      const snapshot = await this.exchange(url, traced, call);
      upstream.end(upstreamOutcome(snapshot.status), snapshot.status);
      return snapshot;
    } catch (error) {
      upstream.end(
        call.signal?.aborted
          ? 'cancelled'
          : (error as Error | undefined)?.name === 'TimeoutError'
            ? 'timeout'
            : 'network_error',
      );
      throw error;
    }
  }

  /**
   * One request and its body. A failure before the answer began (no status yet)
   * means the Hub could not be reached; one while reading the body means it
   * answered and the answer broke. A timeout or the caller's abort stays as it is.
   */
  private async exchange(url: string, init: RequestInit, call: HubCall): Promise<Snapshot> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      response = await undiciFetch(url, {
        ...(init as object),
        signal,
        dispatcher: this.agent,
      } as Parameters<typeof undiciFetch>[1]);
    } catch (error) {
      const unreachable = signal.aborted ? undefined : unreachableReason(error, url);
      if (unreachable) {
        throw new HubUnreachableError(this.endpoint, unreachable.code, error, unreachable.hint);
      }
      throw error;
    }
    try {
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.text();
      const headers = [...response.headers].filter(([name]) => !WIRE_HEADERS.has(name));
      return { status: response.status, headers, body };
    } catch (error) {
      if (signal.aborted) throw error;
      throw new HubBadAnswerError(
        this.endpoint,
        'the connection broke before the answer was complete',
        error,
      );
    }
  }

  /** Forget every cached answer (tests, or after a token is revoked). */
  clearCache(): void {
    this.cache?.clear();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
