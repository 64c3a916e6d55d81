import { isAbsolute, resolve } from 'node:path';
import type { KernelHealth } from '@toolhost/core/kernel';
import {
  type EventBus,
  InMemoryQuotaStore,
  InMemorySettingsStore,
  InMemoryTaskStore,
  InMemoryTokenStore,
  type QuotaStore,
  type ResultLinkStore,
  type SessionEventStores,
  type SessionRegistry,
  type SettingsStore,
  type StoreName,
  type TaskStore,
  type TokenStore,
} from '@toolhost/core/ports';
import type { Manifest } from '../manifest';
import { HfSettingsStore } from './hf-settings';
import type { PostgresDatabase } from './postgres';
import type { RedisConnection, RedisEventBus, RedisSessionEventStores } from './redis';
import { RedisResultLinkStore } from './redis-result-links';
import { RedisTaskStore } from './redis-tasks';
import {
  SqliteDatabase,
  SqliteQuotaStore,
  SqliteSettingsStore,
  SqliteTokenStore,
  type StoreFaultListener,
  StoreOpenError,
} from './sqlite';
import { SqliteTaskStore } from './sqlite-tasks';

export { RedisResultLinkStore } from './redis-result-links';
export { RedisTaskStore } from './redis-tasks';
export { StoreOpenError } from './sqlite';
export { SqliteTaskStore } from './sqlite-tasks';

/** Each store's kind and whether it can serve now (`/readyz`); the bus and event store only when shared. */
export type StoresHealth = Partial<Record<StoreName, { kind: string; ok: boolean; error?: unknown }>>;

export interface Stores {
  settings: SettingsStore;
  quotas: QuotaStore;
  tokens: TokenStore;
  /** The shared event bus (`stores.bus: redis`); the kernel's in-process bus when absent. */
  bus?: EventBus;
  /** The shared sessions' event store and registry (`stores.events: redis`). */
  sessions?: { eventStores: SessionEventStores; registry: SessionRegistry };
  /** Tasks (2026-07-28 tasks extension). */
  tasks: TaskStore;
  /** Images taken out of results (`stores.resultLinks: redis`); the kernel holds them in memory when absent. */
  resultLinks?: ResultLinkStore;
  /** The SQLite file in use, if any. */
  sqlitePath?: string;
  /** The open SQLite database, if any. */
  database?: SqliteDatabase;
  /** The process's Redis connection, if a store uses Redis: later Redis-backed stores take this one. */
  redis?: RedisConnection;
  postgres?: PostgresDatabase;
  /** Ping every store; `error` (for the log only) says why one cannot serve. */
  health(): Promise<StoresHealth>;
  close(): Promise<void>;
}

type PortName = 'settings' | 'quotas' | 'tokens' | 'tasks';

/** A store that needs a URL nobody gave: the start-up error says where to set it. */
function urlOf(
  given: string | undefined,
  env: string | undefined,
  what: string,
  field: string,
  variable: string,
) {
  const url = given ?? env;
  if (!url) throw new StoreOpenError(`${what} is configured but has no URL: set ${field} or ${variable}`);
  return url;
}

/**
 * The manifest's `stores`: which adapter backs each port (SQLite by default),
 * Redis and PostgreSQL connections opened once and shared by the stores that use
 * them, and checked before serving. `onFault` hears every store failure once open
 * (for the operator's log and metrics).
 * @throws StoreOpenError when a store cannot be opened or reached (one line, no secret).
 */
export async function openStores(
  manifest: Manifest,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
  catalog: () => KernelHealth['tools'],
  onFault?: StoreFaultListener,
): Promise<Stores> {
  const config = manifest.stores;
  const kind = (port: PortName): string => config[port] ?? config.default;
  const ports: readonly PortName[] = ['settings', 'quotas', 'tokens', 'tasks'];
  const uses = (what: string) => ports.some((port) => kind(port) === what);
  const needsRedis =
    kind('quotas') === 'redis' ||
    kind('tasks') === 'redis' ||
    config.resultLinks === 'redis' ||
    config.bus === 'redis' ||
    config.events === 'redis';
  const opened: { close(): unknown }[] = [];
  // The drivers load only when a store uses them: a SQLite or stdio server starts without them.
  const redisStores = needsRedis ? await import('./redis') : undefined;
  const postgresStores = uses('postgres') ? await import('./postgres') : undefined;
  try {
    const path = isAbsolute(config.path) ? config.path : resolve(baseDir, config.path);
    const sqlite = uses('sqlite') ? new SqliteDatabase(path, onFault) : undefined;
    if (sqlite) opened.push(sqlite);
    const redis = redisStores
      ? await redisStores.RedisConnection.open(
          urlOf(config.redis.url, env['REDIS_URL'], 'a redis store', 'stores.redis.url', 'REDIS_URL'),
          config.redis.keyPrefix,
          config.timeout,
          onFault,
        )
      : undefined;
    if (redis) opened.push(redis);
    const postgres = postgresStores
      ? await postgresStores.PostgresDatabase.open(
          urlOf(
            config.postgres.url,
            env['DATABASE_URL'],
            'a postgres store',
            'stores.postgres.url',
            'DATABASE_URL',
          ),
          config.timeout,
          onFault,
        )
      : undefined;
    if (postgres) opened.push(postgres);

    const hfSettingsUrl =
      config.hfSettingsUrl ??
      `${(env['HF_ENDPOINT'] ?? 'https://huggingface.co').replace(/\/+$/, '')}/api/settings/mcp`;
    const settingsKind = kind('settings');
    const settings: SettingsStore =
      settingsKind === 'hf'
        ? new HfSettingsStore(hfSettingsUrl, catalog)
        : settingsKind === 'postgres'
          ? new postgresStores!.PostgresSettingsStore(postgres!)
          : sqlite && settingsKind === 'sqlite'
            ? new SqliteSettingsStore(sqlite)
            : new InMemorySettingsStore();
    const quotaKind = kind('quotas');
    const quotas: QuotaStore =
      quotaKind === 'redis'
        ? new redisStores!.RedisQuotaStore(redis!)
        : quotaKind === 'postgres'
          ? new postgresStores!.PostgresQuotaStore(postgres!)
          : sqlite && quotaKind === 'sqlite'
            ? new SqliteQuotaStore(sqlite)
            : new InMemoryQuotaStore();
    const tokenKind = kind('tokens');
    const tokens: TokenStore =
      tokenKind === 'postgres'
        ? new postgresStores!.PostgresTokenStore(postgres!)
        : sqlite && tokenKind === 'sqlite'
          ? new SqliteTokenStore(sqlite)
          : new InMemoryTokenStore();
    const taskKind = kind('tasks');
    const tasks: TaskStore =
      taskKind === 'redis'
        ? new RedisTaskStore(redis!.client, redis!.keyPrefix)
        : sqlite && taskKind === 'sqlite'
          ? new SqliteTaskStore(sqlite)
          : new InMemoryTaskStore();
    const resultLinks =
      config.resultLinks === 'redis'
        ? new RedisResultLinkStore(redis!, manifest.results.imageLinkMaxBytes)
        : undefined;
    const bus =
      config.bus === 'redis'
        ? new redisStores!.RedisEventBus(redis!, onFault, (error) => onFault?.('bus', error))
        : undefined;
    await bus?.start();
    const eventStores =
      config.events === 'redis'
        ? new redisStores!.RedisSessionEventStores(redis!, manifest.transport.idleTimeout)
        : undefined;
    const sessions = eventStores && { eventStores, registry: new redisStores!.RedisSessionRegistry(redis!) };

    const probes: [StoreName, string, { ping?(): Promise<void> }][] = [
      ['settings', settingsKind, settings],
      ['quotas', quotaKind, quotas],
      ['tokens', tokenKind, tokens],
      ...(bus ? [['bus', 'redis', bus] as [StoreName, string, RedisEventBus]] : []),
      ...(eventStores
        ? [['events', 'redis', eventStores] as [StoreName, string, RedisSessionEventStores]]
        : []),
      ...(resultLinks
        ? [['resultLinks', 'redis', resultLinks] as [StoreName, string, RedisResultLinkStore]]
        : []),
    ];
    const health = async (): Promise<StoresHealth> => {
      const entries = await Promise.all(
        probes.map(async ([name, kindName, store]) => {
          try {
            await store.ping?.();
            return [name, { kind: kindName, ok: true }] as const;
          } catch (error) {
            return [name, { kind: kindName, ok: false, error }] as const;
          }
        }),
      );
      return Object.fromEntries(entries) as StoresHealth;
    };
    return {
      settings,
      quotas,
      tokens,
      tasks,
      ...(resultLinks && { resultLinks }),
      ...(bus && { bus }),
      ...(sessions && { sessions }),
      ...(sqlite && { sqlitePath: path, database: sqlite }),
      ...(redis && { redis }),
      ...(postgres && { postgres }),
      health,
      close: async () => {
        sqlite?.close();
        redis?.close();
        await postgres?.close();
      },
    };
  } catch (error) {
    for (const store of opened) await store.close();
    throw error;
  }
}
