import { randomUUID } from 'node:crypto';
import {
  type CallToolRequest,
  type CompleteRequest,
  type GetPromptRequest,
  type ReadResourceRequest,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { cancellationOf } from '../cancellation';
import type { CallInfo } from '../gate';
import type { McpOperations } from '../operations';
import type { ClientIdentity, Era, RequestOutcome } from '../telemetry';
import type { McpCaller, ServerIdentity } from './caller';

/** One request a server answered, for transports whose requests the kernel does not see itself (stdio). */
export interface HandledRequest {
  readonly method: string;
  readonly tool?: string;
  readonly era: Era;
  readonly client: ClientIdentity;
  readonly outcome: RequestOutcome;
  readonly durationMs: number;
}

const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo';

/** The client's identity: the 2026 envelope's clientInfo, else what it sent in `initialize`. */
function clientOf(server: Server, ctx: ServerContext): { era: Era; client: ClientIdentity } {
  const fromEnvelope = ctx.mcpReq._meta?.[CLIENT_INFO_KEY] as
    | { name?: unknown; version?: unknown }
    | undefined;
  const info = fromEnvelope ?? server.getClientVersion();
  const client: ClientIdentity =
    typeof info?.name === 'string'
      ? { name: info.name, ...(typeof info.version === 'string' && { version: info.version }) }
      : {};
  return { era: fromEnvelope ? 'modern' : 'legacy', client };
}

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
export function createSdkServer(
  ops: McpOperations,
  identity: ServerIdentity,
  caller: McpCaller,
  observe?: (request: HandledRequest) => void,
): Server {
  const server = new Server(identity.serverInfo, {
    capabilities: identity.capabilities,
    ...(identity.instructions !== undefined && { instructions: identity.instructions }),
    jsonSchemaValidator: sharedValidator,
  });
  /** The handler, reporting each request it answers to `observe` when there is one. */
  const timed = <Q extends { params?: unknown }, R>(
    method: string,
    handler: (request: Q, ctx: ServerContext) => R | Promise<R>,
  ): ((request: Q, ctx: ServerContext) => R | Promise<R>) => {
    if (!observe) return handler;
    return async (request, ctx) => {
      const started = performance.now();
      let outcome: RequestOutcome = 'error';
      try {
        const result = await handler(request, ctx);
        outcome = 'ok';
        return result;
      } finally {
        const name = (request.params as { name?: unknown } | undefined)?.name;
        observe({
          method,
          ...(method === 'tools/call' && typeof name === 'string' && { tool: name }),
          ...clientOf(server, ctx),
          outcome,
          durationMs: performance.now() - started,
        });
      }
    };
  };
  const { toolSet } = caller;
  const caps = identity.capabilities;
  if (caps['tools']) {
    server.setRequestHandler(
      'tools/list',
      timed('tools/list', () => ops.listTools(toolSet)),
    );
    server.setRequestHandler(
      'tools/call',
      timed('tools/call', (request: CallToolRequest, ctx) =>
        ops.callTool(toolSet, request.params.name, request.params.arguments, callInfo(caller, ctx)),
      ),
    );
  }
  if (caps['resources']) {
    server.setRequestHandler(
      'resources/list',
      timed('resources/list', () => ops.listResources(toolSet)),
    );
    server.setRequestHandler(
      'resources/templates/list',
      timed('resources/templates/list', () => ops.listResourceTemplates(toolSet)),
    );
    server.setRequestHandler(
      'resources/read',
      timed('resources/read', (request: ReadResourceRequest, ctx) =>
        ops.readResource(toolSet, request.params.uri, callInfo(caller, ctx)),
      ),
    );
  }
  if (caps['prompts']) {
    server.setRequestHandler(
      'prompts/list',
      timed('prompts/list', () => ops.listPrompts(toolSet)),
    );
    server.setRequestHandler(
      'prompts/get',
      timed('prompts/get', (request: GetPromptRequest, ctx) =>
        ops.getPrompt(toolSet, request.params.name, request.params.arguments, callInfo(caller, ctx)),
      ),
    );
  }
  if (caps['completions']) {
    server.setRequestHandler(
      'completion/complete',
      timed('completion/complete', (request: CompleteRequest) =>
        ops.complete(toolSet, request.params.ref, request.params.argument),
      ),
    );
  }
  return server;
}
