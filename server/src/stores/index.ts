import { isAbsolute, resolve } from 'node:path';
import type { KernelHealth } from '@toolhost/core/kernel';
import {
  InMemoryQuotaStore,
  InMemorySettingsStore,
  InMemoryTaskStore,
  InMemoryTokenStore,
  type QuotaStore,
  type SettingsStore,
  type StoreName,
  type TaskStore,
  type TokenStore,
} from '@toolhost/core/ports';
import type { Manifest } from '../manifest';
import { HfSettingsStore } from './hf-settings';
import {
  SqliteDatabase,
  SqliteQuotaStore,
  SqliteSettingsStore,
  SqliteTokenStore,
  type StoreFaultListener,
} from './sqlite';
import { SqliteTaskStore } from './sqlite-tasks';

export { RedisTaskStore } from './redis-tasks';
export { StoreOpenError } from './sqlite';
export { SqliteTaskStore } from './sqlite-tasks';

/** Each store's kind and whether it can serve now (`/readyz`). */
export type StoresHealth = Record<StoreName, { kind: string; ok: boolean; error?: unknown }>;

export interface Stores {
  settings: SettingsStore;
  quotas: QuotaStore;
  tokens: TokenStore;
  /** Tasks (2026-07-28 tasks extension). */
  tasks: TaskStore;
  /** The SQLite file in use, if any. */
  sqlitePath?: string;
  /** The open SQLite database, if any. */
  database?: SqliteDatabase;
  /** Ping every store; `error` (for the log only) says why one cannot serve. */
  health(): Promise<StoresHealth>;
  close(): void;
}

const STORE_NAMES: readonly StoreName[] = ['settings', 'quotas', 'tokens'];

/**
 * The manifest's `stores`: which adapter backs each port (SQLite by default).
 * `onFault` hears every store failure once open (for the operator's log).
 * @throws StoreOpenError when the SQLite file cannot be created, opened or written.
 */
export function openStores(
  manifest: Manifest,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
  catalog: () => KernelHealth['tools'],
  onFault?: StoreFaultListener,
): Stores {
  const config = manifest.stores;
  const kind = (port: 'settings' | 'quotas' | 'tokens' | 'tasks') => config[port] ?? config.default;
  const needsSqlite = (['settings', 'quotas', 'tokens', 'tasks'] as const).some(
    (port) => kind(port) === 'sqlite',
  );
  const path = isAbsolute(config.path) ? config.path : resolve(baseDir, config.path);
  const sqlite = needsSqlite ? new SqliteDatabase(path, onFault) : undefined;
  const hfSettingsUrl =
    config.hfSettingsUrl ??
    `${(env['HF_ENDPOINT'] ?? 'https://huggingface.co').replace(/\/+$/, '')}/api/settings/mcp`;
  const settingsKind = kind('settings');
  const ports: { settings: SettingsStore; quotas: QuotaStore; tokens: TokenStore } = {
    settings:
      settingsKind === 'hf'
        ? new HfSettingsStore(hfSettingsUrl, catalog)
        : sqlite && settingsKind === 'sqlite'
          ? new SqliteSettingsStore(sqlite)
          : new InMemorySettingsStore(),
    quotas: sqlite && kind('quotas') === 'sqlite' ? new SqliteQuotaStore(sqlite) : new InMemoryQuotaStore(),
    tokens: sqlite && kind('tokens') === 'sqlite' ? new SqliteTokenStore(sqlite) : new InMemoryTokenStore(),
  };
  const health = async (): Promise<StoresHealth> => {
    const entries = await Promise.all(
      STORE_NAMES.map(async (name) => {
        const store = ports[name];
        try {
          await store.ping?.();
          return [name, { kind: kind(name), ok: true }] as const;
        } catch (error) {
          return [name, { kind: kind(name), ok: false, error }] as const;
        }
      }),
    );
    return Object.fromEntries(entries) as StoresHealth;
  };
  return {
    ...ports,
    ...(sqlite && { sqlitePath: path, database: sqlite }),
    health,
    tasks: sqlite && kind('tasks') === 'sqlite' ? new SqliteTaskStore(sqlite) : new InMemoryTaskStore(),
    close: () => sqlite?.close(),
  };
}
