/**
 * @toolhost/core — the public plugin API. This is the only module a plugin imports.
 */
export { z } from 'zod';
export type { CallToolResult, ContentBlock, ToolResult } from './content';
export { text, toolResult } from './content';
export type {
  AskOptions,
  ClientCapabilities,
  ConfigOf,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  ListRootsResult,
  LoggingLevel,
  MaybePromise,
  PluginConfig,
  PromptContext,
  RequestContext,
  ToolContext,
} from './context';
export { isToolError, ToolError } from './errors';
export type { Icon } from './icon';
export { checkIcons, ICONS_SCHEMA } from './icon';
export type {
  AnyIdentityProvider,
  IdentityContext,
  IdentityProvider,
  IdentityProviderDefinition,
  IdentityVerdict,
} from './identity';
export { defineIdentityProvider } from './identity';
export type { Logger } from './logger';
export type {
  AnyMiddleware,
  Middleware,
  MiddlewareContext,
  MiddlewareDefinition,
  MiddlewareTarget,
  NextMiddleware,
  ToolCall,
} from './middleware';
export { defineMiddleware } from './middleware';
export type { AnyPlugin, ConfigSchema, ListName, Plugin, PluginDefinition, SetupContext } from './plugin';
export { definePlugin, PLUGIN_ID } from './plugin';
export type { Credentials, Principal } from './principal';
export { ANONYMOUS } from './principal';
export type { AnyPrompt, Prompt, PromptDefinition, PromptMessage, PromptReturn } from './prompt';
export { definePrompt } from './prompt';
export type {
  AnyResource,
  Resource,
  ResourceContent,
  ResourceDefinition,
  ResourceRead,
  ResourceReturn,
} from './resource';
export { defineResource } from './resource';
export type {
  ProvidedServices,
  RequestServiceFactory,
  RequestValues,
  ResolvedServices,
  ServiceLifetime,
  ServiceRef,
  ServiceRefMap,
  SetupServices,
} from './service';
export { createRequestServiceRef, createServiceRef } from './service';
export type {
  AnyTool,
  InputSchema,
  OutputSchema,
  TaskSupport,
  Tool,
  ToolAnnotations,
  ToolDefinition,
  ToolReturn,
} from './tool';
export { defineTool, TOOL_NAME } from './tool';
export type {
  AnyToolSource,
  DynamicResource,
  DynamicTool,
  ToolSource,
  ToolSourceDefinition,
  ToolSourceRequest,
} from './tool-source';
export { defineToolSource } from './tool-source';
export type {
  UpstreamCall,
  UpstreamExchange,
  UpstreamOutcome,
  UpstreamReporter,
  UpstreamRequest,
  UpstreamStarter,
} from './upstream';
export { upstreamOutcome } from './upstream';
export { KERNEL_VERSION } from './version';
