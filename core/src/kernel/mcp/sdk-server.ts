import { randomUUID } from 'node:crypto';
import {
  type CallToolRequest,
  type CallToolResult,
  type CompleteRequest,
  type GetPromptRequest,
  type InputRequiredResult,
  type ReadResourceRequest,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { z } from 'zod';
import { cancellationOf } from '../cancellation';
import type { CallInfo } from '../gate';
import {
  answersOf,
  InputRequiredSignal,
  inputRequiredResult,
  type RequestStateSeal,
  roundTripAsks,
} from '../input-required';
import type { McpOperations } from '../operations';
import { declaresTasks, tasksCapabilityMissing } from '../tasks';
import type { ClientIdentity, Era, RequestOutcome } from '../telemetry';
import { type RequestSpan, type Tracing, traceCarrierOf } from '../tracing';
import { type McpCaller, type ServerIdentity, type ServerInfo, stampedServerInfo } from './caller';
import { SERVED_PROTOCOL_VERSIONS } from './protocol-versions';
import { CLIENT_INFO_KEY, clientInfoOf } from './request-report';

/** One request a server answered, for transports whose requests the kernel does not see itself (stdio). */
export interface HandledRequest {
  readonly method: string;
  readonly tool?: string;
  readonly era: Era;
  readonly client: ClientIdentity;
  readonly outcome: RequestOutcome;
  readonly durationMs: number;
}

/** The client's identity: the 2026 envelope's clientInfo, else what it sent in `initialize`. */
function clientOf(server: Server, ctx: ServerContext): { era: Era; client: ClientIdentity } {
  const fromEnvelope = ctx.mcpReq._meta?.[CLIENT_INFO_KEY];
  const client = clientInfoOf(fromEnvelope ?? server.getClientVersion()) ?? {};
  return { era: fromEnvelope ? 'modern' : 'legacy', client };
}

const TASK_ID_PARAMS = z.looseObject({ taskId: z.string() });
// The SDK lifts `inputResponses` off the params (to ctx.mcpReq.inputResponses) before validation.
const TASK_UPDATE_PARAMS = z.looseObject({
  taskId: z.string(),
  inputResponses: z.record(z.string(), z.unknown()).optional(),
});

/** One validator for every Server instance: building Ajv per instance is a quarter of the CPU of a request. */
const sharedValidator = new AjvJsonSchemaValidator();

export interface SdkServerOptions {
  /**
   * The connection is stateful (a 2025 session, HTTP+SSE, stdio): the client can
   * answer server→client requests, so handlers may elicit and sample.
   */
  interactive?: boolean;
  /**
   * A 2026-07-28 request: elicit and sample become input-required round trips
   * (the client answers and calls again) instead of server→client requests.
   */
  roundTrip?: boolean;
  /**
   * The tools/call of this request already ran (on the direct path, which cannot
   * answer input_required itself): answer with its result instead of running it again.
   */
  settledCall?: CallToolResult | InputRequiredResult;
  /** Report each answered request (for transports whose requests the kernel does not see itself: stdio). */
  observe?: (request: HandledRequest, span?: RequestSpan) => void;
  /** With `observe`: serve each request in a span of its own, parented by its `_meta.traceparent`. */
  tracing?: Tracing;
}

/**
 * The input-required result for a handler that asked what it has no answer for yet,
 * its answers so far sealed into `requestState` for this caller and target.
 */
export function asInputRequired(seal: RequestStateSeal, owner: string, target: string) {
  return (error: unknown) => {
    if (!(error instanceof InputRequiredSignal)) throw error;
    return inputRequiredResult(error, seal, owner, target);
  };
}

const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';
const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';

/** The client capabilities a 2026-07-28 request declares in its envelope. */
function requestCapabilities(ctx: ServerContext): unknown {
  // The SDK lifts the envelope's keys off `_meta` before the handler runs.
  const envelope = (ctx.mcpReq as { envelope?: Record<string, unknown> }).envelope;
  return envelope?.[CLIENT_CAPABILITIES_KEY] ?? ctx.mcpReq._meta?.[CLIENT_CAPABILITIES_KEY];
}

function callInfo(
  server: Server,
  caller: McpCaller,
  ctx: ServerContext,
  options: SdkServerOptions,
  target: string,
  knowsClient = false,
): CallInfo {
  // Only per-client result rules need the client's name: the endpoint's, else the envelope's or initialize's.
  const clientName = knowsClient ? (caller.client?.name ?? clientOf(server, ctx).client.name) : undefined;
  const progressToken = ctx.mcpReq._meta?.progressToken;
  /**
   * A question to the client goes down the stream of the call that asks it. Without
   * `relatedRequestId` the SDK sends it on the session's standalone GET stream, and
   * when that stream is not open (yet: a client opens it after `initialize`, without
   * waiting, and may call a tool first) the SDK drops it, and the call waits for an
   * answer that cannot come: the conformance suite's rare `tools-call-sampling` failure.
   */
  const onCallStream = { relatedRequestId: ctx.mcpReq.id };
  // The SDK verified the state's seal before the handler ran (else -32602); it must be for this target too.
  const state = options.roundTrip ? ctx.mcpReq.requestState() : undefined;
  const answers = options.roundTrip
    ? { ...answersOf(state, target), ...(ctx.mcpReq.inputResponses ?? {}) }
    : undefined;
  const clientCapabilities = options.roundTrip
    ? requestCapabilities(ctx)
    : options.interactive
      ? server.getClientCapabilities()
      : undefined;
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
    ...(clientCapabilities !== undefined && { clientCapabilities: clientCapabilities as never }),
    ...(caller.results && { results: caller.results }),
    ...(clientName !== undefined && { clientName }),
    ...(state !== undefined && { prepaid: true }),
    ...(answers && roundTripAsks(answers)),
    ...(answers && { tasks: { declared: declaresTasks(requestCapabilities(ctx)), answers } }),
    ...(options.interactive && {
      elicit: (params) => ctx.mcpReq.elicitInput(params, onCallStream),
      sample: async (params) => {
        const result = await ctx.mcpReq.requestSampling(params, onCallStream);
        return result as Awaited<ReturnType<NonNullable<CallInfo['sample']>>>;
      },
      listRoots: () => server.listRoots(undefined, onCallStream),
    }),
  };
}

/**
 * Two answers of the SDK's `Server` changed, on the instance (both methods are internal
 * to the SDK, which its discover handler and its 2026-07-28 result encoder call):
 * - `server/discover` names every revision Toolhost serves. The SDK lists only the
 *   2026-era ones there (2025-era versions being negotiated by `initialize`), but the
 *   spec's `DiscoverResult.supportedVersions` is "MCP Protocol Versions this server
 *   supports", and a dual-era server supports both: its UnsupportedProtocolVersionError
 *   example lists 2026-07-28 and 2025-11-25 alike. Its serverInfo is the whole one.
 * - every other 2026-07-28 result names the server without its icons (see
 *   `stampedServerInfo`).
 */
function servingBothEras(server: Server, serverInfo: ServerInfo): Server {
  const internals = server as unknown as {
    _ondiscover(): Record<string, unknown>;
    _outboundServerInfo(): ServerInfo;
  };
  const sdkDiscover = internals._ondiscover.bind(server);
  const stamp = stampedServerInfo(serverInfo);
  internals._ondiscover = () => ({
    ...sdkDiscover(),
    supportedVersions: [...SERVED_PROTOCOL_VERSIONS],
    _meta: { [SERVER_INFO_META_KEY]: serverInfo },
  });
  internals._outboundServerInfo = () => stamp;
  return server;
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
  const server = servingBothEras(
    new Server(identity.serverInfo as ConstructorParameters<typeof Server>[0], {
      capabilities: identity.capabilities,
      ...(identity.instructions !== undefined && { instructions: identity.instructions }),
      jsonSchemaValidator: sharedValidator,
      requestState: { verify: ops.seal.verifier(caller.account) },
    }),
    identity.serverInfo,
  );
  const settle = (target: string) => asInputRequired(ops.seal, caller.account, target);
  const { observe, tracing } = options;
  /** The handler, reporting each request it answers to `observe` when there is one. */
  const timed = <Q extends { params?: unknown }, R>(
    method: string,
    handler: (request: Q, ctx: ServerContext) => R | Promise<R>,
  ): ((request: Q, ctx: ServerContext) => R | Promise<R>) => {
    if (!observe) return handler;
    return async (request, ctx) => {
      const started = performance.now();
      const name = (request.params as { name?: unknown } | undefined)?.name;
      const tool = method === 'tools/call' && typeof name === 'string' ? name : undefined;
      const span = tracing?.startRequest(traceCarrierOf(undefined, { params: { _meta: ctx.mcpReq._meta } }), {
        method,
        ...(tool !== undefined && { tool }),
      });
      let outcome: RequestOutcome = 'error';
      try {
        const result = await (span
          ? tracing!.within(span, () => handler(request, ctx))
          : handler(request, ctx));
        outcome = 'ok';
        return result;
      } finally {
        observe(
          {
            method,
            ...(tool !== undefined && { tool }),
            ...clientOf(server, ctx),
            outcome,
            durationMs: performance.now() - started,
          },
          span,
        );
      }
    };
  };
  // Read per request: a session's caller (and so its ToolSet) is refreshed on every request.
  const caps = identity.capabilities;
  if (caps['tools']) {
    server.setRequestHandler(
      'tools/list',
      timed('tools/list', () => ops.listTools(caller.toolSet)),
    );
    server.setRequestHandler(
      'tools/call',
      timed(
        'tools/call',
        (request: CallToolRequest, ctx) =>
          options.settledCall ??
          (async () => {
            const target = `tools/call:${request.params.name}`;
            return ops
              .callTool(
                caller.toolSet,
                request.params.name,
                request.params.arguments,
                callInfo(server, caller, ctx, options, target, ops.clientRules.any),
              )
              .catch(settle(target));
          })(),
      ),
    );
  }
  const { tasks } = ops;
  if (tasks && options.roundTrip) {
    /** The tasks methods answer only clients that declared the extension (-32021 otherwise). */
    const declared = (method: string, ctx: ServerContext) => {
      if (!declaresTasks(requestCapabilities(ctx))) throw tasksCapabilityMissing(method);
      return caller.account;
    };
    server.setRequestHandler('tasks/get', { params: TASK_ID_PARAMS }, ({ taskId }, ctx) =>
      tasks.get(declared('tasks/get', ctx), taskId),
    );
    server.setRequestHandler('tasks/update', { params: TASK_UPDATE_PARAMS }, async (params, ctx) => {
      const owner = declared('tasks/update', ctx);
      await tasks.update(owner, params.taskId, ctx.mcpReq.inputResponses ?? params.inputResponses ?? {});
      return {};
    });
    server.setRequestHandler('tasks/cancel', { params: TASK_ID_PARAMS }, async ({ taskId }, ctx) => {
      await tasks.cancel(declared('tasks/cancel', ctx), taskId);
      return {};
    });
  }
  if (caps['resources']) {
    server.setRequestHandler(
      'resources/list',
      timed('resources/list', () => ops.listResources(caller.toolSet)),
    );
    server.setRequestHandler(
      'resources/templates/list',
      timed('resources/templates/list', () => ops.listResourceTemplates(caller.toolSet)),
    );
    server.setRequestHandler(
      'resources/read',
      timed('resources/read', async (request: ReadResourceRequest, ctx) => {
        const target = `resources/read:${request.params.uri}`;
        return ops
          .readResource(caller.toolSet, request.params.uri, callInfo(server, caller, ctx, options, target))
          .catch(settle(target)) as never;
      }),
    );
    if ((caps['resources'] as { subscribe?: boolean }).subscribe) {
      // Toolhost's resources are read-only views of the Hub: a subscription is accepted
      // and there is never an update to send, so nothing needs to be remembered.
      server.setRequestHandler('resources/subscribe', () => ({}));
      server.setRequestHandler('resources/unsubscribe', () => ({}));
    }
  }
  if (caps['prompts']) {
    server.setRequestHandler(
      'prompts/list',
      timed('prompts/list', () => ops.listPrompts(caller.toolSet)),
    );
    server.setRequestHandler(
      'prompts/get',
      timed('prompts/get', async (request: GetPromptRequest, ctx) => {
        const target = `prompts/get:${request.params.name}`;
        return ops
          .getPrompt(
            caller.toolSet,
            request.params.name,
            request.params.arguments,
            callInfo(server, caller, ctx, options, target),
          )
          .catch(settle(target)) as never;
      }),
    );
  }
  if (caps['completions']) {
    server.setRequestHandler(
      'completion/complete',
      timed('completion/complete', (request: CompleteRequest) =>
        ops.complete(caller.toolSet, request.params.ref, request.params.argument),
      ),
    );
  }
  return server;
}
