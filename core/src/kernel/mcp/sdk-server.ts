import { randomUUID } from 'node:crypto';
import { Server, type ServerContext } from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { cancellationOf } from '../cancellation';
import type { CallInfo } from '../gate';
import type { McpOperations } from '../operations';
import type { McpCaller, ServerIdentity } from './caller';

/** One validator for every Server instance: building Ajv per instance is a quarter of the CPU of a request. */
const sharedValidator = new AjvJsonSchemaValidator();

export interface SdkServerOptions {
  /**
   * The connection is stateful (a 2025 session, HTTP+SSE, stdio): the client can
   * answer server→client requests, so handlers may elicit and sample.
   */
  interactive?: boolean;
}

function callInfo(caller: McpCaller, ctx: ServerContext, interactive: boolean): CallInfo {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  return {
    principal: caller.principal,
    credentials: caller.credentials,
    account: caller.account,
    requestId: caller.requestId ?? randomUUID(),
    cancellation: cancellationOf(ctx.mcpReq.signal),
    logger: caller.logger,
    ...(progressToken !== undefined && {
      progress: (progress: number, total?: number, message?: string) =>
        ctx.mcpReq.notify({
          method: 'notifications/progress',
          params: {
            progressToken,
            progress,
            ...(total !== undefined && { total }),
            ...(message !== undefined && { message }),
          },
        }),
    }),
    log: (level, data) => ctx.mcpReq.log(level, data),
    ...(interactive && {
      elicit: (params) => ctx.mcpReq.elicitInput(params),
      sample: async (params) => {
        const result = await ctx.mcpReq.requestSampling(params);
        return result as Awaited<ReturnType<NonNullable<CallInfo['sample']>>>;
      },
    }),
  };
}

/**
 * A low-level SDK `Server` bound to one caller. Construction is constant-time: it
 * registers one handler per MCP method, each delegating to the shared operations
 * over the caller's precompiled ToolSet. Nothing is re-registered per tool.
 */
export function createSdkServer(
  ops: McpOperations,
  identity: ServerIdentity,
  caller: McpCaller,
  options: SdkServerOptions = {},
): Server {
  const interactive = options.interactive ?? false;
  const server = new Server(identity.serverInfo, {
    capabilities: identity.capabilities,
    ...(identity.instructions !== undefined && { instructions: identity.instructions }),
    jsonSchemaValidator: sharedValidator,
  });
  // Read per request: a session's caller (and so its ToolSet) is refreshed on every request.
  const caps = identity.capabilities;
  if (caps['tools']) {
    server.setRequestHandler('tools/list', () => ops.listTools(caller.toolSet));
    server.setRequestHandler('tools/call', (request, ctx) =>
      ops.callTool(
        caller.toolSet,
        request.params.name,
        request.params.arguments,
        callInfo(caller, ctx, interactive),
      ),
    );
  }
  if (caps['resources']) {
    server.setRequestHandler('resources/list', () => ops.listResources(caller.toolSet));
    server.setRequestHandler('resources/templates/list', () => ops.listResourceTemplates(caller.toolSet));
    server.setRequestHandler('resources/read', (request, ctx) =>
      ops.readResource(caller.toolSet, request.params.uri, callInfo(caller, ctx, interactive)),
    );
    if ((caps['resources'] as { subscribe?: boolean }).subscribe) {
      // Toolhost's resources are read-only views of the Hub: a subscription is accepted
      // and there is never an update to send, so nothing needs to be remembered.
      server.setRequestHandler('resources/subscribe', () => ({}));
      server.setRequestHandler('resources/unsubscribe', () => ({}));
    }
  }
  if (caps['prompts']) {
    server.setRequestHandler('prompts/list', () => ops.listPrompts(caller.toolSet));
    server.setRequestHandler('prompts/get', (request, ctx) =>
      ops.getPrompt(
        caller.toolSet,
        request.params.name,
        request.params.arguments,
        callInfo(caller, ctx, interactive),
      ),
    );
  }
  if (caps['completions']) {
    server.setRequestHandler('completion/complete', (request) =>
      ops.complete(caller.toolSet, request.params.ref, request.params.argument),
    );
  }
  return server;
}
