import { randomUUID } from 'node:crypto';
import { Server, type ServerContext } from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { cancellationOf } from '../cancellation';
import type { CallInfo } from '../gate';
import type { McpOperations } from '../operations';
import type { McpCaller, ServerIdentity } from './caller';

/** One validator for every Server instance: building Ajv per instance is a quarter of the CPU of a request. */
const sharedValidator = new AjvJsonSchemaValidator();

function callInfo(caller: McpCaller, ctx: ServerContext): CallInfo {
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
  };
}

/**
 * A low-level SDK `Server` bound to one caller. Construction is constant-time: it
 * registers one handler per MCP method, each delegating to the shared operations
 * over the caller's precompiled ToolSet. Nothing is re-registered per tool.
 */
export function createSdkServer(ops: McpOperations, identity: ServerIdentity, caller: McpCaller): Server {
  const server = new Server(identity.serverInfo, {
    capabilities: identity.capabilities,
    ...(identity.instructions !== undefined && { instructions: identity.instructions }),
    jsonSchemaValidator: sharedValidator,
  });
  const { toolSet } = caller;
  const caps = identity.capabilities;
  if (caps['tools']) {
    server.setRequestHandler('tools/list', () => ops.listTools(toolSet));
    server.setRequestHandler('tools/call', (request, ctx) =>
      ops.callTool(toolSet, request.params.name, request.params.arguments, callInfo(caller, ctx)),
    );
  }
  if (caps['resources']) {
    server.setRequestHandler('resources/list', () => ops.listResources(toolSet));
    server.setRequestHandler('resources/templates/list', () => ops.listResourceTemplates(toolSet));
    server.setRequestHandler('resources/read', (request, ctx) =>
      ops.readResource(toolSet, request.params.uri, callInfo(caller, ctx)),
    );
  }
  if (caps['prompts']) {
    server.setRequestHandler('prompts/list', () => ops.listPrompts(toolSet));
    server.setRequestHandler('prompts/get', (request, ctx) =>
      ops.getPrompt(toolSet, request.params.name, request.params.arguments, callInfo(caller, ctx)),
    );
  }
  if (caps['completions']) {
    server.setRequestHandler('completion/complete', (request) =>
      ops.complete(toolSet, request.params.ref, request.params.argument),
    );
  }
  return server;
}
