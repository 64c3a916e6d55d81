/**
 * A local stand-in for the Hugging Face Hub API: real HTTP on 127.0.0.1 with the
 * Hub's response shapes (see test/fixtures/hub/README.md). Tests point HF_ENDPOINT
 * at it; no test ever reaches huggingface.co.
 *
 * It serves models, datasets and Spaces (lists with `Link` pagination, details,
 * `expand[]` projection, private repos visible only to their owners), the Spaces
 * semantic search, papers, the docs search and docs pages. Besides serving data it
 * records every request (to check token forwarding and caching), counts requests in
 * flight (to check the concurrency limit), and can be told to fail (`failNext`:
 * 401/404/429/500…, with `Retry-After`), to break an answer (`breakNext`: cut the
 * connection mid-body, or send a body that is not JSON) or to slow down (`delayMs`, `slow`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../fixtures/hub/', import.meta.url);
const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;

/** A repo record as the Hub's API returns it in full (`ApiModelInfo`, `ApiDatasetInfo`, `ApiSpaceInfo`). */
export type ApiRepo = Record<string, unknown> & { _id: string; id: string };
export type ApiModel = ApiRepo;
/** One result of `/api/papers/search`: `{ paper, title, summary, publishedAt, numComments, … }`. */
export type ApiPaperResult = Record<string, unknown> & { paper: Record<string, unknown> & { id: string } };
/** One result of `/api/docs/search`. */
export type ApiDocHit = Record<string, unknown> & { source_page_url: string; product: string };

export interface EmulatorUser {
  token: string;
  whoami: Record<string, unknown> & { name: string };
  /** What huggingface.co/api/settings/mcp answers for this user (`{ builtInTools, spaceTools }`). */
  mcpSettings?: { builtInTools: string[]; spaceTools: Record<string, unknown>[] };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  headers: IncomingMessage['headers'];
  /** When it arrived (`Date.now()`). */
  at: number;
}

export interface Failure {
  status: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** Only requests whose path starts with this (default: any). */
  pathPrefix?: string;
  /** How many requests fail (default 1). */
  times?: number;
}

/** An answer that starts and then goes wrong. */
export interface Breakage {
  /** `reset`: send the status and part of the body, then destroy the connection; `invalid-json`: a 200 whose body is not JSON. */
  how: 'reset' | 'invalid-json';
  /** Only requests whose path starts with this (default: any). */
  pathPrefix?: string;
  /** How many requests break (default 1). */
  times?: number;
}

/** The data the emulator serves; tests may change it while it runs. */
export interface HubData {
  models: ApiRepo[];
  datasets: ApiRepo[];
  spaces: ApiRepo[];
  papers: ApiPaperResult[];
  docs: ApiDocHit[];
  users: EmulatorUser[];
}

export interface HubEmulator {
  /** Base URL to use as HF_ENDPOINT. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly data: HubData;
  /** Answer the next matching request(s) with an error status. */
  failNext(failure: Failure): void;
  /** Break the next matching answer(s) midway (see `Breakage`). */
  breakNext(breakage: Breakage): void;
  /** Delay every answer by this many milliseconds (a slow Hub). */
  delayMs: number;
  /** Delay answers to paths starting with `pathPrefix` (a slow endpoint); 0 removes it. */
  slow(pathPrefix: string, ms: number): void;
  /** Requests being answered right now, and the most at once since start (or `resetPeak`). */
  readonly inFlight: number;
  readonly peakInFlight: number;
  resetPeak(): void;
  close(): Promise<void>;
}

export interface HubEmulatorOptions {
  /** Replace the fixture models. */
  models?: ApiRepo[];
  datasets?: ApiRepo[];
  spaces?: ApiRepo[];
  papers?: ApiPaperResult[];
  docs?: ApiDocHit[];
  users?: EmulatorUser[];
  /** Add to the data (records with an existing id, or users with an existing token, replace it). */
  add?: Partial<HubData>;
  /** Items per list page before a `Link: rel="next"` (the Hub's own cap is 1000). */
  pageSize?: number;
}

type Answer = { status?: number; body: unknown; headers?: Record<string, string> };
type Handler = (ctx: { req: IncomingMessage; url: URL; params: string[]; user?: EmulatorUser }) => Answer;

const NOT_FOUND: Answer = { status: 404, body: { error: 'Repository not found' } };

/** The Hub answers only `_id`, `id` and the expanded fields when `expand` is given. */
function project(record: Record<string, unknown>, expand: string[]): Record<string, unknown> {
  if (expand.length === 0) return record;
  const out: Record<string, unknown> = { _id: record['_id'], id: record['id'] };
  for (const key of expand) if (key in record) out[key] = record[key];
  return out;
}

/** Fields of the Spaces records that only the semantic search returns. */
const SEARCH_ONLY_FIELDS = ['authorData', 'ai_short_description', 'ai_category', 'originSpace'];
const withoutSearchFields = (record: ApiRepo) =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !SEARCH_ONLY_FIELDS.includes(key)));

const SORTABLE = new Set(['downloads', 'likes', 'trendingScore', 'createdAt', 'lastModified', 'id']);

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .filter(Boolean);

/** Can this caller see the record? Private repos only for their owner and the owner's orgs. */
function visible(record: Record<string, unknown>, user: EmulatorUser | undefined): boolean {
  if (record['private'] !== true) return true;
  if (!user) return false;
  const owner = String(record['id']).split('/')[0];
  const orgs = ((user.whoami['orgs'] as { name: string }[] | undefined) ?? []).map((o) => o.name);
  return owner === user.whoami.name || orgs.includes(owner!);
}

/** `/api/models`, `/api/datasets`, `/api/spaces`: search, author, filter, sort, limit, `Link` pagination. */
function listRepos(records: ApiRepo[], url: URL, user: EmulatorUser | undefined, pageSize: number): Answer {
  const q = url.searchParams;
  const search = q.get('search')?.toLowerCase();
  const author = q.get('author');
  const task = q.get('pipeline_tag');
  const filters = q.getAll('filter');
  let matches = records.filter((m) => {
    if (!visible(m, user)) return false;
    if (search && !String(m.id).toLowerCase().includes(search)) return false;
    if (author && m['author'] !== author) return false;
    if (task && m['pipeline_tag'] !== task) return false;
    const tags = (m['tags'] as string[]) ?? [];
    return filters.every((f) => tags.includes(f) || m['library_name'] === f);
  });
  const sort = q.get('sort');
  if (sort && SORTABLE.has(sort)) {
    const direction = q.get('direction') === '1' ? 1 : -1;
    matches = [...matches].sort((a, b) => {
      const av = a[sort] as string | number;
      const bv = b[sort] as string | number;
      return av === bv ? 0 : (av > bv ? 1 : -1) * direction;
    });
  }
  const limit = Math.min(Number(q.get('limit') ?? pageSize) || pageSize, pageSize);
  const offset = Number(q.get('cursor') ? Buffer.from(q.get('cursor')!, 'base64url').toString() : 0);
  const page = matches.slice(offset, offset + limit).map((m) => project(m, q.getAll('expand')));
  if (offset + limit >= matches.length) return { body: page };
  const next = new URL(url);
  next.searchParams.set('cursor', Buffer.from(String(offset + limit)).toString('base64url'));
  return { body: page, headers: { link: `<${next.href}>; rel="next"` } };
}

/** `/api/{kind}/{id}` and `/api/{kind}/{id}/revision/{rev}`. */
function repoDetails(records: ApiRepo[], project_: (r: ApiRepo, url: URL) => unknown): Handler {
  return ({ url, params, user }) => {
    const record = records.find((m) => m.id === decodeURIComponent(params[0]!));
    if (!record || !visible(record, user)) return NOT_FOUND;
    return { body: project_(record, url) };
  };
}

/**
 * `/api/spaces/semantic-search?q=…[&filter=mcp-server]`: Spaces ranked by how many
 * query words their id, title and descriptions contain, in the search's own shape
 * (title, emoji and shortDescription at the top, a relevancy score).
 */
function semanticSearch(spaces: ApiRepo[], url: URL, user: EmulatorUser | undefined): Answer {
  const query = words(url.searchParams.get('q') ?? '');
  const filter = url.searchParams.getAll('filter');
  const scored = spaces
    .filter((s) => visible(s, user) && filter.every((f) => ((s['tags'] as string[]) ?? []).includes(f)))
    .map((space) => {
      const card = (space['cardData'] ?? {}) as Record<string, unknown>;
      const text = new Set(
        words(
          [
            space.id,
            card['title'],
            card['short_description'],
            space['ai_short_description'],
            space['ai_category'],
          ]
            .filter(Boolean)
            .join(' '),
        ),
      );
      const hits = query.filter((w) => [...text].some((t) => t.startsWith(w))).length;
      return { space, card, score: query.length ? hits / query.length : 0 };
    })
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || (b.space['likes'] as number) - (a.space['likes'] as number));
  return {
    body: scored.map(({ space, card, score }) => ({
      author: space['author'],
      ...(space['authorData'] ? { authorData: space['authorData'] } : {}),
      colorFrom: card['colorFrom'],
      colorTo: card['colorTo'],
      createdAt: space['createdAt'],
      emoji: card['emoji'],
      id: space.id,
      lastModified: space['lastModified'],
      likes: space['likes'],
      pinned: card['pinned'] ?? false,
      private: space['private'],
      sdk: space['sdk'],
      repoType: 'space',
      runtime: space['runtime'],
      ...(card['short_description'] ? { shortDescription: card['short_description'] } : {}),
      title: card['title'],
      isLikedByUser: false,
      ...(space['originSpace'] ? { originSpace: space['originSpace'] } : {}),
      ai_short_description: space['ai_short_description'],
      ai_category: space['ai_category'],
      trendingScore: space['trendingScore'],
      semanticRelevancyScore: score,
    })),
  };
}

/** `/api/papers/search?q=…&limit=…`: papers whose id, title, abstract or keywords hold a query word. */
function searchPapers(papers: ApiPaperResult[], url: URL): Answer {
  const query = words(url.searchParams.get('q') ?? '');
  const limit = Number(url.searchParams.get('limit') ?? 50) || 50;
  const matches = papers.filter(({ paper }) => {
    const text = words(
      [paper.id, paper['title'], paper['summary'], ...((paper['ai_keywords'] as string[]) ?? [])].join(' '),
    );
    return query.some((w) => text.includes(w));
  });
  return { body: matches.slice(0, limit) };
}

/** `/api/docs/search?q=…&product=…`, with page URLs pointing at this emulator. */
function searchDocs(docs: ApiDocHit[], url: URL, base: string): Answer {
  const query = words(url.searchParams.get('q') ?? '');
  const product = url.searchParams.get('product');
  const matches = docs.filter((hit) => {
    if (product && hit.product !== product) return false;
    const text = words([hit['text'], hit['heading1'], hit['heading2'], hit['source_page_title']].join(' '));
    return query.some((w) => text.includes(w));
  });
  return {
    body: matches.map((hit) => ({
      ...hit,
      source_page_url: hit.source_page_url.replace('https://huggingface.co', base),
    })),
  };
}

/** `/docs/…`: a page of test/fixtures/hub/docs, as markdown (`.md`) or HTML. */
function docsPage(path: string): { status: number; type: string; body: string } {
  const name = path.replace(/^\/docs\//, '').replace(/[^\w./-]/g, '');
  for (const [extension, type] of [
    ['.md', 'text/markdown; charset=utf-8'],
    ['.html', 'text/html; charset=utf-8'],
  ] as const) {
    const file = new URL(`docs/${name}${extension}`, FIXTURES);
    if (!name.includes('..') && existsSync(file))
      return { status: 200, type, body: readFileSync(file, 'utf8') };
  }
  return { status: 404, type: 'text/html; charset=utf-8', body: '<h1>404 – Page not found</h1>' };
}

/** Fixture data, with `replace` lists taking the place of a kind and `add` merged in by id. */
function loadData(options: HubEmulatorOptions): HubData {
  const data: HubData = {
    models: options.models ?? fixture('models.json'),
    datasets: options.datasets ?? fixture('datasets.json'),
    spaces: options.spaces ?? fixture('spaces.json'),
    papers:
      options.papers ??
      dedupePapers([
        ...fixture<ApiPaperResult[]>('papers-search.2407.21783.json'),
        ...fixture<ApiPaperResult[]>('papers-search.kazakh.json'),
      ]),
    docs: options.docs ?? fixture('docs-search.json'),
    users: options.users ?? fixture('users.json'),
  };
  const add = options.add ?? {};
  const merge = <T>(list: T[], extra: T[] | undefined, key: (item: T) => string) => {
    for (const item of extra ?? []) {
      const at = list.findIndex((existing) => key(existing) === key(item));
      if (at >= 0) list[at] = item;
      else list.push(item);
    }
  };
  merge(data.models, add.models, (r) => r.id);
  merge(data.datasets, add.datasets, (r) => r.id);
  merge(data.spaces, add.spaces, (r) => r.id);
  merge(data.papers, add.papers, (r) => r.paper.id);
  merge(data.docs, add.docs, (r) => r.source_page_url);
  merge(data.users, add.users, (u) => u.token);
  return data;
}

function dedupePapers(papers: ApiPaperResult[]): ApiPaperResult[] {
  const seen = new Set<string>();
  return papers.filter(({ paper }) => !seen.has(paper.id) && seen.add(paper.id));
}

export async function startHubEmulator(options: HubEmulatorOptions = {}): Promise<HubEmulator> {
  const data = loadData(options);
  const pageSize = options.pageSize ?? 1000;
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  const breakages: Breakage[] = [];
  const slowPaths = new Map<string, number>();
  let inFlight = 0;
  let peakInFlight = 0;

  const expand = (record: ApiRepo, url: URL) => project(record, url.searchParams.getAll('expand'));
  const REPO = '([^/]+\\/[^/]+|[^/]+?)(?:\\/revision\\/[^/]+)?';
  const routes: [RegExp, Handler][] = [
    [
      /^\/api\/whoami-v2$/,
      ({ user }) =>
        user
          ? { body: user.whoami }
          : { status: 401, body: { error: 'Invalid credentials in Authorization header' } },
    ],
    [
      /^\/api\/settings\/mcp$/,
      ({ user }) =>
        user
          ? { body: user.mcpSettings ?? { builtInTools: [], spaceTools: [] } }
          : { status: 401, body: { error: 'Invalid credentials in Authorization header' } },
    ],
    [/^\/api\/models$/, ({ url, user }) => listRepos(data.models, url, user, pageSize)],
    [new RegExp(`^/api/models/${REPO}$`), repoDetails(data.models, expand)],
    [/^\/api\/datasets$/, ({ url, user }) => listRepos(data.datasets, url, user, pageSize)],
    [new RegExp(`^/api/datasets/${REPO}$`), repoDetails(data.datasets, expand)],
    [
      /^\/api\/spaces$/,
      ({ url, user }) => listRepos(data.spaces.map(withoutSearchFields) as ApiRepo[], url, user, pageSize),
    ],
    [/^\/api\/spaces\/semantic-search$/, ({ url, user }) => semanticSearch(data.spaces, url, user)],
    [
      new RegExp(`^/api/spaces/${REPO}$`),
      repoDetails(data.spaces, (record, url) => expand(withoutSearchFields(record) as ApiRepo, url)),
    ],
    [/^\/api\/papers\/search$/, ({ url }) => searchPapers(data.papers, url)],
    [
      /^\/api\/papers\/([^/]+)$/,
      ({ params }) => {
        const found = data.papers.find(({ paper }) => paper.id === decodeURIComponent(params[0]!));
        return found ? { body: found.paper } : { status: 404, body: { error: 'Paper not found' } };
      },
    ],
    [/^\/api\/docs\/search$/, ({ url }) => searchDocs(data.docs, url, base)],
  ];

  let base = '';
  const emulator: HubEmulator = {
    get url() {
      return base;
    },
    requests,
    data,
    failNext: (failure) => failures.push({ times: 1, ...failure }),
    breakNext: (breakage) => breakages.push({ times: 1, ...breakage }),
    delayMs: 0,
    slow: (pathPrefix, ms) => {
      if (ms > 0) slowPaths.set(pathPrefix, ms);
      else slowPaths.delete(pathPrefix);
    },
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    resetPeak: () => {
      peakInFlight = inFlight;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const respond = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const authorization = req.headers.authorization;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization,
      headers: req.headers,
      at: Date.now(),
    });
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
    });
    const answer = () => {
      if (res.destroyed) return;
      const failure = failures.find((f) => !f.pathPrefix || url.pathname.startsWith(f.pathPrefix));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
        const headers: Record<string, string> =
          failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
        return respond(res, failure.status, { error: `Emulated failure ${failure.status}` }, headers);
      }
      const breakage = breakages.find((b) => !b.pathPrefix || url.pathname.startsWith(b.pathPrefix));
      if (breakage) {
        breakage.times = (breakage.times ?? 1) - 1;
        if (breakage.times <= 0) breakages.splice(breakages.indexOf(breakage), 1);
        if (breakage.how === 'invalid-json') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          return res.end('{"id": "openai/whisper-large-v3", <html>upstream hiccup</html>');
        }
        // Promise a long body, send its start, and cut the connection once that start is on the wire.
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '100000' });
        res.write('[{"id": "openai/whisper-large-v3", "likes"', () => res.socket?.destroy());
        return;
      }
      const token = authorization?.replace(/^Bearer\s+/i, '');
      const user = data.users.find((u) => u.token === token);
      if (token && !user) return respond(res, 401, { error: 'Invalid credentials in Authorization header' });
      if (url.pathname.startsWith('/docs/')) {
        const page = docsPage(url.pathname);
        res.writeHead(page.status, { 'content-type': page.type });
        return res.end(page.body);
      }
      for (const [pattern, handler] of routes) {
        const match = pattern.exec(url.pathname);
        if (!match) continue;
        const { status = 200, body, headers } = handler({ req, url, params: match.slice(1), user });
        return respond(res, status, body, headers);
      }
      respond(res, 404, { error: 'Not Found' });
    };
    const slowFor = [...slowPaths].find(([prefix]) => url.pathname.startsWith(prefix))?.[1] ?? 0;
    const delay = emulator.delayMs + slowFor;
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return emulator;
}
