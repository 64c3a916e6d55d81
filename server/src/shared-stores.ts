/**
 * @toolhost/server/shared-stores — the Redis and PostgreSQL stores, for tests and tools
 * that use them directly. A subpath of its own, so that importing `@toolhost/server`
 * does not load the drivers (the server itself loads them only when a store uses them).
 */
export {
  PostgresDatabase,
  PostgresQuotaStore,
  PostgresSettingsStore,
  PostgresTokenStore,
} from './stores/postgres';
export {
  publishToInstances,
  RedisConnection,
  RedisEventBus,
  RedisQuotaStore,
  RedisSessionEventStores,
  RedisSessionRegistry,
} from './stores/redis';
export { RedisResultLinkStore } from './stores/redis-result-links';
