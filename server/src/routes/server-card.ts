import { createHash } from 'node:crypto';
import type { ToolhostKernel } from '@toolhost/core/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Manifest } from '../manifest';
import { publicBase, resourceMetadataUrl } from './auth';

/**
 * The server card (`GET /mcp/server-card`, and `/.well-known/mcp/server-card.json`):
 * what a client or registry can learn before connecting — the server, the revisions
 * and transports it serves, how it authenticates, and the tools an anonymous caller
 * gets. `application/mcp-server-card+json`, with an ETag (a matching `If-None-Match`
 * gets 304).
 */
export async function serverCardRoutes(
  app: FastifyInstance,
  { kernel, manifest }: { kernel: ToolhostKernel; manifest: Manifest },
) {
  const card = async (request: FastifyRequest, reply: FastifyReply) => {
    const { serverInfo, capabilities, instructions } = kernel.identity;
    const base = publicBase(request, manifest.server.publicUrl);
    // The anonymous selection: what anyone may list without a token (nothing when anonymous access is off).
    const anonymous = await kernel.resolveCaller({ logger: request.log, ip: request.ip });
    const tools = anonymous.ok ? anonymous.caller.toolSet.listResult().tools : [];
    const body = JSON.stringify({
      name: serverInfo.name,
      version: serverInfo.version,
      ...(serverInfo.title !== undefined && { title: serverInfo.title }),
      ...(serverInfo.icons !== undefined && { icons: serverInfo.icons }),
      ...(instructions !== undefined && { instructions }),
      protocolVersions: kernel.protocolVersions,
      transports: [
        { type: 'streamable-http', url: `${base}/mcp` },
        ...(manifest.transport.sse ? [{ type: 'sse', url: `${base}/sse` }] : []),
      ],
      capabilities,
      authentication: {
        required: !manifest.auth.anonymous,
        schemes: ['bearer'],
        protectedResourceMetadata: resourceMetadataUrl(request, manifest.server.publicUrl),
        scopes: manifest.auth.scopes,
      },
      tools,
    });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/mcp-server-card+json').send(body);
  };
  app.get('/mcp/server-card', card);
  app.get('/.well-known/mcp/server-card.json', card);
}
