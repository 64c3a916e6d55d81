import type { Kernel } from '@toolhost/core/kernel';
import type { FastifyInstance } from 'fastify';
import { resolveCaller } from '../caller';
import { sendAuthFailure } from './auth';
import { depthCheckedJsonParser, sendTooDeep, TooDeepBody } from './json-body';
import { sendMcpResponse } from './mcp';

/**
 * The deprecated HTTP+SSE transport (protocol 2024-11-05), for old clients:
 * `GET /sse` opens the stream, whose first event names `POST /messages?sessionId=…`.
 * Connections are sessions of the kernel: same cap, same principal binding.
 */
export async function sseRoutes(
  app: FastifyInstance,
  { kernel, publicUrl, maxJsonDepth }: { kernel: Kernel; publicUrl?: string; maxJsonDepth: number },
) {
  const sessions = kernel.sessions;
  if (!sessions) throw new Error('transport.sse needs transport.sessions');
  depthCheckedJsonParser(app, maxJsonDepth);

  app.get('/sse', async (request, reply) => {
    const resolution = await resolveCaller(kernel, request);
    if (!resolution.ok) return sendAuthFailure(reply, request, resolution, publicUrl);
    const result = await sessions.openSse(resolution.caller, '/messages');
    request.log.info({ transport: 'sse', principal: resolution.caller.principal.kind }, 'sse stream opened');
    return sendMcpResponse(reply, result);
  });

  app.post('/messages', async (request, reply) => {
    if (request.body instanceof TooDeepBody) return sendTooDeep(reply, request.body);
    const resolution = await resolveCaller(kernel, request);
    if (!resolution.ok) return sendAuthFailure(reply, request, resolution, publicUrl);
    const { sessionId } = request.query as { sessionId?: unknown };
    return sendMcpResponse(
      reply,
      sessions.postSse(
        typeof sessionId === 'string' ? sessionId : undefined,
        resolution.caller,
        request.body,
      ),
    );
  });
}
