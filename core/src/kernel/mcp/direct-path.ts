import { randomUUID } from 'node:crypto';
import {
  type InboundClassificationOutcome,
  isSpecType,
  LATEST_PROTOCOL_VERSION,
  ProtocolError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/server';
import { InputRequiredSignal, inputRequiredResult, roundTripAsks } from '../input-required';
import type { McpOperations } from '../operations';
import type { ToolSet } from '../toolset';
import { type ServerIdentity, type ServerInfo, stampedServerInfo } from './caller';
import type { McpHttpRequest, McpHttpResponse } from './http-types';

/**
 * The direct path: answers the hot stateless methods (tools/list, tools/call,
 * ping, initialize) without building an SDK server, transport, or web
 * Request/Response. It takes only requests whose every detail it can answer
 * exactly as the SDK path would; anything else (a progress token, an odd header,
 * an unusual `_meta` key, extra params) returns `undefined` and goes to the SDK.
 * `test/direct-path.differential.test.ts` sends the same traffic through both
 * paths and requires byte-identical answers.
 */

/** The 2026-07-28 revision; the SDK keeps its list of modern versions internal. */
export const MODERN_REVISION = '2026-07-28';
const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';
// Not request-report's constant: importing it would close an import cycle through protocol-versions.
const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo';
const ENVELOPE_KEYS = new Set([
  'io.modelcontextprotocol/protocolVersion',
  CLIENT_INFO_KEY,
  'io.modelcontextprotocol/clientCapabilities',
  'io.modelcontextprotocol/logLevel',
]);
const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json' });

type Era = 'legacy' | 'modern';
type RequestId = string | number;
interface JsonRpcRequest {
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** HTTP optional whitespace, stripped the way the SDK's classifier strips it. */
const headerValue = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' ? value.replace(/^[ \t]+|[ \t]+$/g, '') : undefined;

function onlyKeys(params: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const key in params) if (!allowed.includes(key)) return false;
  return true;
}

/** `_meta` the direct path can ignore: absent, or only the envelope keys (era) — never a progress token. */
function plainMeta(meta: unknown, era: Era): boolean {
  if (meta === undefined) return true;
  if (!isPlainObject(meta)) return false;
  for (const key in meta) if (era === 'legacy' || !ENVELOPE_KEYS.has(key)) return false;
  return true;
}

function clientNameOf(clientInfo: unknown): string | undefined {
  const name = isPlainObject(clientInfo) ? clientInfo['name'] : undefined;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

function resultBody(result: string, id: RequestId): string {
  return `{"result":${result},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
}

function errorBody(error: ProtocolError, id: RequestId): string {
  // The SDK maps the resource-not-found domain code to Invalid Params on the wire, in both eras.
  const code = error.code === -32002 ? -32602 : error.code;
  const payload = { code, message: error.message, ...(error.data !== undefined && { data: error.data }) };
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${JSON.stringify(payload)}}`;
}

export class DirectPath {
  /** The serverInfo stamped into each 2026-07-28 result, as the SDK path stamps it. */
  private readonly stamp: ServerInfo;

  constructor(
    private readonly ops: McpOperations,
    private readonly identity: ServerIdentity,
    /**
     * Finishes a 2026-07-28 call whose handler asked the client for input: the SDK path
     * answers the request from the result already computed (its capability checks and
     * encoding), so the handler is not run, nor the call charged, a second time.
     */
    private readonly finishOnSdkPath: (
      request: McpHttpRequest,
      result: Awaited<ReturnType<typeof inputRequiredResult>>,
    ) => Promise<McpHttpResponse>,
  ) {
    this.stamp = stampedServerInfo(identity.serverInfo);
  }

  /** Serve the request, or return `undefined` when it must go to the SDK path. */
  tryServe(
    request: McpHttpRequest,
    outcome: InboundClassificationOutcome,
  ): Promise<McpHttpResponse> | McpHttpResponse | undefined {
    if (request.method !== 'POST') return undefined;
    if (outcome.kind === 'modern') return this.modern(request, outcome);
    if (outcome.kind === 'legacy') return this.legacy(request, outcome.reason);
    return undefined;
  }

  private modern(
    request: McpHttpRequest,
    outcome: Extract<InboundClassificationOutcome, { kind: 'modern' }>,
  ) {
    if (outcome.messageKind !== 'request' || outcome.classification.revision !== MODERN_REVISION)
      return undefined;
    const message = outcome.message as JsonRpcRequest;
    const { headers } = request;
    // The classifier checked these headers when present; the SDK also requires them to be present.
    if (headerValue(headers['mcp-protocol-version']) !== MODERN_REVISION) return undefined;
    if (headerValue(headers['mcp-method']) !== message.method) return undefined;
    const params = message.params ?? {};
    if (!plainMeta(params['_meta'], 'modern')) return undefined;
    if (message.method === 'tools/call' && headerValue(headers['mcp-name']) !== params['name'])
      return undefined;
    return this.dispatch(message, params, request, 'modern');
  }

  private legacy(request: McpHttpRequest, reason: string) {
    if (reason !== 'initialize' && reason !== 'no-claim' && reason !== 'notification') return undefined;
    const accept = request.headers['accept'];
    if (
      typeof accept !== 'string' ||
      !accept.includes('application/json') ||
      !accept.includes('text/event-stream')
    ) {
      return undefined;
    }
    const body = request.body as JsonRpcRequest;
    if (reason !== 'initialize') {
      const version = request.headers['mcp-protocol-version'];
      if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version as string)) return undefined;
    }
    if (reason === 'notification') {
      if (
        body.method !== 'notifications/initialized' ||
        (body.params !== undefined && !isPlainObject(body.params))
      ) {
        return undefined;
      }
      if (body.params && !(onlyKeys(body.params, ['_meta']) && plainMeta(body.params['_meta'], 'legacy')))
        return undefined;
      return { status: 202, headers: {}, body: null };
    }
    const params = body.params ?? {};
    if (!plainMeta(params['_meta'], 'legacy')) return undefined;
    if (body.method === 'initialize') return this.initialize(body);
    return this.dispatch(body, params, request, 'legacy');
  }

  private initialize(body: JsonRpcRequest): McpHttpResponse | undefined {
    // Initialize is rare next to calls; validate it with the SDK's own schema rather than by hand.
    if (!isSpecType.InitializeRequest(body)) return undefined;
    const requested = body.params!['protocolVersion'] as string;
    const version = SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
    return { status: 200, headers: JSON_HEADERS, body: resultBody(this.initializeResult(version), body.id) };
  }

  /** The encoded initialize result per answered version (a handful): the server's identity is fixed. */
  private readonly initializeResults = new Map<string, string>();

  private initializeResult(protocolVersion: string): string {
    let encoded = this.initializeResults.get(protocolVersion);
    if (encoded === undefined) {
      const { serverInfo, capabilities, instructions } = this.identity;
      encoded = JSON.stringify({
        protocolVersion,
        capabilities,
        serverInfo,
        ...(instructions !== undefined && { instructions }),
      });
      this.initializeResults.set(protocolVersion, encoded);
    }
    return encoded;
  }

  private dispatch(
    message: JsonRpcRequest,
    params: Record<string, unknown>,
    request: McpHttpRequest,
    era: Era,
  ): Promise<McpHttpResponse> | McpHttpResponse | undefined {
    switch (message.method) {
      case 'tools/list': {
        if (!onlyKeys(params, ['_meta', 'cursor'])) return undefined;
        if (params['cursor'] !== undefined && typeof params['cursor'] !== 'string') return undefined;
        // The answer is a cached byte prefix (the whole list) plus the request id.
        const prefix = this.toolListPrefix(request.caller.toolSet, era);
        const body = Buffer.concat([prefix, Buffer.from(`${JSON.stringify(message.id)}}`)]);
        return { status: 200, headers: JSON_HEADERS, body };
      }
      case 'tools/call': {
        if (!onlyKeys(params, ['_meta', 'name', 'arguments'])) return undefined;
        const name = params['name'];
        const args = params['arguments'];
        if (typeof name !== 'string' || (args !== undefined && !isPlainObject(args))) return undefined;
        // A task tool's 2026-07-28 call may become a task or a -32021 (HTTP 400): the SDK path answers it.
        if (
          era === 'modern' &&
          (this.ops.toolFor(request.caller.toolSet, name, args)?.task ?? 'never') !== 'never'
        )
          return undefined;
        const meta = params['_meta'] as Record<string, unknown> | undefined;
        return this.callTool(message.id, name, args, request, era, meta);
      }
      case 'ping':
        // 2026-07-28 removed ping; the SDK answers it as an unknown method there.
        if (era === 'modern' || !onlyKeys(params, ['_meta'])) return undefined;
        return { status: 200, headers: JSON_HEADERS, body: resultBody('{}', message.id) };
      default:
        return undefined;
    }
  }

  private async callTool(
    id: RequestId,
    name: string,
    args: unknown,
    request: McpHttpRequest,
    era: Era,
    meta: Record<string, unknown> | undefined,
  ): Promise<McpHttpResponse> {
    const { caller } = request;
    const clientCapabilities = meta?.[CLIENT_CAPABILITIES_KEY];
    // Only per-client result rules need the client's name: the endpoint's, else the 2026 envelope's.
    const clientName = this.ops.clientRules.any
      ? (caller.client?.name ?? clientNameOf(meta?.[CLIENT_INFO_KEY]))
      : undefined;
    try {
      const result = await this.ops.callTool(caller.toolSet, name, args, {
        principal: caller.principal,
        credentials: caller.credentials,
        account: caller.account,
        requestId: caller.requestId ?? randomUUID(),
        cancellation: request.cancellation,
        logger: caller.logger,
        // The direct path takes only first rounds (no inputResponses, no requestState): no answers yet.
        ...(era === 'modern' && roundTripAsks({})),
        ...(era === 'modern' &&
          clientCapabilities !== undefined && { clientCapabilities: clientCapabilities as never }),
        ...(caller.results && { results: caller.results }),
        ...(clientName !== undefined && { clientName }),
      });
      const encoded = era === 'modern' ? this.encodeModern(result as Record<string, unknown>, false) : result;
      return { status: 200, headers: JSON_HEADERS, body: resultBody(JSON.stringify(encoded), id) };
    } catch (error) {
      if (error instanceof InputRequiredSignal)
        return this.finishOnSdkPath(
          request,
          await inputRequiredResult(error, this.ops.seal, caller.account, `tools/call:${name}`),
        );
      if (!(error instanceof ProtocolError)) throw error;
      return { status: 200, headers: JSON_HEADERS, body: errorBody(error, id) };
    }
  }

  /**
   * The encoded tools/list answer up to its id (`{"result":…,"jsonrpc":"2.0","id":`),
   * for one ToolSet and era: built once and memoised on the ToolSet.
   */
  private toolListPrefix(toolSet: ToolSet, era: Era): Buffer {
    const key = `direct:tools/list:${era}`;
    let cached = toolSet.memo.get(key) as Buffer | undefined;
    if (cached === undefined) {
      const result = this.ops.listTools(toolSet) as unknown as Record<string, unknown>;
      const encoded = JSON.stringify(era === 'modern' ? this.encodeModern(result, true) : result);
      cached = Buffer.from(`{"result":${encoded},"jsonrpc":"2.0","id":`);
      toolSet.memo.set(key, cached);
    }
    return cached;
  }

  /**
   * The 2026-07-28 result encoding the SDK applies: `resultType`, then the cache
   * fields on cacheable results, then the server identity in `_meta` (merged into a
   * handler-provided `_meta`, which keeps its place in the object).
   */
  private encodeModern(result: Record<string, unknown>, cacheable: boolean): Record<string, unknown> {
    const stamped: Record<string, unknown> = { ...result, resultType: 'complete' };
    if (cacheable) {
      stamped['ttlMs'] = 0;
      stamped['cacheScope'] = 'private';
    }
    const meta = stamped['_meta'];
    const serverInfo = this.stamp;
    if (meta === undefined) stamped['_meta'] = { [SERVER_INFO_META_KEY]: serverInfo };
    else if (isPlainObject(meta) && meta[SERVER_INFO_META_KEY] === undefined) {
      stamped['_meta'] = { ...meta, [SERVER_INFO_META_KEY]: serverInfo };
    }
    return stamped;
  }
}
