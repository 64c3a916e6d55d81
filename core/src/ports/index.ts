/**
 * @toolhost/core/ports — where state lives: the store and bus interfaces the kernel
 * is written against, their in-memory implementations, and the helpers adapters
 * share (quota windows, token hashing). The server's SQLite adapters, and any other,
 * implement these.
 */

export type {
  EventBus,
  KernelEvent,
  ListChangedEvent,
  SessionClosedEvent,
  TokenRevokedEvent,
} from './event-bus';
export { InMemoryEventBus } from './event-bus';
export type { EventStore, SessionEventStores } from './event-store';
export { InMemorySessionEventStores } from './event-store';
export type { QuotaCharge, QuotaStore } from './quota-store';
export { applyCharge, InMemoryQuotaStore, windowStart } from './quota-store';
export type { HeldResult, InMemoryResultLinkStoreOptions, ResultLinkStore } from './result-link-store';
export { decodedBytes, InMemoryResultLinkStore } from './result-link-store';
export type { SessionRecord, SessionRegistry } from './session-registry';
export type { SettingsStore, UserSettings } from './settings-store';
export { InMemorySettingsStore } from './settings-store';
export type { StoreName } from './store-error';
export { STORE_WORDS, StoreUnavailableError } from './store-error';
export type { TaskRecord, TaskStatus, TaskStore } from './task-store';
export { InMemoryTaskStore, isTerminalTask, TERMINAL_TASK_STATUSES, taskExpiry } from './task-store';
export type { TokenRecord, TokenStore } from './token-store';
export { hashToken, InMemoryTokenStore, newToken, TOOLHOST_TOKEN_PREFIX } from './token-store';
