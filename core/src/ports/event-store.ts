import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

export type { EventStore };

/**
 * The resumability port: where a stateful session's outgoing SSE events are kept so
 * a client that lost its stream can reconnect with `Last-Event-ID` and get what it
 * missed. Every session gets its own store, so a replay can only ever reach the
 * events of the session it is asked through (an event id from another session is
 * simply unknown there). A multi-instance deployment supplies a shared implementation.
 */
export interface SessionEventStores {
  /** The store of one session (created on first use). */
  forSession(sessionId: string): EventStore;
  /** Forget a closed or expired session's events. */
  dropSession(sessionId: string): void;
}

interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly message: JSONRPCMessage;
}

/** One session's events, in order; the oldest are dropped past `maxEvents`. */
class SessionEventLog implements EventStore {
  private readonly events: StoredEvent[] = [];
  private next = 0;

  constructor(private readonly maxEvents: number) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    // The stream id is part of the event id so a replay knows which stream it resumes.
    const id = `${streamId}_${(this.next++).toString(36)}`;
    this.events.push({ id, streamId, message });
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.events.find((event) => event.id === eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const index = this.events.findIndex((event) => event.id === lastEventId);
    if (index < 0) throw new Error(`Unknown event id ${JSON.stringify(lastEventId)} in this session`);
    const { streamId } = this.events[index]!;
    for (const event of this.events.slice(index + 1)) {
      if (event.streamId === streamId) await send(event.id, event.message);
    }
    return streamId;
  }
}

/** In-process event stores, one bounded log per session. */
export class InMemorySessionEventStores implements SessionEventStores {
  private readonly logs = new Map<string, SessionEventLog>();

  /** @param maxEventsPerSession how many recent events a reconnecting client can get back. */
  constructor(private readonly maxEventsPerSession = 1_000) {}

  forSession(sessionId: string): EventStore {
    let log = this.logs.get(sessionId);
    if (!log) {
      log = new SessionEventLog(this.maxEventsPerSession);
      this.logs.set(sessionId, log);
    }
    return log;
  }

  dropSession(sessionId: string): void {
    this.logs.delete(sessionId);
  }

  get sessionCount(): number {
    return this.logs.size;
  }
}
