import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { z } from '@toolhost/core';
import type { ToolhostKernel } from '@toolhost/core/kernel';
import type { TaskStore } from '@toolhost/core/ports';
import { StoreUnavailableError } from '@toolhost/core/ports';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { isAdmin } from './admin-token';
import { ConsoleAssets } from './console/assets';
import { createHostCheck } from './host-check';
import { openManifestStores, startKernel } from './kernel';
import { createLogger } from './logger';
import { DEFAULT_MANIFEST, type Manifest, type manifestSchema, parseManifest } from './manifest';
import { Observability } from './observability';
import { authRoutes, sendAuthFailure } from './routes/auth';
import { consoleRoutes } from './routes/console';
import { healthRoutes } from './routes/health';
import { mcpRoutes } from './routes/mcp';
import { observabilityRoutes } from './routes/observability';
import { serverCardRoutes } from './routes/server-card';
import { settingsRoutes } from './routes/settings';
import { sseRoutes } from './routes/sse';
import type { Stores } from './stores';

export interface BuildAppOptions {
  /** The manifest, parsed or raw (it is validated here); the built-in default when omitted. */
  manifest?: Manifest | z.input<typeof manifestSchema>;
  /** Folder relative plugin paths resolve against (the manifest's folder). */
  baseDir?: string;
  /** A pino logger; one on stdout at the manifest's level when omitted. */
  logger?: Logger;
  /** Environment for plugins (HF_ENDPOINT, …); `process.env` when omitted. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Keep tasks here instead of the manifest's `stores.tasks` (embedding; tests with a shared Redis). */
  taskStore?: TaskStore;
  /** The clock image links (`?no_image_content`) expire on; `Date.now` when omitted (tests inject one). */
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    kernel: ToolhostKernel;
    settings: Manifest['server'];
    /** The state stores (settings, quotas, tokens), as /readyz pings them. */
    stores: Stores;
    /** `auth.scopes`: named in the `scope` of every 401 challenge. */
    authScopes: readonly string[];
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** The MCP endpoints: their errors are JSON-RPC errors. */
const MCP_ROUTE = /^\/(?:mcp|sse|messages)$/;
/** Routes that resolve a caller from the Authorization header. */
const CALLER_ROUTE = /^\/(?:mcp|sse|messages)$|^\/api\//;

/**
 * Build the Toolhost fastify app: kernel, plugins, routes. It never listens —
 * tests use `app.inject()` or `app.listen()` themselves; the CLI listens.
 * Closing the app shuts the plugins down.
 */
export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const manifest = parseManifest(options.manifest ?? DEFAULT_MANIFEST, 'manifest');
  const settings = manifest.server;
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  const observability = settings.metrics ? new Observability() : undefined;
  // Opened here so /readyz can ping them; the kernel closes them when it shuts down.
  const stores = await openManifestStores(
    manifest,
    { logger, env, baseDir },
    () => kernel.health().tools,
    observability && ((store) => observability.metrics.storeFailed(store)),
  );
  if (options.taskStore) stores.tasks = options.taskStore;
  const kernel = await startKernel(manifest, {
    logger,
    env,
    baseDir,
    stores,
    ...(observability && { telemetry: observability.telemetry }),
    ...(options.now && { now: options.now }),
  });
  observability?.series.knowTools(kernel.health().tools);
  const adminToken = env['TOOLHOST_ADMIN_TOKEN'] || undefined;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per MCP request is logged by the kernel (method, tool, era, transport, outcome, duration).
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    // request.ip (anonymous quota accounts, rate limits, session caps) from X-Forwarded-For of these proxies only.
    trustProxy: manifest.server.trustProxy,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.decorate('kernel', kernel);
  app.decorate('settings', settings);
  app.decorate('stores', stores);
  app.decorate('authScopes', manifest.auth.scopes);
  app.addHook('onClose', () => kernel.shutdown());
  if (manifest.auth.rateLimit) {
    // Guards the door against anonymous floods; callers whose token was accepted are held to their
    // quotas instead. Merely sending an Authorization header exempts nothing.
    await app.register(rateLimit, {
      max: manifest.auth.rateLimit.max,
      timeWindow: manifest.auth.rateLimit.per,
      allowList: async (request) =>
        request.url === '/healthz' ||
        isAdmin(request, adminToken) ||
        (await kernel.signedIn(request.headers.authorization)),
    });
  }
  // While closing, keep-alive connections that finish their last request are closed
  // as soon as they fall idle, so a keep-alive client cannot hold the drain open.
  app.addHook('preClose', (done) => {
    // Open session streams (GET, SSE) never finish by themselves: end them so the drain can.
    void kernel.closeSessions();
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    sweep.unref();
    app.server.once('close', () => clearInterval(sweep));
    done();
  });

  const hostCheck = createHostCheck(settings);
  app.addHook('onRequest', (request, reply, done) => {
    const rejection = hostCheck(request.headers.host, request.headers.origin);
    if (rejection === undefined) return done();
    reply.code(403).send({ jsonrpc: '2.0', error: { code: -32000, message: rejection }, id: null });
  });

  // A present Authorization header that is not exactly one bearer token is refused on every
  // route that serves callers, before its body is read: it is never served as anonymous.
  // preParsing, so the rate limit (a route-level onRequest hook) has counted it first.
  app.addHook('preParsing', (request, reply, _payload, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !CALLER_ROUTE.test(route)) return done();
    const refusal = kernel.authorizationRefusal(request.headers.authorization);
    if (refusal === undefined) return done();
    sendAuthFailure(reply, request, refusal, settings.publicUrl);
  });

  // Never leak internals: 5xx answers carry a generic message and the request id.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    // A store failing under a request (a user's settings or token read) is worth a retry, not a 500.
    // On the MCP endpoints, as a JSON-RPC error, so a client (and its model) reads it as one.
    if (error instanceof StoreUnavailableError) {
      const message = `${error.message}; try again`;
      reply.code(503).header('retry-after', '5');
      return MCP_ROUTE.test(request.routeOptions.url ?? '')
        ? reply.send({ jsonrpc: '2.0', id: null, error: { code: -32000, message } })
        : reply.send({ error: 'Service Unavailable', message });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .code(status)
        .send({ error: 'Internal Server Error', message: `Internal error (request id ${request.id})` });
    }
    return reply.code(status).send({ error: error.name, message: error.message });
  });

  await app.register(healthRoutes, { kernel, stores });
  await app.register(authRoutes, { manifest });
  await app.register(serverCardRoutes, { kernel, manifest });
  await app.register(settingsRoutes, { kernel, manifest, adminToken });
  const assets = new ConsoleAssets();
  await app.register(consoleRoutes, { assets, publicUrl: settings.publicUrl });
  if (observability) {
    await app.register(observabilityRoutes, {
      observability,
      adminToken,
      configuredHost: settings.host,
      assets,
    });
  }
  const { maxJsonDepth } = manifest.transport;
  await app.register(mcpRoutes, { kernel, publicUrl: settings.publicUrl, maxJsonDepth });
  if (manifest.transport.sse)
    await app.register(sseRoutes, { kernel, publicUrl: settings.publicUrl, maxJsonDepth });
  return app;
}
