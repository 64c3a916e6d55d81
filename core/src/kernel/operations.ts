import {
  type CallToolResult,
  type CompleteResult,
  type GetPromptResult,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceNotFoundError,
} from '@modelcontextprotocol/server';
import type { PromptContext } from '../api/context';
import { isToolError } from '../api/errors';
import type { Logger } from '../api/logger';
import type { ResourceContent } from '../api/resource';
import type { CompiledPrompt, CompiledResource, CompiledTool } from './catalog';
import { askingContext, errorResult, ToolCallRun, toolContext } from './chain';
import { RequestScope } from './container';
import { CALL_TOOL, callToolTarget } from './discovery/call-tool';
import { SEARCH_TOOLS } from './discovery/search-tools';
import type { CallGate, CallInfo } from './gate';
import type { CallerNotices } from './identity/notices';
import { InputRequiredSignal, RequestStateSeal } from './input-required';
import { ImageLinks } from './results/image-links';
import { ClientResultRules } from './results/preferences';
import { type TaskManager, tasksCapabilityMissing } from './tasks';
import type { ToolSet } from './toolset';

const MAX_COMPLETIONS = 100;

/** Who owns what a call leaves behind (an image link): its quota account, else its principal. */
const ownerOf = (info: CallInfo) => info.account ?? info.principal.id;

const toolNotFound = (name: string) =>
  new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);

/**
 * The MCP operations, implemented once against a ToolSet. Both the SDK server and
 * the direct path call these, so the two can only differ in framing, never in
 * what a method answers.
 */
export class McpOperations {
  constructor(
    private readonly gate: CallGate,
    private readonly notices?: CallerNotices,
    /** Runs task tools' calls as tasks (2026-07-28); without it every call runs on its request. */
    readonly tasks?: TaskManager,
    /** Signs input-required rounds' `requestState` (2026-07-28). */
    readonly seal: RequestStateSeal = new RequestStateSeal(),
    /** The manifest's per-client result rules (token limit, images as links). */
    readonly clientRules: ClientResultRules = new ClientResultRules(),
    /** Images taken out of results, readable through their links for a short time. */
    readonly imageLinks: ImageLinks = new ImageLinks(),
  ) {}

  listTools(toolSet: ToolSet) {
    return toolSet.listResult();
  }

  /**
   * Throws the SDK's "Tool X not found" for anything outside the caller's ToolSet: no way
   * around the selection. In discovery mode search_tools and call_tool are answered here;
   * call_tool's target comes back through this very method, so it is enforced, charged,
   * timed and reported exactly as a direct call (and refused exactly as one).
   */
  async callTool(toolSet: ToolSet, name: string, args: unknown, info: CallInfo): Promise<CallToolResult> {
    const { discovery } = toolSet;
    if (discovery && name === SEARCH_TOOLS) return discovery.search(args, info);
    if (discovery && name === CALL_TOOL) {
      const target = callToolTarget(args);
      if (!target.ok) return target.result;
      // call_tool does not call itself: one level of indirection is all a model needs.
      if (target.name === CALL_TOOL) throw toolNotFound(target.name);
      return this.callTool(toolSet, target.name, target.arguments, info);
    }
    const tool = toolSet.tools.get(name);
    if (!tool) throw toolNotFound(name);
    // What the request asked, made stricter by the manifest's rules for its client.
    const results = this.clientRules.any
      ? this.clientRules.forCall(info.results, info.clientName)
      : info.results;
    const call = results === info.results ? info : { ...info, ...(results && { results }) };
    if (tool.task !== 'never' && call.tasks && this.tasks) {
      if (call.tasks.declared) return this.startTask(this.tasks, tool, args, call);
      if (tool.task === 'required') throw tasksCapabilityMissing(`Tool ${name}`);
    }
    let result = await this.gate.call(tool, args, call);
    if (results?.imageLinks) result = await this.imageLinks.link(result, ownerOf(call), name);
    return this.notices ? this.notices.deliver(call.credentials, result) : result;
  }

  /** The selected tool a `tools/call` of `name` runs: call_tool's target in discovery mode. */
  toolFor(toolSet: ToolSet, name: string, args: unknown): CompiledTool | undefined {
    if (toolSet.discovery && name === CALL_TOOL) {
      const target = callToolTarget(args);
      return target.ok && target.name !== CALL_TOOL ? toolSet.tools.get(target.name) : undefined;
    }
    return toolSet.tools.get(name);
  }

  /**
   * A task tool's call from a client that declared the tasks extension: admitted
   * (input, quota) and prepared (its questions for the request) here, then run as a
   * task; the answer is the task. A refusal is answered as a plain tool result.
   */
  private async startTask(
    tasks: TaskManager,
    tool: CompiledTool,
    args: unknown,
    info: CallInfo,
  ): Promise<CallToolResult> {
    const started = performance.now();
    const admitted = await this.gate.admit(tool, args, info);
    if ('refused' in admitted) {
      this.gate.report(tool, info, admitted.refused.outcome, started);
      return admitted.refused.result;
    }
    const { prepare } = tool.def;
    if (prepare) {
      const run = new ToolCallRun(tool, admitted.input, info);
      try {
        await prepare(admitted.input, toolContext(run, info.cancellation));
      } catch (error) {
        if (error instanceof InputRequiredSignal) throw error;
        const answer = isToolError(error)
          ? { outcome: 'tool_error' as const, result: errorResult(error.message) }
          : {
              outcome: 'internal_error' as const,
              result: errorResult(
                `Tool ${tool.name} failed before its task started (request id ${info.requestId}).`,
              ),
            };
        if (answer.outcome === 'internal_error')
          info.logger.error({ err: error, tool: tool.name }, 'task prepare failed');
        this.gate.report(tool, info, answer.outcome, started);
        return answer.result;
      } finally {
        run.dispose();
      }
    }
    // A task answer is not a tool result; the SDK passes `resultType: 'task'` through on tools/call.
    return (await tasks.start(tool, admitted.input, info, info.tasks?.answers ?? {})) as never;
  }

  listResources(toolSet: ToolSet) {
    return { resources: toolSet.resources.filter((r) => !r.template).map((r) => r.descriptor as never) };
  }

  listResourceTemplates(toolSet: ToolSet) {
    return {
      resourceTemplates: toolSet.resources.filter((r) => r.template).map((r) => r.descriptor as never),
    };
  }

  async readResource(toolSet: ToolSet, uri: string, info: CallInfo): Promise<ReadResourceResult> {
    if (this.imageLinks.owns(uri)) {
      // Someone else's image, an expired one and one never made all read as not found.
      const image = await this.imageLinks.read(ownerOf(info), uri).catch((error: unknown) => {
        // A shared store (Redis) that cannot answer: retryable; the driver's detail goes to the log only.
        info.logger.error({ err: error }, 'image link store failed');
        throw new ProtocolError(
          ProtocolErrorCode.InternalError,
          'The image link store is unavailable; try again.',
        );
      });
      if (!image) throw new ResourceNotFoundError(uri);
      return { contents: [{ uri, mimeType: image.mimeType, blob: image.data }] };
    }
    const match = this.findResource(toolSet, uri);
    if (!match) throw new ResourceNotFoundError(uri);
    const { resource, params } = match;
    const value = await this.invoke(resource, info, `resource ${uri}`, (ctx) =>
      resource.def.read({ uri, params }, ctx),
    );
    const mimeType = resource.def.mimeType;
    if (typeof value === 'string') return { contents: [{ uri, ...(mimeType && { mimeType }), text: value }] };
    if (value instanceof Uint8Array) {
      return {
        contents: [{ uri, ...(mimeType && { mimeType }), blob: Buffer.from(value).toString('base64') }],
      };
    }
    return { contents: value.contents as ResourceContent[] };
  }

  listPrompts(toolSet: ToolSet) {
    return { prompts: [...toolSet.prompts.values()].map((p) => p.descriptor) };
  }

  async getPrompt(
    toolSet: ToolSet,
    name: string,
    args: Record<string, string> | undefined,
    info: CallInfo,
  ): Promise<GetPromptResult> {
    const prompt = toolSet.prompts.get(name);
    if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);
    const parsed = prompt.def.args
      ? prompt.def.args.safeParse(args ?? {})
      : { success: true as const, data: {} };
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i: { path: PropertyKey[]; message: string }) => `${i.path.map(String).join('.')}: ${i.message}`)
        .join('; ');
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid arguments for prompt ${name}: ${issues}`,
      );
    }
    const value = await this.invoke(prompt, info, `prompt ${name}`, (ctx) =>
      prompt.def.get(parsed.data as never, ctx),
    );
    if (typeof value === 'string')
      return { messages: [{ role: 'user', content: { type: 'text', text: value } }] };
    return {
      ...(value.description !== undefined && { description: value.description }),
      messages: value.messages,
    };
  }

  async complete(
    toolSet: ToolSet,
    ref: { type: string; name?: string; uri?: string },
    argument: { name: string; value: string },
  ): Promise<CompleteResult> {
    let completer: ((value: string) => string[] | Promise<string[]>) | undefined;
    if (ref.type === 'ref/prompt' && ref.name)
      completer = toolSet.prompts.get(ref.name)?.def.complete?.[argument.name];
    if (ref.type === 'ref/resource' && ref.uri) {
      const resource = toolSet.resources.find((r) => r.key === ref.uri);
      const def = resource?.def as
        | { complete?: Record<string, (value: string) => string[] | Promise<string[]>> }
        | undefined;
      completer = def?.complete?.[argument.name];
    }
    const values = completer ? await completer(argument.value) : [];
    return {
      completion: {
        values: values.slice(0, MAX_COMPLETIONS),
        total: values.length,
        hasMore: values.length > MAX_COMPLETIONS,
      },
    };
  }

  private findResource(
    toolSet: ToolSet,
    uri: string,
  ): { resource: CompiledResource; params: Record<string, string> } | undefined {
    for (const resource of toolSet.resources) {
      if (!resource.template && resource.key === uri) return { resource, params: {} };
    }
    for (const resource of toolSet.resources) {
      const vars = resource.template?.match(uri);
      if (vars) {
        const params = Object.fromEntries(
          Object.entries(vars).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
        );
        return { resource, params };
      }
    }
    return undefined;
  }

  /**
   * Run a resource or prompt handler with its services and config; map errors like
   * the gate does, as JSON-RPC errors. A request scope is made only if one of its
   * services is request-scoped.
   */
  private async invoke<T>(
    handler: CompiledResource | CompiledPrompt,
    info: CallInfo,
    what: string,
    run: (ctx: PromptContext<never>) => T | Promise<T>,
  ): Promise<T> {
    const { plugin } = handler;
    let logger: Logger | undefined;
    const requestLogger = () => {
      logger ??= plugin.logger.child({ requestId: info.requestId });
      return logger;
    };
    const scope = new RequestScope(() => ({
      principal: info.principal,
      credentials: info.credentials,
      requestId: info.requestId,
      logger: requestLogger(),
      signal: info.cancellation.signal,
    }));
    try {
      return await run({
        ...askingContext(info),
        services: scope.services(handler.services) as never,
        config: handler.config,
        principal: info.principal,
        credentials: info.credentials,
        signal: info.cancellation.signal,
        requestId: info.requestId,
        get logger() {
          return requestLogger();
        },
      });
    } catch (error) {
      if (error instanceof ProtocolError || error instanceof InputRequiredSignal) throw error;
      if (isToolError(error)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
      requestLogger().error({ err: error }, `${what} failed`);
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `Reading ${what} failed with an internal error (request id ${info.requestId}).`,
      );
    } finally {
      scope.dispose();
    }
  }
}
