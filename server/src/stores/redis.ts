import { randomUUID } from 'node:crypto';
import type {
  EventBus,
  EventStore,
  KernelEvent,
  QuotaCharge,
  QuotaStore,
  SessionEventStores,
  SessionRecord,
  SessionRegistry,
  StoreName,
} from '@toolhost/core/ports';
import { InMemoryEventBus, StoreUnavailableError, windowStart } from '@toolhost/core/ports';
import { Redis } from 'ioredis';
import { type StoreFaultListener, StoreOpenError } from './sqlite';

/** `redis://user:secret@host` → `redis://user:***@host`: a URL fit for a log line or an error. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}

/** A driver's message on one line, for the start-up error. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The process's Redis connection, shared by every store that keeps state in Redis
 * (quotas, the sessions' event store and registry, and any later one): one client
 * for commands and, once the bus asks for it, one subscriber. Commands never wait
 * for a lost connection (no offline queue) and time out after `timeoutMs`, so a
 * Redis outage is an immediate `StoreUnavailableError`, never a hang; the clients
 * reconnect by themselves, forever, with a capped back-off.
 */
export class RedisConnection {
  readonly client: Redis;
  private subscriberClient?: Redis;
  private lastError?: Error;

  private constructor(
    readonly url: string,
    readonly keyPrefix: string,
    private readonly timeoutMs: number,
    private readonly onFault?: StoreFaultListener,
  ) {
    this.client = new Redis(url, this.options());
    this.client.on('error', (error: Error) => {
      this.lastError = error;
    });
  }

  /**
   * Connect and check that Redis answers.
   * @throws StoreOpenError (one line, the URL without its password) when it does not.
   */
  static async open(
    url: string,
    keyPrefix: string,
    timeoutMs: number,
    onFault?: StoreFaultListener,
  ): Promise<RedisConnection> {
    const connection = new RedisConnection(url, keyPrefix, timeoutMs, onFault);
    try {
      await connection.client.connect();
      await connection.client.ping();
    } catch (error) {
      const reason = connection.lastError?.message ?? (error as Error).message;
      connection.close();
      throw new StoreOpenError(`cannot reach Redis at ${redactUrl(url)}: ${oneLine(reason)}`, {
        cause: error,
      });
    }
    return connection;
  }

  private options() {
    return {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
    };
  }

  /** `toolhost:` + `quota:…`: every key this process writes starts with the prefix. */
  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  /** Run one store operation; any failure is reported and thrown as unavailable. */
  async run<T>(store: StoreName, operation: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await operation(this.client);
    } catch (error) {
      this.onFault?.(store, error);
      throw new StoreUnavailableError(store, { cause: error });
    }
  }

  /** Resolves when Redis answers now; rejects (`StoreUnavailableError` naming `store`) when not. */
  ping(store: StoreName): Promise<void> {
    return this.run(store, async (client) => {
      await client.ping();
    });
  }

  /** Resolves once the command connection is up (at once when it is). */
  ready(): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.client.once('ready', () => resolve()));
  }

  /** The one subscriber connection (pub/sub needs its own), made on first use. */
  subscriber(): Redis {
    if (!this.subscriberClient) {
      // The offline queue stays on here: SUBSCRIBE issued before the connection is up waits for it.
      this.subscriberClient = new Redis(this.url, {
        ...this.options(),
        lazyConnect: false,
        enableOfflineQueue: true,
      });
      this.subscriberClient.on('error', () => {});
    }
    return this.subscriberClient;
  }

  close(): void {
    this.client.disconnect();
    this.subscriberClient?.disconnect();
  }
}

/**
 * Check and charge in one step inside Redis, so concurrent charges from any number
 * of instances never pass the last unit together. One key per account and window
 * (`…:<window start>`), expiring after its window.
 */
const CHARGE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if used + cost > tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], cost)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, used}
`;

type ChargingRedis = Redis & {
  toolhostCharge(key: string, cost: number, limit: number, ttlMs: number): Promise<[number, number]>;
};

export class RedisQuotaStore implements QuotaStore {
  constructor(private readonly redis: RedisConnection) {
    // EVALSHA, falling back to EVAL when Redis lost its script cache (a restart).
    redis.client.defineCommand('toolhostCharge', { numberOfKeys: 1, lua: CHARGE_SCRIPT });
  }

  async charge(
    key: string,
    cost: number,
    limit: number,
    windowMs: number,
    now = Date.now(),
  ): Promise<QuotaCharge> {
    const start = windowStart(now, windowMs);
    const resetAt = start + windowMs;
    const [allowed, used] = await this.redis.run('quotas', (client) =>
      (client as ChargingRedis).toolhostCharge(
        this.redis.key('quota', key, String(start)),
        cost,
        limit,
        windowMs + 60_000,
      ),
    );
    return { allowed: allowed === 1, used, resetAt };
  }

  ping(): Promise<void> {
    return this.redis.ping('quotas');
  }
}

interface BusMessage {
  readonly origin: string;
  readonly event: KernelEvent;
}

/** The bus's channel: one per key prefix, so deployments sharing a Redis do not hear each other. */
const busChannel = (redis: RedisConnection) => redis.key('bus');

/**
 * Publish one event to every instance on the bus, from a process that does not listen
 * (the tokens CLI announcing a revocation). Rejects when Redis cannot take it.
 */
export async function publishToInstances(
  redis: RedisConnection,
  event: KernelEvent,
  origin = 'toolhost-cli',
): Promise<void> {
  const message: BusMessage = { origin, event };
  await redis.client.publish(busChannel(redis), JSON.stringify(message));
}

const EVERY_LIST: KernelEvent = { type: 'list-changed', lists: ['tools', 'prompts', 'resources'] };

/**
 * The event bus across instances, on Redis pub/sub. An event is delivered to this
 * process's listeners at once and published for the others, which deliver it to
 * theirs (each ignores its own). While Redis is down, events still reach this
 * process and the others miss them: when the subscriber is back, every open
 * stream here is told all its lists changed (and every cached settings copy is
 * dropped), so clients re-list and nothing missed stays stale.
 */
export class RedisEventBus implements EventBus {
  private readonly local: InMemoryEventBus;
  private readonly origin = randomUUID();
  private readonly channel: string;
  private subscribed = false;
  private lost = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly onFault?: StoreFaultListener,
    onListenerError?: (error: unknown) => void,
  ) {
    this.local = new InMemoryEventBus(onListenerError);
    this.channel = busChannel(redis);
    const subscriber = redis.subscriber();
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    subscriber.on('close', () => {
      if (this.subscribed) this.lost = true;
    });
    subscriber.on('ready', () => {
      if (!this.lost) return;
      this.lost = false;
      // Sending a list_changed stores it in the sessions' event store first: wait for the
      // command connection too, or the announcement is lost to its reconnect back-off.
      void redis.ready().then(() => this.local.publish(EVERY_LIST));
    });
  }

  /** Subscribe before serving: resolves once the subscription is in place. */
  async start(): Promise<void> {
    await this.redis.subscriber().subscribe(this.channel);
    this.subscribed = true;
  }

  async publish(event: KernelEvent): Promise<void> {
    this.local.publish(event);
    try {
      await publishToInstances(this.redis, event, this.origin);
    } catch (error) {
      // Not thrown: the change itself is saved; the others catch up when the bus is back.
      this.onFault?.('bus', error);
    }
  }

  subscribe(listener: (event: KernelEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  /** Ready while the subscriber is connected and subscribed. */
  async ping(): Promise<void> {
    if (this.redis.subscriber().status !== 'ready' || !this.subscribed) {
      throw new StoreUnavailableError('bus');
    }
  }

  private receive(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      return;
    }
    if (message.origin === this.origin || typeof message.event?.type !== 'string') return;
    this.local.publish(message.event);
  }
}

/** `<stream id>_<Redis stream entry id>` → its parts; entry ids (`1700000000000-0`) hold no `_`. */
function parseEventId(eventId: string): { streamId: string; entry: string } | undefined {
  const at = eventId.lastIndexOf('_');
  if (at <= 0) return undefined;
  const entry = eventId.slice(at + 1);
  return /^\d+-\d+$/.test(entry) ? { streamId: eventId.slice(0, at), entry } : undefined;
}

/**
 * One session's events in a Redis stream (`XADD`, trimmed to about `maxEvents`),
 * shared by every instance: a client resuming with `Last-Event-ID` on any of them
 * gets what it missed. Event ids are the SDK stream id and the entry id.
 */
class RedisSessionEventLog implements EventStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly key: string,
    private readonly maxEvents: number,
    private readonly ttlMs: number,
  ) {}

  async storeEvent(streamId: string, message: unknown): Promise<string> {
    const entry = await this.redis.run('events', async (client) => {
      const [[addError, id], [expireError]] = (await client
        .multi()
        .xadd(
          this.key,
          'MAXLEN',
          '~',
          String(this.maxEvents),
          '*',
          's',
          streamId,
          'm',
          JSON.stringify(message),
        )
        .pexpire(this.key, this.ttlMs)
        .exec()) as [[Error | null, string], [Error | null, unknown]];
      if (addError || expireError) throw addError ?? expireError;
      return id;
    });
    return `${streamId}_${entry}`;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const parsed = parseEventId(eventId);
    if (!parsed) return undefined;
    const found = await this.redis.run('events', (client) =>
      client.xrange(this.key, parsed.entry, parsed.entry),
    );
    return found.length > 0 ? parsed.streamId : undefined;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: never) => Promise<void> },
  ): Promise<string> {
    const parsed = parseEventId(lastEventId);
    const streamId = parsed && (await this.getStreamIdForEventId(lastEventId));
    if (!parsed || !streamId)
      throw new Error(`Unknown event id ${JSON.stringify(lastEventId)} in this session`);
    const entries = await this.redis.run('events', (client) =>
      client.xrange(this.key, `(${parsed.entry}`, '+'),
    );
    for (const [entry, fields] of entries) {
      const values = Object.fromEntries(
        fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1]]] : [])),
      );
      if (values['s'] === streamId)
        await send(`${streamId}_${entry}`, JSON.parse(values['m'] ?? 'null') as never);
    }
    return streamId;
  }
}

/** The sessions' event stores on Redis, one stream per session, expiring with the session. */
export class RedisSessionEventStores implements SessionEventStores {
  constructor(
    private readonly redis: RedisConnection,
    /** How long a session's events outlive its last event (the session idle timeout). */
    private readonly ttlMs: number,
    private readonly maxEventsPerSession = 1_000,
  ) {}

  forSession(sessionId: string): EventStore {
    return new RedisSessionEventLog(
      this.redis,
      this.redis.key('events', sessionId),
      this.maxEventsPerSession,
      this.ttlMs,
    ) as EventStore;
  }

  dropSession(sessionId: string): void {
    this.redis.run('events', (client) => client.del(this.redis.key('events', sessionId))).catch(() => {});
  }

  ping(): Promise<void> {
    return this.redis.ping('events');
  }
}

/** Open 2025 sessions on Redis, one key per session expiring after the idle timeout unless touched. */
export class RedisSessionRegistry implements SessionRegistry {
  constructor(private readonly redis: RedisConnection) {}

  async put(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.redis.run('sessions', (client) =>
      client.set(this.redis.key('session', record.id), JSON.stringify(record), 'PX', ttlMs),
    );
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const text = await this.redis.run('sessions', (client) => client.get(this.redis.key('session', id)));
    return text ? (JSON.parse(text) as SessionRecord) : undefined;
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    await this.redis.run('sessions', (client) => client.pexpire(this.redis.key('session', id), ttlMs));
  }

  async delete(id: string): Promise<void> {
    await this.redis.run('sessions', (client) => client.del(this.redis.key('session', id)));
  }
}
