import {
  datasetInfo,
  HubApiError,
  listDatasets,
  listModels,
  modelInfo,
  type PipelineType,
  type WhoAmI,
  whoAmI,
} from '@huggingface/hub';
import { ToolError } from '@toolhost/core';
import { LRUCache } from 'lru-cache';
import { OfflineCatalog } from './catalog/catalog';
import { HubUnreachableError, type Subject, toToolError } from './errors';
import {
  cacheIdentity,
  type Exchange,
  type HubCall,
  HubHttp,
  type HubHttpOptions,
  type RequestOptions,
} from './http';
import {
  toDatasetDetails,
  toDatasetSummary,
  toDocHit,
  toModelDetails,
  toModelSummary,
  toPaper,
  toPaperSummary,
  toSpaceHit,
  toSpaceInfo,
  toSpaceListing,
} from './mappers';
import type { AnswerInfo } from './results';
import type {
  DatasetDetails,
  DatasetQuery,
  DatasetSummary,
  DocHit,
  DocPage,
  ModelDetails,
  ModelQuery,
  ModelSummary,
  PaperDetails,
  PaperSummary,
  RepoKind,
  SpaceHit,
  SpaceInfo,
  SpaceListQuery,
  SpaceQuery,
} from './types';

export type { HubCall } from './http';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** What a Spaces list answer carries (`expand[]`): the Hub sends only these besides the id. */
const SPACE_LIST_FIELDS = [
  'author',
  'cardData',
  'likes',
  'sdk',
  'runtime',
  'private',
  'lastModified',
  'tags',
];

export interface HubClientOptions extends Partial<HubHttpOptions> {
  /** Base URL of the Hub (HF_ENDPOINT), without a trailing slash. */
  endpoint: string;
  /** HF_HUB_OFFLINE: never contact the Hub; search and details answer from the catalog. */
  offline?: boolean;
  /** What searches do when the Hub cannot be reached: answer from the catalog, or fail. */
  fallback?: 'catalog' | 'none';
  /** The offline catalog (default: the one bundled with this package). */
  catalog?: OfflineCatalog;
}

/** An answer and where it came from; `info.notice` says why it is not the live Hub's. */
export interface Answer<T> {
  value: T;
  info: AnswerInfo;
}

/** How a tool asks for an answer: from the live Hub, and what the catalog knows instead. */
export interface AnswerSources<T> {
  hub: () => Promise<T>;
  catalog: (catalog: OfflineCatalog) => T;
}

/**
 * The one place Toolhost talks to the Hugging Face Hub. Uses `@huggingface/hub` for
 * the calls it covers (models, datasets, whoami) and plain JSON requests for the
 * rest (Spaces, papers, docs), all through `HubHttp` (timeout, retries, concurrency
 * limit, cache); forwards the caller's token; and turns every failure into a
 * `ToolError` a model can act on.
 */
export class HubClient {
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly offline: boolean;
  readonly fallback: 'catalog' | 'none';
  readonly catalog: OfflineCatalog;
  readonly http: HubHttp;
  /**
   * Finished answers (parsed and mapped), under the HTTP cache's TTL and entry bound:
   * a repeated search skips the Response, JSON parse and `@huggingface/hub`'s
   * per-item work that a cached HTTP body still costs (most of a cached search's CPU).
   * Keyed like the HTTP cache, by a hash of the caller's token; values are shared,
   * so callers must not mutate them (tools map them into new objects).
   */
  private readonly answers: LRUCache<string, { value: unknown }> | undefined;

  constructor(options: HubClientOptions) {
    const { endpoint, offline, fallback, catalog, ...httpOptions } = options;
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.http = new HubHttp(this.endpoint, httpOptions);
    this.timeoutMs = this.http.options.timeoutMs;
    this.offline = offline ?? false;
    this.fallback = fallback ?? 'catalog';
    this.catalog = catalog ?? OfflineCatalog.bundled();
    const { cacheTtlMs, cacheMaxEntries } = this.http.options;
    this.answers =
      cacheTtlMs > 0 && cacheMaxEntries > 0
        ? new LRUCache({ max: cacheMaxEntries, ttl: cacheTtlMs })
        : undefined;
  }

  /** The public page of a repo: models at the root, datasets and Spaces under their prefix. */
  repoUrl(id: string, kind: RepoKind = 'model'): string {
    return `${this.endpoint}${kind === 'model' ? '' : `/${kind}s`}/${id}`;
  }

  /** A paper's page on the Hub. */
  paperUrl(id: string): string {
    return `${this.endpoint}/papers/${id}`;
  }

  /**
   * Answer from the live Hub, or from the offline catalog: always in offline mode
   * (HF_HUB_OFFLINE=1), and for a `search` when the Hub cannot be reached at all
   * (DNS, refused connection, blocked port — not an HTTP error, and not an answer
   * that broke midway or was not JSON) unless `fallback` is `none`.
   */
  async answer<T>(call: HubCall, use: 'search' | 'lookup', sources: AnswerSources<T>): Promise<Answer<T>> {
    if (this.offline) {
      return {
        value: sources.catalog(this.catalog),
        info: {
          source: 'catalog',
          notice: `Offline mode (HF_HUB_OFFLINE=1): answered from Toolhost's bundled catalog of well-known repos and papers (${this.catalog.source}), not the live Hub; counts and dates are unknown.`,
        },
      };
    }
    try {
      return { value: await sources.hub(), info: { source: 'hub' } };
    } catch (error) {
      if (!(error instanceof HubUnreachableError) || use !== 'search' || this.fallback !== 'catalog')
        throw error;
      if (call.signal?.aborted) throw error;
      return {
        value: sources.catalog(this.catalog),
        info: {
          source: 'catalog',
          notice: `The Hub at ${error.endpoint} could not be reached (${error.code}), so this answer comes from Toolhost's bundled offline catalog, which knows only well-known repos and papers.${error.hint ? ` ${error.hint}` : ''}`,
        },
      };
    }
  }

  async whoAmI(call: HubCall): Promise<WhoAmI> {
    const token = call.credentials?.hfToken;
    if (!token) {
      throw new ToolError(
        'No Hugging Face token was sent. Connect with an `Authorization: Bearer hf_…` header (or set HF_TOKEN for stdio) to identify yourself.',
      );
    }
    // Never cached: it is how people check that a token (still) works.
    return this.run(
      undefined,
      call,
      (fetch) => whoAmI({ accessToken: token, hubUrl: this.endpoint, fetch }),
      { cache: false },
    );
  }

  async searchModels(query: ModelQuery, call: HubCall): Promise<ModelSummary[]> {
    return this.remember(call, ['searchModels', query], () =>
      this.run(undefined, call, async (fetch) => {
        const models: ModelSummary[] = [];
        for await (const model of listModels({
          search: {
            ...(query.query && { query: query.query }),
            ...(query.author && { owner: query.author }),
            ...(query.task && { task: query.task as PipelineType }),
            ...((query.library || query.tags?.length) && {
              tags: [...(query.library ? [query.library] : []), ...(query.tags ?? [])],
            }),
          },
          ...(query.sort && { sort: query.sort }),
          limit: query.limit,
          additionalFields: ['author', 'library_name'],
          hubUrl: this.endpoint,
          fetch,
          ...this.credentials(call),
        })) {
          models.push(toModelSummary(model));
        }
        return models;
      }),
    );
  }

  async modelInfo(id: string, call: HubCall): Promise<ModelDetails> {
    return this.remember(call, ['modelInfo', id], () =>
      this.run({ kind: 'model', id }, call, async (fetch) => {
        const model = await modelInfo({
          name: id,
          additionalFields: ['author', 'library_name', 'tags', 'createdAt', 'cardData', 'safetensors'],
          hubUrl: this.endpoint,
          fetch,
          ...this.credentials(call),
        });
        return toModelDetails(model);
      }),
    );
  }

  async searchDatasets(query: DatasetQuery, call: HubCall): Promise<DatasetSummary[]> {
    return this.remember(call, ['searchDatasets', query], () =>
      this.run(undefined, call, async (fetch) => {
        const datasets: DatasetSummary[] = [];
        for await (const dataset of listDatasets({
          search: {
            ...(query.query && { query: query.query }),
            ...(query.author && { owner: query.author }),
            ...(query.tags?.length && { tags: query.tags }),
          },
          ...(query.sort && { sort: query.sort }),
          limit: query.limit,
          additionalFields: ['author', 'tags', 'description'],
          hubUrl: this.endpoint,
          fetch,
          ...this.credentials(call),
        })) {
          datasets.push(toDatasetSummary(dataset));
        }
        return datasets;
      }),
    );
  }

  async datasetInfo(id: string, call: HubCall): Promise<DatasetDetails> {
    return this.remember(call, ['datasetInfo', id], () =>
      this.run({ kind: 'dataset', id }, call, async (fetch) =>
        toDatasetDetails(
          await datasetInfo({
            name: id,
            additionalFields: ['author', 'cardData', 'tags', 'createdAt', 'description'],
            hubUrl: this.endpoint,
            fetch,
            ...this.credentials(call),
          }),
        ),
      ),
    );
  }

  /** Spaces by meaning (`/api/spaces/semantic-search`), best first; `mcp` keeps only MCP servers. */
  async searchSpaces(query: SpaceQuery, call: HubCall): Promise<SpaceHit[]> {
    const params = new URLSearchParams({ q: query.query });
    if (query.mcp) params.set('filter', 'mcp-server');
    const hits = await this.getJson(
      `/api/spaces/semantic-search?${params}`,
      undefined,
      call,
      (records: Record<string, unknown>[]) => records.map(toSpaceHit),
    );
    return hits.slice(0, query.limit);
  }

  /**
   * Spaces by keywords in their id (`/api/spaces?search=`), with author and tag
   * filters and a sort, as the models and datasets lists take them; one page of
   * at most `limit`. Asked directly, not through `@huggingface/hub`'s listSpaces,
   * which pages through every match and has no limit.
   */
  async listSpaces(query: SpaceListQuery, call: HubCall): Promise<SpaceHit[]> {
    const params = new URLSearchParams();
    if (query.query) params.set('search', query.query);
    if (query.author) params.set('author', query.author);
    for (const tag of query.tags ?? []) params.append('filter', tag);
    if (query.sort) {
      params.set('sort', query.sort);
      params.set('direction', '-1');
    }
    params.set('limit', String(query.limit));
    for (const field of SPACE_LIST_FIELDS) params.append('expand[]', field);
    return this.getJson(`/api/spaces?${params}`, undefined, call, (records: Record<string, unknown>[]) =>
      records.slice(0, query.limit).map(toSpaceListing),
    );
  }

  /**
   * A Space as `/api/spaces/{id}` describes it: SDK, runtime stage, hardware,
   * subdomain and host. Asked directly, not through `@huggingface/hub`'s spaceInfo,
   * because only the full answer carries `host` (where the app really lives).
   */
  async spaceInfo(id: string, call: HubCall): Promise<SpaceInfo> {
    return this.getJson(`/api/spaces/${id}`, { kind: 'space', id }, call, toSpaceInfo);
  }

  async searchPapers(query: string, limit: number, call: HubCall): Promise<PaperSummary[]> {
    const params = new URLSearchParams({ q: query, limit: String(limit) });
    return this.getJson(
      `/api/papers/search?${params}`,
      undefined,
      call,
      (results: Record<string, unknown>[]) => results.slice(0, limit).map(toPaperSummary),
    );
  }

  async paperInfo(id: string, call: HubCall): Promise<PaperDetails> {
    return this.getJson(`/api/papers/${id}`, { kind: 'paper', id }, call, toPaper);
  }

  async searchDocs(query: string, product: string | undefined, call: HubCall): Promise<DocHit[]> {
    const params = new URLSearchParams({ q: query });
    if (product) params.set('product', product);
    return this.getJson(`/api/docs/search?${params}`, undefined, call, (hits: Record<string, unknown>[]) =>
      hits.map(toDocHit),
    );
  }

  /**
   * A documentation page of this Hub (`path` starts with /docs/), as markdown when
   * the Hub offers it and HTML otherwise. Only paths on the Hub endpoint: the
   * client never fetches other hosts.
   */
  async fetchDocPage(path: string, call: HubCall): Promise<DocPage> {
    // Resolve dot segments first, so "/docs/../api/…" cannot leave the docs.
    const normal = new URL(path, 'http://docs.invalid');
    if (!normal.pathname.startsWith('/docs/')) {
      throw new ToolError('Only documentation pages under /docs/ can be fetched.');
    }
    const url = `${this.endpoint}${normal.pathname}${normal.search}`;
    return this.run({ kind: 'documentation page', id: url }, call, async (_fetch, exchange) => {
      const response = await this.http.request(
        url,
        { headers: this.headers(call, 'text/markdown, text/html;q=0.9, */*;q=0.1') },
        call,
        exchange,
      );
      if (!response.ok) throw new HubApiError(url, response.status);
      return { url, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    });
  }

  /** Release pooled connections (plugin shutdown). */
  async close(): Promise<void> {
    await this.http.close();
  }

  private credentials(call: HubCall): { accessToken?: string } {
    const token = call.credentials?.hfToken;
    return token ? { accessToken: token } : {};
  }

  private headers(call: HubCall, accept = 'application/json'): Record<string, string> {
    const token = call.credentials?.hfToken;
    return { accept, ...(token && { authorization: `Bearer ${token}` }) };
  }

  /**
   * GET a JSON API path of the Hub (for the endpoints `@huggingface/hub` does not cover),
   * mapped by `map`; the mapped answer is remembered like the client's other answers.
   */
  private getJson<R, T = Record<string, unknown>>(
    path: string,
    subject: Subject | undefined,
    call: HubCall,
    map: (json: T) => R,
  ): Promise<R> {
    const url = `${this.endpoint}${path}`;
    return this.remember(call, ['GET', path], () =>
      this.run(subject, call, async (_fetch, exchange) => {
        const response = await this.http.request(url, { headers: this.headers(call) }, call, exchange);
        if (!response.ok) throw new HubApiError(url, response.status);
        return map((await response.json()) as T);
      }),
    );
  }

  /** An answer this caller got within the cache TTL, or a new one (kept only when it succeeds). */
  private async remember<T>(call: HubCall, what: unknown[], compute: () => Promise<T>): Promise<T> {
    if (!this.answers) return compute();
    const key = `${cacheIdentity(call.credentials?.hfToken)} ${JSON.stringify(what)}`;
    const known = this.answers.get(key);
    if (known) return known.value as T;
    const value = await compute();
    this.answers.set(key, { value });
    return value;
  }

  /** Run one Hub operation with a fetch bound to this call; map its errors. */
  private async run<T>(
    subject: Subject | undefined,
    call: HubCall,
    operation: (fetch: typeof globalThis.fetch, exchange: Exchange) => Promise<T>,
    options?: RequestOptions,
  ): Promise<T> {
    if (this.offline) {
      throw new ToolError(
        'Toolhost is in offline mode (HF_HUB_OFFLINE=1), and this needs the live Hugging Face Hub. Search and details tools answer from the bundled catalog instead.',
      );
    }
    const exchange: Exchange = {};
    try {
      return await operation(this.http.fetchFor(call, exchange, options), exchange);
    } catch (error) {
      throw toToolError(error, subject, this.timeoutMs, exchange, call.signal);
    }
  }
}
