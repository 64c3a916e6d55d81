import type { ToolhostKernel } from '@toolhost/core/kernel';
import type { FastifyInstance } from 'fastify';
import { depthCheckedJsonParser } from './json-body';
import { mcpHandler } from './mcp';

/**
 * The deprecated HTTP+SSE transport (protocol 2024-11-05), for old clients:
 * `GET /sse` opens the stream, whose first event names `POST /messages?sessionId=…`.
 * Connections are sessions of the kernel: same cap, same principal binding.
 */
export async function sseRoutes(
  app: FastifyInstance,
  { kernel, publicUrl, maxJsonDepth }: { kernel: ToolhostKernel; publicUrl?: string; maxJsonDepth: number },
) {
  if (!kernel.sessions) throw new Error('transport.sse needs transport.sessions');
  depthCheckedJsonParser(app, maxJsonDepth);
  app.get('/sse', mcpHandler(kernel, publicUrl, 'sse'));
  app.post('/messages', mcpHandler(kernel, publicUrl, 'messages'));
}
