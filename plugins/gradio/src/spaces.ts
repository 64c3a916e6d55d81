import {
  type ContentBlock,
  type Credentials,
  isToolError,
  type Logger,
  type ToolContext,
  ToolError,
  type ToolResult,
  toolResult,
  type UpstreamOutcome,
  type UpstreamStarter,
} from '@toolhost/core';
import { type HubClient, HubNotFoundError } from '@toolhost/plugin-hub';
import { LRUCache } from 'lru-cache';
import type { SpacesConfig } from './config';
import {
  type CallOptions,
  isRequestTimeout,
  SpaceConnections,
  type UpstreamContents,
  type UpstreamResource,
  type UpstreamTool,
} from './connections';
import { refusalOf } from './outbound';

/** What discovery learned about a Space: its endpoint and tools, or why it cannot be used. */
export type SpaceState =
  | {
      readonly ok: true;
      readonly id: string;
      readonly url: string;
      readonly tools: readonly UpstreamTool[];
      /** What the Space lists in resources/list (MCP Apps' `ui://` pages among them); empty if none. */
      readonly resources: readonly UpstreamResource[];
    }
  | { readonly ok: false; readonly id: string; readonly status: string; readonly message: string };

/** How a call identifies its caller to the Hub and the Space. */
export interface SpaceCall {
  readonly credentials: Credentials;
  /** Caches keep private Spaces and failures per caller. */
  readonly principalId: string;
  readonly signal?: AbortSignal;
}

/** Gradio's own rule for a Space's subdomain, when the Hub does not say it. */
const defaultSubdomain = (id: string) => id.toLowerCase().replace(/[/_.]/g, '-');

const formatSeconds = (s: number) => `${Number.isInteger(s) ? s : s.toFixed(1)} s`;

/**
 * Reaches Spaces: discovers them (the Hub's `/api/spaces/{id}`, then the Space's
 * MCP tools/list, cached with a TTL and failures cached briefly) and calls their
 * tools over reused connections. Provided to other plugins as the `gradio` service.
 */
export class SpaceProxy {
  /** Discoveries by Space id (shared) or `id#principal` (private Spaces, failures, in flight); bounded, LRU. */
  private readonly cache = new LRUCache<string, Promise<SpaceState>>({ max: 10_000 });
  /** Spaces the Hub said are private: their tools are cached per caller, never shared. */
  private readonly privateSpaces = new Set<string>();
  readonly connections: SpaceConnections;

  constructor(
    private readonly hub: HubClient,
    readonly config: SpacesConfig,
    private readonly logger: Logger,
    private readonly startUpstream?: UpstreamStarter,
  ) {
    this.connections = new SpaceConnections(config);
  }

  /** The Space's endpoint and tools, or a failure naming its status; never throws. */
  discover(id: string, call: SpaceCall): Promise<SpaceState> {
    const personal = `${id}#${call.principalId}`;
    const hit = this.cache.get(id) ?? this.cache.get(personal);
    if (hit) return hit;
    const state = this.lookup(id, call);
    // Until it settles, concurrent requests share this discovery (no stampede).
    this.cache.set(personal, state);
    void state.then(({ ok }) => {
      this.cache.delete(personal);
      // A discovery cut short by its caller's cancel says nothing about the Space.
      if (call.signal?.aborted) return;
      const ttl = (ok ? this.config.toolsTtlSeconds : this.config.failureTtlSeconds) * 1000;
      if (ttl === 0) return;
      // Public Spaces' tools are shared by every caller; private ones and failures stay per caller.
      const shared = ok && !this.privateSpaces.has(id);
      this.cache.set(shared ? id : personal, state, { ttl });
    });
    return state;
  }

  /** Call a Space's tool for a caller: progress relayed, cancellation and timeout applied, errors named. */
  async call(
    state: Extract<SpaceState, { ok: true }>,
    tool: string,
    args: Record<string, unknown>,
    ctx: Pick<ToolContext, 'credentials' | 'signal' | 'progress'>,
    options: { dropImages?: boolean } = {},
  ): Promise<ToolResult> {
    const result = await this.exchange(state, ctx, (options) =>
      this.connections.callTool(state.url, tool, args, {
        ...options,
        onprogress: (p) => void ctx.progress(p.progress, p.total, p.message).catch(() => {}),
      }),
    );
    const drop = options.dropImages ?? this.config.dropImages;
    const content = drop ? dropImages(result.content as ContentBlock[]) : (result.content as ContentBlock[]);
    return toolResult({
      content,
      ...(result.structuredContent != null && {
        structuredContent: result.structuredContent as Record<string, unknown>,
      }),
      ...(result.isError === true && { isError: true }),
    });
  }

  /**
   * Read one of a Space's resources (an MCP App's page) for a caller, through the
   * same guarded connection, token forwarding and timeout as a call.
   */
  async readResource(
    state: Extract<SpaceState, { ok: true }>,
    uri: string,
    ctx: Pick<ToolContext, 'credentials' | 'signal'>,
  ): Promise<UpstreamContents> {
    return this.exchange(state, ctx, (options) => this.connections.readResource(state.url, uri, options));
  }

  /**
   * One request to a Space for a caller, whatever it asks (a tool call, a page): the
   * caller's token, the trace headers and the timeout go with it; its upstream metrics and
   * span are ended by how it went; its failure becomes the error a model can act on.
   */
  private async exchange<T>(
    state: Extract<SpaceState, { ok: true }>,
    ctx: Pick<ToolContext, 'credentials' | 'signal'>,
    send: (options: CallOptions) => Promise<T>,
  ): Promise<T> {
    const upstream = this.startUpstream?.('space', { method: 'POST', url: state.url });
    const report = (outcome: UpstreamOutcome) => upstream?.end(outcome);
    try {
      const answer = await send({
        ...(ctx.credentials.hfToken !== undefined && { token: ctx.credentials.hfToken }),
        ...(upstream && { headers: upstream.headers }),
        signal: ctx.signal,
        timeoutMs: this.config.timeoutSeconds * 1000,
      });
      report('ok');
      return answer;
    } catch (error) {
      if (ctx.signal.aborted) {
        report('cancelled');
        throw ctx.signal.reason ?? error;
      }
      // A refused destination was never contacted: nothing upstream to report.
      const refusal = refusalOf(error);
      if (refusal) upstream?.discard(refusal.message);
      else report(isRequestTimeout(error) ? 'timeout' : 'network_error');
      throw this.callError(state.id, error);
    }
  }

  /** The failure of a Space that cannot be used, as the error a call returns. */
  unavailable(state: Extract<SpaceState, { ok: false }>): ToolError {
    return new ToolError(`Space ${state.id} is unavailable (${state.status}): ${state.message}`);
  }

  async close(): Promise<void> {
    await this.connections.close();
  }

  private async lookup(id: string, call: SpaceCall): Promise<SpaceState> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.config.discoveryTimeoutSeconds * 1000),
      ...(call.signal ? [call.signal] : []),
    ]);
    let url: string;
    try {
      const info = await this.hub.spaceInfo(id, { credentials: call.credentials, signal });
      if (info.private) this.privateSpaces.add(id);
      const stage = info.stage ?? 'UNKNOWN';
      if (stage !== 'RUNNING') {
        return {
          ok: false,
          id,
          status: stage,
          message: `the Space is not running; open https://huggingface.co/spaces/${id} to start it, then try again.`,
        };
      }
      url = this.config.endpoint
        .replaceAll('{subdomain}', info.subdomain ?? defaultSubdomain(id))
        .replaceAll('{id}', id);
    } catch (error) {
      if (error instanceof HubNotFoundError) {
        return {
          ok: false,
          id,
          status: 'NOT_FOUND',
          message: 'no such Space on the Hub (or it is private).',
        };
      }
      return { ok: false, id, status: 'HUB_ERROR', message: hubMessage(error, signal) };
    }
    try {
      const { tools, resources } = await this.connections.discover(url, {
        ...(call.credentials.hfToken !== undefined && { token: call.credentials.hfToken }),
        signal,
        timeoutMs: this.config.discoveryTimeoutSeconds * 1000,
      });
      return { ok: true, id, url, tools, resources };
    } catch (error) {
      const failure = this.callError(id, error);
      this.logger.warn({ space: id, err: error }, 'Space discovery failed');
      const refused = refusalOf(error) !== undefined;
      return {
        ok: false,
        id,
        status: refused ? 'REFUSED' : 'UNREACHABLE',
        message: failure.message.replace(`Space ${id} `, ''),
      };
    }
  }

  private callError(id: string, error: unknown): ToolError {
    if (isToolError(error)) return error;
    const refusal = refusalOf(error);
    if (refusal) return new ToolError(`Space ${id} was not contacted: ${refusal.message}.`);
    if (isRequestTimeout(error)) {
      return new ToolError(
        `Space ${id} did not answer within ${formatSeconds(this.config.timeoutSeconds)} (spaces.timeoutSeconds); it may be busy or waking up. Try again later.`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ space: id, err: error }, 'Space call failed');
    return new ToolError(`Space ${id} could not be reached or refused the call: ${message}`);
  }
}

function hubMessage(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'the Hub did not answer in time.';
  return isToolError(error) ? error.message : 'the Hub lookup failed.';
}

/** Image blocks replaced by a short note, for clients that cannot show images. */
function dropImages(content: readonly ContentBlock[]): ContentBlock[] {
  return content.map((block) =>
    block.type === 'image'
      ? { type: 'text', text: `[image (${block.mimeType}) left out: spaces.dropImages is on]` }
      : block,
  );
}
