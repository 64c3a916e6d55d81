/**
 * What the kernel announces to open client streams. Today: a list changed (the
 * tools a caller may see, prompts, resources), either for one principal (their
 * settings changed) or for everyone (`principalId` absent).
 */
export interface ListChangedEvent {
  readonly type: 'list-changed';
  readonly lists: readonly ('tools' | 'prompts' | 'resources')[];
  /** Only this principal's streams; every stream when absent. */
  readonly principalId?: string;
}

/**
 * A Toolhost API token was revoked (by the CLI, say): every instance forgets the
 * identity it cached for that token, so the token stops working everywhere at once.
 */
export interface TokenRevokedEvent {
  readonly type: 'token-revoked';
  /** The token's public id (the first characters of its hash). */
  readonly tokenId: string;
}

/** A 2025 session was deleted (or expired) on one instance: the others drop their copy of it. */
export interface SessionClosedEvent {
  readonly type: 'session-closed';
  readonly sessionId: string;
}

/**
 * A task's observable state changed (its status, status message or questions): the
 * `subscriptions/listen` streams that asked for it read it again and send it.
 */
export interface TaskChangedEvent {
  readonly type: 'task-changed';
  readonly taskId: string;
  /** The account that owns the task: only its streams may hear of it. */
  readonly owner: string;
}

export type KernelEvent = ListChangedEvent | TokenRevokedEvent | SessionClosedEvent | TaskChangedEvent;

/**
 * The event bus port. In-process by default; a deployment of several instances
 * supplies a shared implementation (Redis pub/sub) so that a settings change on
 * one instance reaches streams held by another. Listeners must ignore event types
 * they do not know: the union grows.
 */
export interface EventBus {
  publish(event: KernelEvent): void | Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: KernelEvent) => void): () => void;
  close?(): void | Promise<void>;
}

/** Delivers synchronously to listeners in this process; a throwing listener does not stop the others. */
export class InMemoryEventBus implements EventBus {
  private readonly listeners = new Set<(event: KernelEvent) => void>();

  constructor(private readonly onError?: (error: unknown) => void) {}

  publish(event: KernelEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError?.(error);
      }
    }
  }

  subscribe(listener: (event: KernelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
