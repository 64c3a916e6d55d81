/** The ports whose state a deployment keeps in a store. */
export type StoreName = 'settings' | 'quotas' | 'tokens';

/**
 * A store that cannot serve right now: its file became unwritable, the database
 * was closed or locked for too long, a connection was lost. Adapters throw this
 * (with the driver's error as `cause`) so that callers can answer "unavailable;
 * try again" (HTTP 503, an `isError` tool result) instead of a generic internal
 * error, and keep serving. The message names the store, never a path or a value.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(
    readonly store: StoreName,
    options?: { cause?: unknown },
  ) {
    super(
      `the ${store === 'quotas' ? 'quota' : store === 'tokens' ? 'token' : 'settings'} store is unavailable`,
      options,
    );
  }
}
