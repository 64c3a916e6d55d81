import { type Cancellation, CancellationSource } from './cancellation';

/** Thrown by `withTimeout` when the deadline passes; callers turn it into a clear message. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** Thrown by `withTimeout` when the caller cancels first (client cancelled or went away). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(reason?: unknown) {
    super('cancelled', reason === undefined ? undefined : { cause: reason });
  }
}

/**
 * Run `work` with a deadline. The work gets its own cancellation, cancelled on the
 * deadline or when `parent` is; the returned promise settles then even if the work
 * ignores it, so a stuck handler can never hang a request.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  parent: Cancellation | undefined,
  work: (cancellation: Cancellation) => Promise<T> | T,
): Promise<T> {
  if (parent?.cancelled) throw new CancelledError();
  const own = new CancellationSource();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(timeoutMs);
      own.cancel(error);
      reject(error);
    }, timeoutMs);
    unsubscribe = parent?.onCancel((reason) => {
      const error = new CancelledError(reason);
      own.cancel(error);
      reject(error);
    });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => work(own)), stop]);
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
  }
}
