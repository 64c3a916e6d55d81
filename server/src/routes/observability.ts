import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasAdminCookie, isAdmin } from '../admin-token';
import type { ConsoleAssets } from '../console/assets';
import { dashboardPage } from '../console/pages';
import type { Observability } from '../observability';
import { SIGN_IN_HTML } from '../observability/dashboard-page';
import { sendConsolePage } from './console';

export interface ObservabilityRoutesOptions {
  observability: Observability;
  adminToken: string | undefined;
  /** The address the manifest says to bind; the real one is read from the socket once listening. */
  configuredHost: string;
  /** The dashboard page's built script and style. */
  assets: ConsoleAssets;
}

/** A query value, when given once and short: filters name a client key or a plugin id. */
const filterValue = (value: unknown) =>
  typeof value === 'string' && value.length > 0 && value.length <= 300 ? value : undefined;

/** Loopback only: 127.0.0.0/8, ::1 (and its IPv4-mapped form), `localhost`. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * `GET /metrics` (Prometheus text), `GET /api/dashboard` (JSON totals),
 * `GET /api/dashboard/series` (the last hour, JSON) and `GET /dashboard` (the page). Bound to loopback, they are open to local callers; bound to any other
 * address they need the admin token (bearer header, or the dashboard's cookie), and
 * are off when no admin token is set. Prometheus sends it with `authorization:
 * credentials`.
 */
export async function observabilityRoutes(
  app: FastifyInstance,
  { observability, adminToken, configuredHost, assets }: ObservabilityRoutesOptions,
) {
  const boundToLoopback = () => {
    const address = app.server.address();
    return isLoopback(address && typeof address === 'object' ? address.address : configuredHost);
  };

  /** Whether the request may see the data; when not, the refusal is already sent. */
  const allowed = (request: FastifyRequest, reply: FastifyReply, page = false): boolean => {
    if (boundToLoopback()) return true;
    if (isAdmin(request, adminToken) || hasAdminCookie(request, adminToken)) return true;
    reply.headers(NO_STORE);
    if (!adminToken) {
      reply.code(403).send({
        error: 'Forbidden',
        message:
          'Metrics and the dashboard are off on a non-localhost address without an admin token: set TOOLHOST_ADMIN_TOKEN.',
      });
    } else if (page) {
      reply.code(401).type('text/html; charset=utf-8').send(SIGN_IN_HTML);
    } else {
      reply.code(401).send({
        error: 'Unauthorized',
        message: 'This needs the admin token (TOOLHOST_ADMIN_TOKEN) as `Authorization: Bearer <token>`.',
      });
    }
    return false;
  };

  app.get('/metrics', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const { contentType, body } = await observability.metrics.exposition();
    return reply.headers(NO_STORE).type(contentType).send(body);
  });

  app.get('/api/dashboard', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    return reply.headers(NO_STORE).send(observability.connections.summary());
  });

  /** The last hour in 10-second buckets, narrowed by `?client=` (a client key) and `?plugin=`. */
  app.get<{ Querystring: Record<string, unknown> }>('/api/dashboard/series', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const client = filterValue(request.query['client']);
    const plugin = filterValue(request.query['plugin']);
    return reply.headers(NO_STORE).send(
      observability.series.series({
        ...(client !== undefined && { client }),
        ...(plugin !== undefined && { plugin }),
      }),
    );
  });

  app.get('/dashboard', async (request, reply) => {
    if (!allowed(request, reply, true)) return reply;
    return sendConsolePage(reply, assets, dashboardPage);
  });
}
