/**
 * @toolhost/core/kernel — for the composition root (the server package) and tests.
 * Plugins never import this: their API is `@toolhost/core`.
 */

export type { EventBus, KernelEvent, ListChangedEvent } from '../ports/event-bus';
export { InMemoryEventBus } from '../ports/event-bus';
export type { Cancellation } from './cancellation';
export { CancellationSource, cancellationOf } from './cancellation';
export type { CompiledPrompt, CompiledResource, CompiledTool } from './catalog';
export { Catalog, toJsonSchema } from './catalog';
export { PluginLoadError } from './errors';
export type { CallInfo, CallOutcome, ToolCallEvent } from './gate';
export { CallGate } from './gate';
export type { LoadedPlugin, PluginHostOptions } from './host';
export { PluginHost } from './host';
export type { KernelOptions } from './kernel';
export { Kernel } from './kernel';
export type { PluginEntry } from './loader';
export type { McpCaller, ServerIdentity } from './mcp/caller';
export type { McpHttpEndpointOptions } from './mcp/http-endpoint';
export { McpHttpEndpoint } from './mcp/http-endpoint';
export type { McpHttpRequest, McpHttpResponse } from './mcp/http-types';
export { McpOperations } from './operations';
export { CancelledError, TimeoutError, withTimeout } from './timeout';
export type { Selection } from './toolset';
export { ToolSet, ToolSetCache } from './toolset';
