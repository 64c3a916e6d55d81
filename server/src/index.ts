/** @toolhost/server — build the Toolhost app programmatically (the CLI uses the same). */

export type { BuildAppOptions } from './app';
export { buildApp } from './app';
export { createLogger, PLUGIN_REDACT_PATHS, pluginLogger, REDACT_PATHS } from './logger';
export type { LoadedManifest, Manifest, ServerSettings } from './manifest';
export { DEFAULT_MANIFEST, loadManifest, ManifestError, manifestSchema, parseManifest } from './manifest';
export type { Stores } from './stores';
export { openStores } from './stores';
export { HfSettingsStore } from './stores/hf-settings';
export { RedisTaskStore } from './stores/redis-tasks';
export { SqliteDatabase, SqliteQuotaStore, SqliteSettingsStore, SqliteTokenStore } from './stores/sqlite';
export { SqliteTaskStore } from './stores/sqlite-tasks';
