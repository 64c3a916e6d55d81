import { classifyInboundRequest, type InboundClassificationOutcome } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';
import type { McpHttpRequest } from './http-types';

/**
 * Era classification for the plainest, most common messages without the SDK's
 * per-request zod passes. For every message it accepts, the answer equals what
 * `classifyInboundRequest` would return; anything else returns `undefined` and the
 * caller asks the SDK. The direct-path differential test checks the equality.
 */

const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const REQUEST_KEYS = ['jsonrpc', 'id', 'method', 'params'];
const NOTIFICATION_KEYS = ['jsonrpc', 'method', 'params'];
const MAX_VERDICTS = 1_000;

type Headers = McpHttpRequest['headers'];

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function onlyKeys(object: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const key in object) if (!allowed.includes(key)) return false;
  return true;
}

/** A JSON-RPC request as the SDK's strict schema accepts it: exactly these keys and types. */
function isPlainRequest(body: Record<string, unknown>): boolean {
  const id = body['id'];
  return (typeof id === 'string' || Number.isSafeInteger(id)) && onlyKeys(body, REQUEST_KEYS);
}

export class QuickClassifier {
  /** Envelope validity by its JSON text: clients send the same envelope on every request. */
  private readonly envelopeVerdicts = new LRUCache<string, boolean>({ max: MAX_VERDICTS });

  classify(headers: Headers, body: unknown): InboundClassificationOutcome | undefined {
    if (!isPlainObject(body) || body['jsonrpc'] !== '2.0' || typeof body['method'] !== 'string')
      return undefined;
    const params = body['params'];
    if (params !== undefined && !isPlainObject(params)) return undefined;
    const meta = params?.['_meta'];
    if (meta === undefined) return this.legacy(headers, body);
    if (isPlainObject(meta) && PROTOCOL_VERSION_KEY in meta && 'id' in body)
      return this.modern(headers, body, meta);
    return undefined;
  }

  /** No `_meta`, hence no envelope claim, and no version header: 2025-era traffic. */
  private legacy(headers: Headers, body: Record<string, unknown>): InboundClassificationOutcome | undefined {
    if (headers['mcp-protocol-version'] !== undefined) return undefined;
    if ('id' in body) {
      if (!isPlainRequest(body)) return undefined;
      return { kind: 'legacy', reason: body['method'] === 'initialize' ? 'initialize' : 'no-claim' };
    }
    return onlyKeys(body, NOTIFICATION_KEYS) ? { kind: 'legacy', reason: 'notification' } : undefined;
  }

  /** An envelope claim whose headers agree exactly with the body. */
  private modern(
    headers: Headers,
    body: Record<string, unknown>,
    meta: Record<string, unknown>,
  ): InboundClassificationOutcome | undefined {
    const revision = meta[PROTOCOL_VERSION_KEY];
    const method = body['method'] as string;
    if (typeof revision !== 'string' || !isPlainRequest(body)) return undefined;
    if (headers['mcp-protocol-version'] !== revision || headers['mcp-method'] !== method) return undefined;
    if (!this.envelopeIsValid(meta, revision)) return undefined;
    return {
      kind: 'modern',
      messageKind: 'request',
      message: body as never,
      classification: { era: revision >= '2026-07-28' ? 'modern' : 'legacy', revision },
    };
  }

  /** Whether the SDK accepts this envelope, asked once per distinct envelope. */
  private envelopeIsValid(meta: Record<string, unknown>, revision: string): boolean {
    const key = JSON.stringify(meta);
    let verdict = this.envelopeVerdicts.get(key);
    if (verdict === undefined) {
      const probe = classifyInboundRequest({
        httpMethod: 'POST',
        protocolVersionHeader: revision,
        mcpMethodHeader: 'tools/list',
        body: { jsonrpc: '2.0', id: 0, method: 'tools/list', params: { _meta: meta } },
      });
      verdict = probe.kind === 'modern';
      this.envelopeVerdicts.set(key, verdict);
    }
    return verdict;
  }
}
