import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ConsoleAssets } from '../console/assets';
import { CONSOLE_CSP, NOT_BUILT_HTML, settingsPage } from '../console/pages';

/** Send a console page under the console's CSP, or say the build is missing. */
export function sendConsolePage(reply: FastifyReply, assets: ConsoleAssets, html: () => string) {
  reply.headers({
    'cache-control': 'no-store',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  if (!assets.built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
  return reply.type('text/html; charset=utf-8').send(html());
}

/**
 * The web console's public parts: its built assets at `/console/<name>` (scripts and
 * styles, no data) and the `/settings` page, which holds nothing until the user signs
 * in with their own token (the page calls `/api/settings*` with it). The dashboard
 * page is served with the observability routes, behind their access rule.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  { assets, publicUrl }: { assets: ConsoleAssets; publicUrl: string | undefined },
) {
  app.get<{ Params: { file: string } }>('/console/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).send({ error: 'Not Found', message: 'No such console asset.' });
    return reply
      .headers({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .type(asset.type)
      .send(asset.body);
  });

  const mcpUrl = publicUrl && new URL('/mcp', publicUrl).href;
  app.get('/settings', async (_request, reply) => sendConsolePage(reply, assets, () => settingsPage(mcpUrl)));
}
