/**
 * Everything the kernel is made of, for the kernel's own tests. Not a public entry point:
 * the server sees the facade (`@toolhost/core/kernel`), plugins the API (`@toolhost/core`).
 */

export type { EventBus, KernelEvent, ListChangedEvent } from '../ports/event-bus';
export { InMemoryEventBus } from '../ports/event-bus';
export type { EventStore, SessionEventStores } from '../ports/event-store';
export { InMemorySessionEventStores } from '../ports/event-store';
export type { QuotaCharge, QuotaStore } from '../ports/quota-store';
export { applyCharge, InMemoryQuotaStore, windowStart } from '../ports/quota-store';
export type { SessionRecord, SessionRegistry } from '../ports/session-registry';
export type { SettingsStore, UserSettings } from '../ports/settings-store';
export { InMemorySettingsStore } from '../ports/settings-store';
export type { StoreName } from '../ports/store-error';
export { StoreUnavailableError } from '../ports/store-error';
export type { TokenRecord, TokenStore } from '../ports/token-store';
export { hashToken, InMemoryTokenStore, newToken, TOOLHOST_TOKEN_PREFIX } from '../ports/token-store';
export type { Cancellation } from './cancellation';
export { CancellationSource, cancellationOf } from './cancellation';
export type { CatalogOptions, CompiledPrompt, CompiledResource, CompiledTool } from './catalog';
export { Catalog, compileDynamicTool, ToolCompiler, toJsonSchema } from './catalog';
export type { DynamicToolRequest } from './dynamic-tools';
export { DynamicToolSets } from './dynamic-tools';
export { PluginLoadError } from './errors';
export type { CallInfo, CallOutcome, ToolCallEvent } from './gate';
export { CallGate } from './gate';
export type { LoadedPlugin, PluginHostOptions } from './host';
export { PluginHost } from './host';
export type { IdentityProviderHandle } from './identity/providers';
export type { QuotaConfig, QuotaPlan } from './identity/quota';
export { formatWindow, parseWindow, QuotaGuard } from './identity/quota';
export type { Authentication, IdentityConfig, JwtConfig } from './identity/resolver';
export { IdentityResolver } from './identity/resolver';
export type { AccessPolicy, PluginList, SelectionHints } from './identity/selection';
export { OPEN_POLICY, Selector } from './identity/selection';
export type { SettingsFields } from './identity/settings';
export {
  composeSettingsSchema,
  SettingsError,
  SettingsService,
  userSettingsSchema,
} from './identity/settings';
export type { CallerRequest, CallerResolution, KernelOptions, SessionSettings } from './kernel';
export { Kernel } from './kernel';
export type { PluginEntry } from './loader';
export { LruTtlCache } from './lru';
export type { McpCaller, ServerIdentity } from './mcp/caller';
export type { McpHttpEndpointOptions } from './mcp/http-endpoint';
export { McpHttpEndpoint } from './mcp/http-endpoint';
export type { McpHttpRequest, McpHttpResponse } from './mcp/http-types';
export {
  DEFAULT_MAX_JSON_DEPTH,
  exceedsJsonDepth,
  guardStdin,
  jsonDepthError,
  jsonDepthMessage,
} from './mcp/json-depth';
export { PrincipalScopedListenBus } from './mcp/listen-bus';
export { SessionManager } from './mcp/sessions';
export { McpOperations } from './operations';
export { UnclaimedSectionError } from './sections';
export type {
  AuthOutcome,
  ClientIdentity,
  Era,
  ListChangedSent,
  QuotaRefused,
  RequestFinished,
  RequestOutcome,
  SessionEvent,
  StreamEvent,
  Telemetry,
  ToolCallFinished,
  ToolsRelisted,
  Transport,
  UpstreamCallFinished,
} from './telemetry';
export { clientKey, NO_TELEMETRY, TelemetryHub } from './telemetry';
export { CancelledError, TimeoutError, withTimeout } from './timeout';
export type { Selection } from './toolset';
export { ToolSet, ToolSetCache } from './toolset';
