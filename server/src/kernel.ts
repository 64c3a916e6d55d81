import {
  createKernel,
  type KernelHealth,
  PluginLoadError,
  type Telemetry,
  type ToolhostKernel,
} from '@toolhost/core/kernel';
import { STORE_WORDS, type StoreName } from '@toolhost/core/ports';
import type { Logger } from 'pino';
import { pluginLogger } from './logger';
import { type Manifest, ManifestError, pluginSections, SECTION_PLUGINS } from './manifest';
import { openStores, type Stores } from './stores';
import { startTracing, type TracingSetup } from './tracing';

export interface StartKernelOptions {
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** The manifest's folder: relative plugin and store paths resolve against it. */
  baseDir: string;
  /** Observer of requests, tool calls and upstream calls (the server's metrics and dashboard). */
  telemetry?: Telemetry;
  /** Stores opened by the caller (the app keeps them for /readyz); opened from the manifest when absent. Closed with the kernel. */
  stores?: Stores;
  /** The clock image links expire on (tests); `Date.now` when omitted. */
  now?: () => number;
}

/**
 * Opens the manifest's stores, logging every store failure for the operator (callers are
 * told "unavailable; try again") and telling `onFault` (the metrics' store error count).
 */
export function openManifestStores(
  manifest: Manifest,
  { logger, env, baseDir }: Pick<StartKernelOptions, 'logger' | 'env' | 'baseDir'>,
  catalog: () => KernelHealth['tools'],
  onFault?: (store: StoreName) => void,
): Promise<Stores> {
  return openStores(manifest, baseDir, env, catalog, (store, error) => {
    onFault?.(store);
    logger.error({ err: error, store }, `the ${STORE_WORDS[store]} failed`);
  });
}

/**
 * Compose the kernel from a manifest: its stores, identity, access policy and
 * quotas. Shared by the HTTP server and stdio mode. Stores close with the kernel.
 */
export async function startKernel(
  manifest: Manifest,
  { logger, env, baseDir, telemetry, stores: given, now }: StartKernelOptions,
): Promise<ToolhostKernel> {
  const { server, auth, access, presets, quotas } = manifest;
  if (auth.jwt && auth.jwt.audience === undefined && server.publicUrl === undefined) {
    await given?.close();
    throw new ManifestError(
      'auth.jwt: set auth.jwt.audience or server.publicUrl, so access tokens can be checked as meant for this server',
    );
  }
  const stateKey = server.requestStateKey ?? env['TOOLHOST_REQUEST_STATE_KEY'];
  if (stateKey !== undefined && Buffer.byteLength(stateKey) < 32) {
    given?.close();
    throw new ManifestError(
      'TOOLHOST_REQUEST_STATE_KEY must be at least 32 bytes long (it signs requestState)',
    );
  }
  let kernel: ToolhostKernel | undefined;
  const stores =
    given ?? (await openManifestStores(manifest, { logger, env, baseDir }, () => kernel!.health().tools));
  let tracing: TracingSetup | undefined;
  try {
    tracing = await startTracing(manifest.telemetry, env, logger);
    kernel = await createKernel({
      plugins: manifest.plugins,
      logger,
      pluginLogger: pluginLogger(logger),
      env,
      baseDir,
      toolTimeoutMs: server.toolTimeoutMs,
      setupTimeoutMs: server.setupTimeoutMs,
      directPath: server.directPath,
      ...(server.instructions !== undefined && { instructions: server.instructions }),
      ...(server.icons !== undefined && { icons: server.icons }),
      sections: pluginSections(manifest),
      auth: {
        anonymous: auth.anonymous,
        // The hub plugin's provider of Hugging Face tokens, by its id.
        ...(!auth.hf && { disabledProviders: ['huggingface'] }),
        validTtlMs: auth.tokenCacheSeconds * 1000,
        staleIfErrorMs: auth.staleIfErrorSeconds * 1000,
        ...(auth.jwt && { jwt: auth.jwt }),
      },
      access: { ...access, presets },
      ...(quotas && {
        quotas: {
          plans: Object.fromEntries(
            Object.entries(quotas.plans).map(([name, p]) => [name, { units: p.units, perMs: p.per }]),
          ),
          onStoreFailure: manifest.stores.onFailure,
        },
      }),
      stores,
      ...(stores.bus && { bus: stores.bus }),
      tasks: {
        ttlMs: manifest.tasks.ttl,
        pollIntervalMs: manifest.tasks.pollInterval,
        leaseMs: manifest.tasks.lease,
      },
      ...(stateKey !== undefined && { requestStateKey: stateKey }),
      ...(telemetry && { telemetry }),
      maxJsonDepth: manifest.transport.maxJsonDepth,
      results: {
        clients: manifest.results.clients.map((rule) => ({
          name: rule.name,
          ...(rule.maxResultTokens !== undefined && { maxTokens: rule.maxResultTokens }),
          ...(rule.noImageContent && { imageLinks: true }),
        })),
        imageLinks: {
          ttlMs: manifest.results.imageLinkTtl,
          maxBytes: manifest.results.imageLinkMaxBytes,
          ...(now && { now }),
        },
      },
      ...(tracing && { tracer: tracing.tracer }),
      ...(manifest.transport.sessions && {
        sessions: {
          maxSessions: manifest.transport.maxSessions,
          maxSessionsPerPrincipal: manifest.transport.maxSessionsPerPrincipal,
          anonymousShare: manifest.transport.anonymousShare,
          idleTimeoutMs: manifest.transport.idleTimeout,
          keepAliveMs: manifest.transport.keepAlive,
          ...stores.sessions,
        },
      }),
      ...(server.publicUrl !== undefined && { resourceUrl: `${server.publicUrl.replace(/\/+$/, '')}/mcp` }),
    });
  } catch (error) {
    await stores.close();
    await tracing?.shutdown();
    const section = (error as { section?: unknown }).section;
    const owner = typeof section === 'string' ? SECTION_PLUGINS[section] : undefined;
    if (error instanceof PluginLoadError && owner) {
      throw new ManifestError(
        `the '${section}:' section configures ${owner}, which the manifest does not load: add \`- use: "${owner}"\` to plugins:`,
      );
    }
    throw error;
  }
  const loaded = new Set(kernel.health().plugins);
  const named = [
    access.anonymous,
    access.authenticated,
    access.defaults,
    ...Object.values(access.plans),
    ...Object.values(presets),
  ]
    .flatMap((list) => (list === 'all' ? [] : list))
    .filter((id) => !loaded.has(id) && !(id in presets));
  for (const id of new Set(named)) {
    logger.warn({ plugin: id }, `access/presets name plugin '${id}', which is not loaded; it is ignored`);
  }
  kernel.onShutdown(() => stores.close());
  // After the plugins and stores: the spans of the last requests are sent before the process ends.
  const traced = tracing;
  if (traced) kernel.onShutdown(() => traced.shutdown());
  return kernel;
}
