import type { InboundClassificationOutcome } from '@modelcontextprotocol/server';
import { LruTtlCache } from '../lru';
import type { ClientIdentity, Era, RequestOutcome } from '../telemetry';
import type { McpHttpRequest, McpHttpResponse } from './http-types';
import { SERVED_PROTOCOL_VERSIONS } from './protocol-versions';

/**
 * What the MCP endpoint learns about each request for its log line and telemetry:
 * era, method, tool, client identity and outcome, read from what was parsed and
 * answered anyway (no second parse on the direct path).
 */

/** Where a 2026-07-28 request's `_meta` envelope carries the clientInfo. */
export const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo';
/** How long a 2025 client's `initialize` clientInfo names its later (sessionless) requests. */
const CLIENT_MEMORY_MS = 60 * 60_000;
const MAX_REMEMBERED_CLIENTS = 2_000;
/** Client names and versions are client-chosen: kept short in memory and on the dashboard. */
const MAX_NAME_LENGTH = 100;

export interface RequestSummary {
  readonly era?: Era;
  /** The JSON-RPC method; `batch` for a batch body. */
  readonly method?: string;
  readonly tool?: string;
  readonly outcome: RequestOutcome;
  readonly status: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const short = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_NAME_LENGTH) : undefined;

/**
 * What a request was: for a POST, the method (and tool) its body names; a GET or
 * DELETE carries no message and is named by its HTTP method, so a client's stream
 * probe is counted as what it is rather than as a request with no method.
 */
export function requestFields(request: Pick<McpHttpRequest, 'method' | 'body'>): {
  method?: string;
  tool?: string;
} {
  if (request.method === 'POST') return messageFields(request.body);
  return { method: `${request.method} /mcp` };
}

/**
 * A `GET /mcp` answered 405 is a client probing for the server's GET stream, which
 * stateless Streamable HTTP does not offer: the spec's expected answer, not an error.
 */
export function probeOutcome(
  request: Pick<McpHttpRequest, 'method'>,
  status: number,
): RequestOutcome | undefined {
  return request.method === 'GET' && status === 405 ? 'unsupported' : undefined;
}

/** The method and (for tools/call) tool a body names. */
export function messageFields(body: unknown): { method?: string; tool?: string } {
  if (Array.isArray(body)) return { method: 'batch' };
  if (!isObject(body) || typeof body['method'] !== 'string') return {};
  const method = body['method'];
  const params = body['params'];
  const name = isObject(params) ? params['name'] : undefined;
  return method === 'tools/call' && typeof name === 'string' ? { method, tool: name } : { method };
}

export function eraOf(outcome: InboundClassificationOutcome | undefined): Era | undefined {
  if (outcome?.kind === 'modern') return outcome.classification.era === 'modern' ? 'modern' : 'legacy';
  if (outcome?.kind === 'legacy') return 'legacy';
  return undefined;
}

/**
 * The protocol revision a request was made in: the 2026 envelope's (as classified),
 * else the `MCP-Protocol-Version` header's, else the one `initialize` asks for. Only
 * revisions the server serves count, so what telemetry keeps stays a bounded set.
 */
export function revisionOf(
  request: Pick<McpHttpRequest, 'headers' | 'body'>,
  outcome: InboundClassificationOutcome | undefined,
): string | undefined {
  let revision: unknown;
  if (outcome?.kind === 'modern') revision = outcome.classification.revision;
  else {
    const named = request.headers['mcp-protocol-version'];
    revision = Array.isArray(named) ? named[0] : named;
    const body = request.body;
    if (revision === undefined && isObject(body) && body['method'] === 'initialize') {
      const params = body['params'];
      revision = isObject(params) ? params['protocolVersion'] : undefined;
    }
  }
  return typeof revision === 'string' && SERVED_PROTOCOL_VERSIONS.includes(revision) ? revision : undefined;
}

/** A clientInfo (`initialize` or envelope) as a bounded identity; undefined without a name. */
export function clientInfoOf(value: unknown): ClientIdentity | undefined {
  if (!isObject(value)) return undefined;
  const name = short(value['name']);
  if (!name) return undefined;
  const version = short(value['version']);
  return version ? { name, version } : { name };
}

/**
 * Who a request's client is: the 2026 envelope's clientInfo, a 2025 `initialize`'s
 * clientInfo, or — for a 2025 client's later requests, which carry none — the
 * clientInfo the same account and User-Agent last sent in `initialize`; else the
 * User-Agent. Bounded LRU, so a flood of clients costs fixed memory.
 */
export class ClientIdentities {
  private readonly initialized = new LruTtlCache<string, ClientIdentity>(MAX_REMEMBERED_CLIENTS);

  identify(request: McpHttpRequest): ClientIdentity {
    const userAgent = short(request.headers['user-agent']);
    const body = request.body;
    if (isObject(body)) {
      const params = body['params'];
      if (isObject(params)) {
        const meta = params['_meta'];
        const fromEnvelope = isObject(meta) ? clientInfoOf(meta[CLIENT_INFO_KEY]) : undefined;
        if (fromEnvelope) return withAgent(fromEnvelope, userAgent);
        if (body['method'] === 'initialize') {
          const fromInitialize = clientInfoOf(params['clientInfo']);
          if (fromInitialize) {
            this.initialized.set(this.key(request, userAgent), fromInitialize, CLIENT_MEMORY_MS);
            return withAgent(fromInitialize, userAgent);
          }
        }
      }
    }
    const remembered = this.initialized.get(this.key(request, userAgent));
    if (remembered) return withAgent(remembered, userAgent);
    return userAgent ? { userAgent } : {};
  }

  private key(request: McpHttpRequest, userAgent: string | undefined): string {
    return `${request.caller.account}\n${userAgent ?? ''}`;
  }
}

const withAgent = (client: ClientIdentity, userAgent: string | undefined): ClientIdentity =>
  userAgent ? { ...client, userAgent } : client;

const RESULT_PREFIX = '{"result"';

/** The outcome of a complete answer from the direct path. */
export function directOutcome(status: number, body: string | Uint8Array | null): RequestOutcome {
  if (status >= 400) return 'http_error';
  if (body === null) return 'ok';
  const head = typeof body === 'string' ? body.slice(0, 9) : Buffer.from(body.subarray(0, 9)).toString();
  return head === RESULT_PREFIX ? 'ok' : 'error';
}

function jsonRpcOutcome(text: string): RequestOutcome {
  try {
    const parsed = JSON.parse(text) as unknown;
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages.some((m) => isObject(m) && 'error' in m) ? 'error' : 'ok';
  } catch {
    return 'error';
  }
}

/** The outcome of an SDK answer; reads a copy of a JSON body (already buffered by the SDK). */
export async function responseOutcome(result: McpHttpResponse): Promise<RequestOutcome> {
  if (!('response' in result)) return directOutcome(result.status, result.body);
  const { response } = result;
  if (response.status >= 400) return 'http_error';
  if (response.body === null) return 'ok';
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('text/event-stream')) return 'stream';
  if (!type.includes('json')) return 'ok';
  return jsonRpcOutcome(await response.clone().text());
}
