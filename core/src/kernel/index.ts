/**
 * @toolhost/core/kernel — the kernel's facade, for the composition root (the server
 * package): `createKernel(options)` and what goes in and out of it. Everything behind
 * it is internal. Plugins never import this: their API is `@toolhost/core`; state
 * adapters implement the ports of `@toolhost/core/ports`.
 */

export { CancellationSource } from './cancellation';
export type { PluginDescription } from './describe';
export { describePlugins } from './describe';
export { PluginLoadError } from './errors';
export type {
  CreateKernelOptions,
  KernelHealth,
  KernelSettings,
  ToolhostKernel,
} from './facade';
export { createKernel } from './facade';
export type { QuotaConfig, QuotaPlan, QuotaState } from './identity/quota';
export { formatWindow, parseWindow } from './identity/quota';
export type { JwtConfig } from './identity/resolver';
export type { AccessPolicy, PluginList, SelectionHints } from './identity/selection';
export { SettingsError } from './identity/settings';
export type { CatalogPlugin, CatalogTool, SettingsCatalog } from './identity/settings-catalog';
export type {
  CallerRefusal,
  CallerRequest,
  CallerResolution,
  KernelOptions,
  ResultSettings,
  SessionSettings,
} from './kernel';
export type { PluginEntry } from './loader';
export type { McpCaller } from './mcp/caller';
export type { McpHttpRequest, McpHttpResponse } from './mcp/http-types';
export { DEFAULT_MAX_JSON_DEPTH, exceedsJsonDepth, jsonDepthError } from './mcp/json-depth';
export type { ImageLinkOptions } from './results/image-links';
export type { ClientResultRule, ParsedPreferences, ResultPreferences } from './results/preferences';
export { MIN_RESULT_TOKENS, parseResultPreferences } from './results/preferences';
export { UnclaimedSectionError } from './sections';
export type { SelectionSize } from './selection-size';
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
export { clientKey } from './telemetry';
export type { TokenCounter, ToolListing, ToolTokenCost } from './token-cost';
export { loadTokenCounter } from './token-cost';
