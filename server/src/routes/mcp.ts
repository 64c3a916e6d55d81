import {
  CancellationSource,
  type McpHttpRequest,
  type McpHttpResponse,
  parseResultPreferences,
  type ToolhostKernel,
} from '@toolhost/core/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { queryParameters, resolveCaller } from '../caller';
import { sendAuthFailure } from './auth';
import { sendTooDeep, TooDeepBody, tooDeep } from './json-body';

/** The body of a POST that was not valid JSON: kept raw so the SDK can answer its parse error. */
class UnparsedBody {
  constructor(readonly text: string) {}
}

/** The SDK's own request body limit (4 MiB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Write a kernel answer (complete, or a web Response to stream) with fastify. */
export async function sendMcpResponse(reply: FastifyReply, result: McpHttpResponse) {
  if ('response' in result) return reply.send(result.response);
  reply.code(result.status).headers(result.headers);
  // A Buffer goes out byte for byte: fastify would append "; charset=utf-8" to a JSON string body.
  const { body } = result;
  return reply.send(body === null ? undefined : typeof body === 'string' ? Buffer.from(body) : body);
}

/** `POST|GET|DELETE /mcp`: the MCP endpoint, served by the kernel. */
export async function mcpRoutes(
  app: FastifyInstance,
  { kernel, publicUrl, maxJsonDepth }: { kernel: ToolhostKernel; publicUrl?: string; maxJsonDepth: number },
) {
  // This route parses its own bodies: invalid JSON and other media types are answered
  // by the MCP layer with JSON-RPC errors rather than by fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    const deep = tooDeep(text, maxJsonDepth);
    if (deep) return done(null, deep);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(null, new UnparsedBody(text));
    }
  });

  app.route({
    method: ['POST', 'GET', 'DELETE'],
    url: '/mcp',
    handler: mcpHandler(kernel, publicUrl, 'mcp'),
  });
}

/**
 * A route handler that hands one request to the kernel's MCP endpoint `endpoint`:
 * the caller is resolved here (a refusal is answered with the OAuth challenge), and
 * the kernel serves the request and records it (telemetry and the log line).
 */
export function mcpHandler(
  kernel: ToolhostKernel,
  publicUrl: string | undefined,
  endpoint: McpHttpRequest['endpoint'],
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.body instanceof TooDeepBody) return sendTooDeep(reply, request.body);
    const unparsed = request.body instanceof UnparsedBody ? request.body : undefined;
    // ?max_result_tokens=abc is refused before anything is served: the caller can fix its URL.
    const results = parseResultPreferences(queryParameters(request));
    if (!results.ok) {
      return reply
        .code(400)
        .send({ jsonrpc: '2.0', error: { code: -32602, message: results.message }, id: null });
    }
    // A store failing here (the user's settings, an unseen token) is answered by the app's error handler.
    const resolution = await resolveCaller(kernel, request, results.preferences);
    if (!resolution.ok) return sendAuthFailure(reply, request, resolution, publicUrl);
    // Cancelled when the client goes away before the answer is written.
    const cancellation = new CancellationSource();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) cancellation.cancel(new Error('client disconnected'));
    });
    const result = await kernel.handleHttp({
      endpoint,
      method: request.method,
      url: `http://${request.headers.host ?? 'localhost'}${request.url}`,
      headers: request.headers,
      body: unparsed ? undefined : request.body,
      ...(unparsed && { rawBody: unparsed.text }),
      cancellation,
      caller: resolution.caller,
    });
    return sendMcpResponse(reply, result);
  };
}
