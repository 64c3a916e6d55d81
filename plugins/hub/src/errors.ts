import { HubApiError } from '@huggingface/hub';
import { ToolError } from '@toolhost/core';
import type { Exchange } from './http';

/**
 * The Hub could not be reached at all — DNS, a refused or timed-out connection, a
 * port fetch will not use — so no answer began. Searches may fall back to the
 * offline catalog for this, and only for this.
 */
export class HubUnreachableError extends ToolError {
  constructor(
    readonly endpoint: string,
    /** The network error code (ECONNREFUSED, ENOTFOUND…), or what fetch said when it gave none. */
    readonly code: string,
    cause?: unknown,
    /** What to do when waiting will not help (a setting to change); default: try again later. */
    readonly hint?: string,
  ) {
    super(
      `The Hugging Face Hub at ${endpoint} could not be reached (${code}). ${hint ?? 'Try again later.'}`,
      { cause },
    );
  }
}

/**
 * The Hub began an answer and it broke: the connection was cut midway, or the body
 * is not the JSON it should be. Not "unreachable" — the catalog must not stand in
 * for a Hub that is up — but usually transient, so the model is told to retry.
 */
export class HubBadAnswerError extends ToolError {
  constructor(
    readonly endpoint: string,
    /** What was wrong with the answer, e.g. "the connection broke before the answer was complete". */
    readonly reason: string,
    cause?: unknown,
  ) {
    super(
      `The Hugging Face Hub at ${endpoint} answered badly (${reason}). This is usually temporary: retry the call.`,
      { cause },
    );
  }
}

/** What the caller asked for, so that a 404 can name it: "No model named X". */
export interface Subject {
  kind: 'model' | 'dataset' | 'space' | 'paper' | 'repository' | 'documentation page';
  id: string;
}

/** The Hub answered 404 for a named thing; callers that probe several kinds catch this one. */
export class HubNotFoundError extends ToolError {
  constructor(readonly subject: Subject) {
    super(`No ${subject.kind} named ${subject.id} on the Hugging Face Hub (or it is private).`);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The network error code behind a failed fetch, if it was a network failure. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a fetch failed before any answer came, and what to do about it if not "wait". */
export interface Unreachable {
  code: string;
  hint?: string;
}

/**
 * Why a fetch failed before any answer came, if it was the network's doing: the
 * network error code, else — fetch rejects with "fetch failed" and a cause for
 * every failure to connect, coded or not (a TLS failure, a blocked port) — the
 * cause's own code or words. Undefined for anything else (a bug, a bad argument).
 */
export function unreachableReason(error: unknown, url: string): Unreachable | undefined {
  const code = networkErrorCode(error);
  if (code) return { code };
  if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause?.message === 'bad port') {
    // Fetch never connects to some ports (9, 25, 6000…): a setting to change, not an outage to wait out.
    const port = new URL(url).port;
    return {
      code: 'bad port',
      hint: `Fetch never connects to port ${port}; set HF_ENDPOINT to another port.`,
    };
  }
  if (typeof cause?.code === 'string') return { code: cause.code };
  return { code: typeof cause?.message === 'string' && cause.message ? cause.message : 'fetch failed' };
}

function rateLimited(exchange: Exchange): ToolError {
  const seconds = exchange.retryAfterSeconds;
  return new ToolError(
    `The Hugging Face Hub rate-limited this request (429); retry in ${seconds === undefined ? 'a minute' : `${seconds} s`}.`,
    seconds === undefined ? undefined : { meta: { retryAfterSeconds: seconds } },
  );
}

/**
 * Turn anything the Hub client threw into an error a model can act on. Errors that
 * are already `ToolError`s pass through; a caller's own abort is re-thrown as is
 * so the kernel reports a cancellation, not a Hub failure.
 */
export function toToolError(
  error: unknown,
  subject: Subject | undefined,
  timeoutMs: number,
  exchange: Exchange,
  signal?: AbortSignal,
): Error {
  if (error instanceof ToolError) return error;
  if (signal?.aborted) return error instanceof Error ? error : new Error(String(error));
  if (error instanceof HubApiError) {
    const what = subject ? `${subject.kind} ${subject.id}` : 'this request';
    switch (error.statusCode) {
      case 401:
        return new ToolError(
          'The Hugging Face Hub rejected the token (401): it is invalid or expired. Check the token sent in the Authorization header.',
        );
      case 403:
        return new ToolError(`The Hub refused access to ${what} (403): the token lacks permission for it.`);
      case 404:
        return subject ? new HubNotFoundError(subject) : new ToolError('Not found on the Hub (404).');
      case 429:
        return rateLimited(exchange);
      default:
        return new ToolError(
          `The Hugging Face Hub answered ${error.statusCode} for ${what}; try again later.`,
        );
    }
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ToolError(
      `The Hugging Face Hub did not answer within ${timeoutMs / 1000} s; try again later.`,
    );
  }
  if (error instanceof TypeError && /access token must start with/.test(error.message)) {
    return new ToolError(
      'The Authorization header does not carry a Hugging Face token (they start with hf_).',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
