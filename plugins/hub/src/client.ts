import { listModels, modelInfo, type PipelineType, type WhoAmI, whoAmI } from '@huggingface/hub';
import { type Credentials, ToolError } from '@toolhost/core';
import { Agent, fetch as undiciFetch } from 'undici';
import { HubUnreachableError, networkErrorCode, type Subject, toToolError } from './errors';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubClientOptions {
  /** Base URL of the Hub (HF_ENDPOINT), without a trailing slash. */
  endpoint: string;
  /** Per-request timeout in milliseconds (default 10 s). */
  timeoutMs?: number;
}

/** What a Hub call needs from the tool call: the caller's token and abort signal. A ToolContext fits. */
export interface HubCall {
  readonly credentials?: Credentials;
  readonly signal?: AbortSignal;
}

export interface ModelQuery {
  query?: string;
  author?: string;
  task?: string;
  library?: string;
  sort?: 'trendingScore' | 'downloads' | 'likes' | 'createdAt' | 'lastModified';
  limit: number;
}

export interface ModelSummary {
  id: string;
  author?: string;
  task?: string;
  library?: string;
  downloads: number;
  likes: number;
  private: boolean;
  gated: false | 'auto' | 'manual';
  lastModified: string;
}

export interface ModelDetails extends ModelSummary {
  tags: string[];
  createdAt?: string;
  license?: string;
  languages?: string[];
  datasets?: string[];
  parameters?: number;
  baseModels?: string[];
}

const asStringList = (value: unknown): string[] | undefined =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v) => typeof v === 'string')
      : undefined;

/**
 * The one place Toolhost talks HTTP to the Hugging Face Hub. Uses `@huggingface/hub`
 * for the calls it covers, over undici with a per-request timeout; forwards the
 * caller's token; and turns every failure into a `ToolError` a model can act on.
 */
export class HubClient {
  readonly endpoint: string;
  readonly timeoutMs: number;
  private readonly agent: Agent;

  constructor(options: HubClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.agent = new Agent({ connect: { timeout: this.timeoutMs }, keepAliveTimeout: 10_000 });
  }

  /** The public page of a repo: models at the root, datasets and Spaces under their prefix. */
  repoUrl(id: string, kind: 'model' | 'dataset' | 'space' = 'model'): string {
    return `${this.endpoint}${kind === 'model' ? '' : `/${kind}s`}/${id}`;
  }

  async whoAmI(call: HubCall): Promise<WhoAmI> {
    const token = call.credentials?.hfToken;
    if (!token) {
      throw new ToolError(
        'No Hugging Face token was sent. Connect with an `Authorization: Bearer hf_…` header (or set HF_TOKEN for stdio) to identify yourself.',
      );
    }
    return this.run(undefined, call, (fetch) => whoAmI({ accessToken: token, hubUrl: this.endpoint, fetch }));
  }

  async searchModels(query: ModelQuery, call: HubCall): Promise<ModelSummary[]> {
    return this.run(undefined, call, async (fetch) => {
      const models: ModelSummary[] = [];
      for await (const model of listModels({
        search: {
          ...(query.query && { query: query.query }),
          ...(query.author && { owner: query.author }),
          ...(query.task && { task: query.task as PipelineType }),
          ...(query.library && { tags: [query.library] }),
        },
        ...(query.sort && { sort: query.sort }),
        limit: query.limit,
        additionalFields: ['author', 'library_name'],
        hubUrl: this.endpoint,
        fetch,
        ...this.credentials(call),
      })) {
        models.push({
          id: model.name,
          ...(model.author && { author: model.author }),
          ...(model.task && { task: model.task }),
          ...(model.library_name && { library: model.library_name }),
          downloads: model.downloads ?? 0,
          likes: model.likes ?? 0,
          private: model.private,
          gated: model.gated,
          lastModified: model.updatedAt.toISOString(),
        });
      }
      return models;
    });
  }

  async modelInfo(id: string, call: HubCall): Promise<ModelDetails> {
    return this.run({ kind: 'model', id }, call, async (fetch) => {
      const model = await modelInfo({
        name: id,
        additionalFields: ['author', 'library_name', 'tags', 'createdAt', 'cardData', 'safetensors'],
        hubUrl: this.endpoint,
        fetch,
        ...this.credentials(call),
      });
      const card = (model.cardData ?? {}) as Record<string, unknown>;
      const license = asStringList(card['license'])?.[0];
      const languages = asStringList(card['language']);
      const datasets = asStringList(card['datasets']);
      const baseModels = asStringList(card['base_model']);
      return {
        id: model.name,
        ...(model.author && { author: model.author }),
        ...(model.task && { task: model.task }),
        ...(model.library_name && { library: model.library_name }),
        downloads: model.downloads ?? 0,
        likes: model.likes ?? 0,
        private: model.private,
        gated: model.gated,
        lastModified: model.updatedAt.toISOString(),
        tags: model.tags ?? [],
        ...(model.createdAt && { createdAt: new Date(model.createdAt).toISOString() }),
        ...(license && { license }),
        ...(languages?.length && { languages }),
        ...(datasets?.length && { datasets }),
        ...(baseModels?.length && { baseModels }),
        ...(model.safetensors?.total && { parameters: model.safetensors.total }),
      };
    });
  }

  /** Release pooled connections (plugin shutdown). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private credentials(call: HubCall): { accessToken?: string } {
    const token = call.credentials?.hfToken;
    return token ? { accessToken: token } : {};
  }

  /** Run one Hub operation with a fetch bound to this call's signal and timeout; map its errors. */
  private async run<T>(
    subject: Subject | undefined,
    call: HubCall,
    operation: (fetch: typeof globalThis.fetch) => Promise<T>,
  ): Promise<T> {
    const signal = call.signal
      ? AbortSignal.any([call.signal, AbortSignal.timeout(this.timeoutMs)])
      : AbortSignal.timeout(this.timeoutMs);
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      try {
        return await undiciFetch(input as string, { ...(init as object), signal, dispatcher: this.agent });
      } catch (error) {
        const code = networkErrorCode(error);
        if (code && !signal.aborted) throw new HubUnreachableError(this.endpoint, code, error);
        throw error;
      }
    }) as unknown as typeof globalThis.fetch;
    try {
      return await operation(fetch);
    } catch (error) {
      throw toToolError(error, subject, this.timeoutMs, call.signal);
    }
  }
}
