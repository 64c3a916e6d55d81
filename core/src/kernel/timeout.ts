/** Thrown by `withTimeout` when the deadline passes; callers turn it into a clear message. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** Thrown by `withTimeout` when the caller's signal aborts first (client cancelled or went away). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(reason?: unknown) {
    super('cancelled', reason === undefined ? undefined : { cause: reason });
  }
}

/**
 * Run `work` with a deadline. The work gets a signal that aborts on the deadline or
 * when `parent` aborts, and the returned promise settles then even if the work
 * ignores its signal, so a stuck handler can never hang a request.
 *
 * A caller that already owns an AbortController for this work (the direct path
 * makes one per request) passes it as `own`: its signal is then both the parent
 * and the work's signal, and no second controller is made on the hot path.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T> | T,
  own?: AbortController,
): Promise<T> {
  if (own) parent = own.signal;
  if (parent?.aborted) throw new CancelledError(parent.reason);
  const controller = own ?? new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    onParentAbort = () => {
      const error = new CancelledError(parent?.reason);
      if (!own) controller.abort(error);
      reject(error);
    };
    parent?.addEventListener('abort', onParentAbort, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => work(controller.signal)), stop]);
  } finally {
    clearTimeout(timer);
    if (onParentAbort) parent?.removeEventListener('abort', onParentAbort);
  }
}
