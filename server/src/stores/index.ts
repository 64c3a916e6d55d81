import { isAbsolute, resolve } from 'node:path';
import {
  type Catalog,
  InMemoryQuotaStore,
  InMemorySettingsStore,
  InMemoryTokenStore,
  type QuotaStore,
  type SettingsStore,
  type TokenStore,
} from '@toolhost/core/kernel';
import type { Manifest } from '../manifest';
import { HfSettingsStore } from './hf-settings';
import { SqliteDatabase, SqliteQuotaStore, SqliteSettingsStore, SqliteTokenStore } from './sqlite';

export interface Stores {
  settings: SettingsStore;
  quotas: QuotaStore;
  tokens: TokenStore;
  /** The SQLite file in use, if any. */
  sqlitePath?: string;
  close(): void;
}

/** The manifest's `stores`: which adapter backs each port (SQLite by default). */
export function openStores(
  manifest: Manifest,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
  catalog: () => Catalog,
): Stores {
  const config = manifest.stores;
  const kind = (port: 'settings' | 'quotas' | 'tokens') => config[port] ?? config.default;
  const needsSqlite = (['settings', 'quotas', 'tokens'] as const).some((port) => kind(port) === 'sqlite');
  const path = isAbsolute(config.path) ? config.path : resolve(baseDir, config.path);
  const sqlite = needsSqlite ? new SqliteDatabase(path) : undefined;
  const hfSettingsUrl =
    config.hfSettingsUrl ??
    `${(env['HF_ENDPOINT'] ?? 'https://huggingface.co').replace(/\/+$/, '')}/api/settings/mcp`;
  const settingsKind = kind('settings');
  return {
    settings:
      settingsKind === 'hf'
        ? new HfSettingsStore(hfSettingsUrl, catalog)
        : sqlite && settingsKind === 'sqlite'
          ? new SqliteSettingsStore(sqlite)
          : new InMemorySettingsStore(),
    quotas: sqlite && kind('quotas') === 'sqlite' ? new SqliteQuotaStore(sqlite) : new InMemoryQuotaStore(),
    tokens: sqlite && kind('tokens') === 'sqlite' ? new SqliteTokenStore(sqlite) : new InMemoryTokenStore(),
    ...(sqlite && { sqlitePath: path }),
    close: () => sqlite?.close(),
  };
}
