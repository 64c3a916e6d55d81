/**
 * Shared pieces of the hostile-input suite and the fuzz: a raw HTTP client (node:http,
 * so that Host, Authorization and bodies go out exactly as written), the two eras'
 * message shapes, the "nothing leaked" check and the liveness probe run after every row.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { type Era, REPO_ROOT } from '../src/helpers';

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';

/** The per-request `_meta` envelope of a 2026-07-28 request. */
export const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'hostile-suite', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
} as const;

export const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

export interface RawRequest {
  method?: string;
  /** Path and query, e.g. `/mcp?tools=echo`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent byte for byte; objects are JSON-encoded. */
  body?: string | Buffer | object;
  /** For streams that never end (SSE): stop reading once the body so far satisfies this. */
  until?: (body: string) => boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with node:http: unlike fetch it sends a forged Host header and any
 * Authorization value as given. A request that gets no answer fails after `timeoutMs`
 * (a hang is a finding, not a slow answer: the limit is generous).
 */
export function send(baseUrl: string, spec: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(spec.path, baseUrl);
  const payload =
    spec.body === undefined
      ? undefined
      : typeof spec.body === 'string' || Buffer.isBuffer(spec.body)
        ? spec.body
        : JSON.stringify(spec.body);
  const headers: Record<string, string | number> = { ...spec.headers };
  if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    let answered = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: spec.method ?? 'POST',
        headers,
        // A fresh connection per request: a socket the server closed after a 4xx is never reused.
        agent: false,
      },
      (res) => {
        answered = true;
        let body = '';
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (spec.until?.(body)) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer to ${spec.method ?? 'POST'} ${spec.path} within ${timeoutMs} ms`)),
    );
    // The server may answer (413) and close before an oversize body is fully written: the
    // write error is only a failure when no answer came.
    req.on('error', (error) => {
      failure = error;
    });
    req.on('close', () => {
      if (!answered) reject(failure ?? new Error(`connection closed without an answer to ${spec.path}`));
    });
    req.end(payload);
  });
}

/** The JSON-RPC headers and body of a request in one era: 2026-07-28 adds the envelope and Mcp-* headers. */
export function rpc(
  era: Era,
  method: string,
  params?: Record<string, unknown>,
  id: unknown = 1,
): { headers: Record<string, string>; body: Record<string, unknown> } {
  if (era === 'legacy')
    return { headers: { ...JSON_HEADERS }, body: { jsonrpc: '2.0', id, method, ...(params && { params }) } };
  const name: Record<string, string> =
    typeof params?.['name'] === 'string' ? { 'mcp-name': params['name'] as string } : {};
  return {
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': MODERN, 'mcp-method': method, ...name },
    body: {
      jsonrpc: '2.0',
      id,
      method,
      params: { ...params, _meta: { ...ENVELOPE, ...(params?.['_meta'] as object) } },
    },
  };
}

/** The era's request headers for a body written by hand. */
export const eraHeaders = (era: Era, method = 'ping'): Record<string, string> =>
  era === 'legacy'
    ? { ...JSON_HEADERS }
    : { ...JSON_HEADERS, 'mcp-protocol-version': MODERN, 'mcp-method': method };

/** The JSON-RPC error code of a body, `undefined` when it has none, `null` when it is not JSON-RPC at all. */
export function jsonRpcCode(body: string): number | undefined | null {
  const message = jsonOf(body);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const { jsonrpc, error } = message as { jsonrpc?: unknown; error?: { code?: unknown } };
  if (jsonrpc !== '2.0') return null;
  return typeof error?.code === 'number' ? error.code : undefined;
}

/** A JSON body, or the first JSON `data:` of an SSE body; `undefined` when neither parses. */
export function jsonOf(body: string): unknown {
  const parse = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  const direct = parse(body);
  if (direct !== undefined) return direct;
  // SSE: skip priming events (an empty `data:`) and comments.
  for (const [, data] of body.matchAll(/^data: ?(.+)$/gm)) {
    const parsed = parse(data!);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

const REPO_PATH = REPO_ROOT.replace(/\/+$/, '');

/** No stack trace, no filesystem path of the repo, no secret: whatever the answer was. */
export function expectNothingLeaked(body: string, secrets: readonly string[] = []): void {
  expect(body, 'a stack trace in the body').not.toMatch(/\n\s+at | {4}at /);
  expect(body, 'a path of the repository in the body').not.toContain(REPO_PATH);
  expect(body, 'a node_modules path in the body').not.toContain('node_modules/');
  for (const secret of secrets) expect(body, 'a secret in the body').not.toContain(secret);
}

/**
 * The server still serves: a 2025-era `ping` answers `{}`, and (2026-07-28 removed
 * ping) a `server/discover` in the 2026-07-28 era answers with the server's identity.
 */
export async function expectAnswersPing(baseUrl: string, era: Era = 'legacy'): Promise<void> {
  const ping = await send(baseUrl, { path: '/mcp', ...rpc('legacy', 'ping', undefined, 'liveness') });
  expect(ping.status, `ping afterwards: ${ping.body}`).toBe(200);
  expect(jsonOf(ping.body)).toMatchObject({ jsonrpc: '2.0', id: 'liveness', result: {} });
  if (era === 'modern') {
    const discover = await send(baseUrl, {
      path: '/mcp',
      ...rpc('modern', 'server/discover', {}, 'liveness'),
    });
    expect(discover.status, `server/discover afterwards: ${discover.body}`).toBe(200);
    expect(jsonOf(discover.body)).toMatchObject({
      id: 'liveness',
      result: { _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'toolhost' } } },
    });
  }
}

/** `{"a":{"a":…{}}}` nested `depth` deep, built as text: building it as an object and stringifying would itself overflow. */
export function deepJson(depth: number, open = '{"a":', close = '}', leaf = '{}'): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}
