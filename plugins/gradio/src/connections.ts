import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallToolResult, Client, ProgressCallback } from '@modelcontextprotocol/client';
import { KERNEL_VERSION, z } from '@toolhost/core';
import { createGuardedFetch, type GuardedFetch, type OutboundPolicy } from './outbound';

/** The MCP client SDK loads with the first Space connection, not at start-up (stdio's cold start). */
let sdk: typeof import('@modelcontextprotocol/client') | undefined;
const loadSdk = async () => {
  sdk ??= await import('@modelcontextprotocol/client');
  return sdk;
};

/** Whether `error` is the client SDK's request timeout (only a loaded SDK can have thrown one). */
export function isRequestTimeout(error: unknown): boolean {
  return sdk !== undefined && error instanceof sdk.SdkError && error.code === sdk.SdkErrorCode.RequestTimeout;
}

/** A tool as the Space lists it; `inputSchema` is kept exactly as received. */
export interface UpstreamTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
  /** Kept for MCP Apps: `_meta.ui.resourceUri` names the tool's `ui://` page (SEP-1865). */
  readonly _meta?: Record<string, unknown>;
}

/** A resource as the Space lists it (`resources/list`). */
export interface UpstreamResource {
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly _meta?: Record<string, unknown>;
}

/** What discovery reads from a Space: its tools, and the resources it lists (if it serves any). */
export interface UpstreamListing {
  readonly tools: UpstreamTool[];
  readonly resources: UpstreamResource[];
}

/*
 * tools/list is read with this loose schema instead of the SDK's own: the SDK's
 * zod schema rebuilds `inputSchema` with `type`, `properties` and `required`
 * first, and the upstream schema must reach our callers byte for byte.
 */
const jsonObject = z.record(z.string(), z.unknown());
const toolsListResult = z.object({
  tools: z.array(
    z.looseObject({
      name: z.string().min(1),
      title: z.string().optional(),
      description: z.string().optional(),
      inputSchema: jsonObject,
      annotations: jsonObject.optional(),
      _meta: jsonObject.optional(),
    }),
  ),
  nextCursor: z.string().optional(),
});

const resourcesListResult = z.object({
  resources: z.array(
    z.looseObject({
      uri: z.string().min(1),
      name: z.string(),
      title: z.string().optional(),
      description: z.string().optional(),
      mimeType: z.string().optional(),
      _meta: jsonObject.optional(),
    }),
  ),
  nextCursor: z.string().optional(),
});

/** `resources/read`, read loosely: each content's `_meta` (an App's CSP, domain…) must pass through. */
const readResourceResult = z.object({
  contents: z.array(
    z.looseObject({
      uri: z.string(),
      mimeType: z.string().optional(),
      text: z.string().optional(),
      blob: z.string().optional(),
      _meta: jsonObject.optional(),
    }),
  ),
});

export type UpstreamContents = z.output<typeof readResourceResult>['contents'];

/** Pages of tools/list read at most (a Space with more is truncated). */
const MAX_PAGES = 10;

/** Every page of a paginated list method, at most MAX_PAGES (a Space with more is truncated). */
async function paged<T extends { nextCursor?: string | undefined }>(
  client: Client,
  method: 'tools/list' | 'resources/list',
  schema: z.ZodType<T>,
  options: { timeout: number; signal?: AbortSignal },
): Promise<T[]> {
  const pages: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.request(
      { method, ...(cursor !== undefined && { params: { cursor } }) },
      schema as never,
      options,
    );
    pages.push(result as T);
    cursor = (result as T).nextCursor;
    if (cursor === undefined) break;
  }
  return pages;
}

export interface CallOptions {
  /** The caller's Hub token, sent as `X-HF-Authorization` so the Space bills the caller. */
  readonly token?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly onprogress?: ProgressCallback;
  /** Headers every request of the call carries besides the token (W3C trace context). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The call a request to a Space is made for, read by the guarded fetch: the
 * caller's token goes into a header, and the call's signal aborts the HTTP
 * exchange. Aborting the exchange is what stops a stateless Space (Gradio): it
 * cannot route a `notifications/cancelled` sent on another request, but it sees
 * its response stream closed.
 */
interface CurrentCall {
  readonly token: string | undefined;
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}
const currentCall = new AsyncLocalStorage<CurrentCall>();

/**
 * One SDK client per Space endpoint, connected on first use and reused by every
 * call and caller: Gradio's MCP servers are stateless, and each request carries
 * its caller's token in a header. All clients share one undici pool, so calls to
 * a Space ride the same keep-alive connection.
 */
export class SpaceConnections {
  private readonly clients = new Map<string, Promise<Client>>();
  private readonly http: GuardedFetch;

  constructor(policy: OutboundPolicy) {
    this.http = createGuardedFetch(policy, () => {
      const call = currentCall.getStore();
      const headers = {
        ...call?.headers,
        ...(call?.token && { 'x-hf-authorization': `Bearer ${call.token}` }),
      };
      return {
        ...(Object.keys(headers).length > 0 && { headers }),
        ...(call?.signal && { signal: call.signal }),
      };
    });
  }

  /**
   * The transport's fetch, minus its standing GET stream: the proxy answers each
   * call on that call's own response and has no use for server-initiated
   * messages (Gradio refuses the GET anyway), so the GET is answered 405 here
   * instead of costing every Space a request and a connection of its own.
   */
  private readonly fetchPosts = (url: string | URL, init?: RequestInit): Promise<Response> =>
    (init?.method ?? 'GET').toUpperCase() === 'GET'
      ? Promise.resolve(new Response(null, { status: 405, headers: { allow: 'POST' } }))
      : this.http.fetch(url, init);

  /**
   * The Space's tools, and its resources when it says it serves any (MCP Apps).
   * A Space whose resources/list fails still has its tools.
   */
  async discover(url: string, options: CallOptions): Promise<UpstreamListing> {
    return this.withClient(url, options, async (client) => {
      const request = { timeout: options.timeoutMs, ...(options.signal && { signal: options.signal }) };
      const tools = (await paged(client, 'tools/list', toolsListResult, request)).flatMap(
        (page) => page.tools as UpstreamTool[],
      );
      let resources: UpstreamResource[] = [];
      if (client.getServerCapabilities()?.resources) {
        try {
          resources = (await paged(client, 'resources/list', resourcesListResult, request)).flatMap(
            (page) => page.resources as UpstreamResource[],
          );
        } catch (error) {
          if (options.signal?.aborted) throw error;
        }
      }
      return { tools, resources };
    });
  }

  /** `resources/read` of one of the Space's resources, its contents as the Space sent them. */
  async readResource(url: string, uri: string, options: CallOptions): Promise<UpstreamContents> {
    return this.withClient(url, options, async (client) => {
      const result = await client.request({ method: 'resources/read', params: { uri } }, readResourceResult, {
        timeout: options.timeoutMs,
        ...(options.signal && { signal: options.signal }),
      });
      return result.contents;
    });
  }

  async callTool(
    url: string,
    name: string,
    args: Record<string, unknown>,
    options: CallOptions,
  ): Promise<CallToolResult> {
    return this.withClient(url, options, (client) =>
      client.callTool(
        { name, arguments: args },
        {
          timeout: options.timeoutMs,
          maxTotalTimeout: options.timeoutMs,
          ...(options.signal && { signal: options.signal }),
          ...(options.onprogress && { onprogress: options.onprogress, resetTimeoutOnProgress: true }),
        },
      ),
    );
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map(async (client) => (await client).close()));
    await this.http.close();
  }

  /** Run `use` as this call: its token on every request, and its HTTP exchanges ended when it ends. */
  private async withClient<T>(
    url: string,
    options: CallOptions,
    use: (client: Client) => Promise<T>,
  ): Promise<T> {
    const { token, headers } = options;
    const client = await currentCall.run({ token, headers }, () => this.client(url, options));
    const done = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, done.signal]) : done.signal;
    try {
      return await currentCall.run({ token, headers, signal }, () => use(client));
    } finally {
      // On timeout or cancel the SDK gives up on the answer; this also closes the exchange upstream.
      done.abort();
    }
  }

  private client(url: string, options: CallOptions): Promise<Client> {
    let client = this.clients.get(url);
    if (!client) {
      client = this.connect(url, options);
      this.clients.set(url, client);
      // A failed or closed connection is forgotten, so the next call connects afresh.
      client.catch(() => this.clients.delete(url));
    }
    return client;
  }

  private connect(url: string, options: CallOptions): Promise<Client> {
    const connected = (async () => {
      const { Client, StreamableHTTPClientTransport } = await loadSdk();
      const client = new Client({ name: 'toolhost', version: KERNEL_VERSION });
      const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: this.fetchPosts });
      client.onclose = () => {
        if (this.clients.get(url) === connected) this.clients.delete(url);
      };
      await client.connect(transport, {
        timeout: options.timeoutMs,
        ...(options.signal && { signal: options.signal }),
      });
      return client;
    })();
    return connected;
  }
}
