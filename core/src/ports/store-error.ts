/**
 * The ports whose state a deployment keeps in a store: settings, quotas and tokens,
 * and, when shared across instances, the event bus, the sessions' event store and
 * the session registry, and the image links' store.
 */
export type StoreName = 'settings' | 'quotas' | 'tokens' | 'bus' | 'events' | 'sessions' | 'resultLinks';

/** How messages name each store. */
export const STORE_WORDS: Readonly<Record<StoreName, string>> = {
  settings: 'settings store',
  quotas: 'quota store',
  tokens: 'token store',
  bus: 'event bus',
  events: 'session event store',
  sessions: 'session registry',
  resultLinks: 'image link store',
};

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
    super(`the ${STORE_WORDS[store]} is unavailable`, options);
  }
}
