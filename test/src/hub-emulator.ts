/**
 * A local stand-in for the Hugging Face Hub API: real HTTP on 127.0.0.1 with the
 * Hub's response shapes (see test/fixtures/hub/README.md). Tests point HF_ENDPOINT
 * at it; no test ever reaches huggingface.co.
 *
 * Besides serving data it records every request (to check token forwarding and
 * caching) and can be told to fail or slow down (`failNext`, `delayMs`).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/hub/${name}`, import.meta.url), 'utf8'));

export type ApiModel = Record<string, unknown> & { _id: string; id: string };
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

export interface HubEmulator {
  /** Base URL to use as HF_ENDPOINT. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answer the next matching request(s) with an error status. */
  failNext(failure: Failure): void;
  /** Delay every answer by this many milliseconds (a slow Hub). */
  delayMs: number;
  close(): Promise<void>;
}

export interface HubEmulatorOptions {
  models?: ApiModel[];
  users?: EmulatorUser[];
}

type Handler = (ctx: { req: IncomingMessage; url: URL; params: string[]; user?: EmulatorUser }) => {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
};

/** The Hub answers only `_id`, `id` and the expanded fields when `expand` is given. */
function project(record: Record<string, unknown>, expand: string[]): Record<string, unknown> {
  if (expand.length === 0) return record;
  const out: Record<string, unknown> = { _id: record['_id'], id: record['id'] };
  for (const key of expand) if (key in record) out[key] = record[key];
  return out;
}

const SORTABLE = new Set(['downloads', 'likes', 'trendingScore', 'createdAt', 'lastModified', 'id']);

function listModels(models: ApiModel[], url: URL): { body: unknown; headers?: Record<string, string> } {
  const q = url.searchParams;
  const search = q.get('search')?.toLowerCase();
  const author = q.get('author');
  const task = q.get('pipeline_tag');
  const filters = q.getAll('filter');
  let matches = models.filter((m) => {
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
  const limit = Math.min(Number(q.get('limit') ?? 1000) || 1000, 1000);
  const offset = Number(q.get('cursor') ? Buffer.from(q.get('cursor')!, 'base64url').toString() : 0);
  const page = matches.slice(offset, offset + limit).map((m) => project(m, q.getAll('expand')));
  if (offset + limit >= matches.length) return { body: page };
  const next = new URL(url);
  next.searchParams.set('cursor', Buffer.from(String(offset + limit)).toString('base64url'));
  return { body: page, headers: { link: `<${next.href}>; rel="next"` } };
}

export async function startHubEmulator(options: HubEmulatorOptions = {}): Promise<HubEmulator> {
  const models: ApiModel[] = options.models ?? fixture('models.json');
  const users: EmulatorUser[] = options.users ?? fixture('users.json');
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];

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
    [/^\/api\/models$/, ({ url }) => listModels(models, url)],
    [
      /^\/api\/models\/([^/]+\/[^/]+|[^/]+?)(?:\/revision\/[^/]+)?$/,
      ({ url, params }) => {
        const model = models.find((m) => m.id === decodeURIComponent(params[0]!));
        if (!model) return { status: 404, body: { error: 'Repository not found' } };
        return { body: project(model, url.searchParams.getAll('expand')) };
      },
    ],
  ];

  let base = '';
  const emulator: HubEmulator = {
    get url() {
      return base;
    },
    requests,
    failNext: (failure) => failures.push({ times: 1, ...failure }),
    delayMs: 0,
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
    });
    const answer = () => {
      const failure = failures.find((f) => !f.pathPrefix || url.pathname.startsWith(f.pathPrefix));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
        const headers: Record<string, string> =
          failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
        return respond(res, failure.status, { error: `Emulated failure ${failure.status}` }, headers);
      }
      const token = authorization?.replace(/^Bearer\s+/i, '');
      const user = users.find((u) => u.token === token);
      if (token && !user) return respond(res, 401, { error: 'Invalid credentials in Authorization header' });
      for (const [pattern, handler] of routes) {
        const match = pattern.exec(url.pathname);
        if (!match) continue;
        const { status = 200, body, headers } = handler({ req, url, params: match.slice(1), user });
        return respond(res, status, body, headers);
      }
      respond(res, 404, { error: 'Not Found' });
    };
    if (emulator.delayMs > 0) setTimeout(answer, emulator.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return emulator;
}
