/**
 * What another instance needs to serve a 2025 session it did not open: who owns
 * it, and the `initialize` request that opened it (the client's protocol version,
 * capabilities and identity), from which it rebuilds the session's SDK server.
 */
export interface SessionRecord {
  readonly id: string;
  /** The account that created it; nobody else may use its id. */
  readonly account: string;
  readonly principalId: string;
  readonly anonymous: boolean;
  /** The params of the `initialize` request that opened the session. */
  readonly initialize: Readonly<Record<string, unknown>>;
}

/**
 * The sessions port: where open 2025 sessions are registered so that any instance
 * behind a load balancer can serve a request for one (no sticky routing). Absent
 * (the default), a session lives and dies with the instance that opened it.
 */
export interface SessionRegistry {
  /** Register a new session; it expires after `ttlMs` unless touched. */
  put(record: SessionRecord, ttlMs: number): Promise<void>;
  /** The session's record, or undefined when it is unknown, expired or deleted. */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Keep a session in use alive for another `ttlMs`. */
  touch(id: string, ttlMs: number): Promise<void>;
  delete(id: string): Promise<void>;
}
