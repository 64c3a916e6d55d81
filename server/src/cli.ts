import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PluginLoadError } from '@toolhost/core/kernel';
import { StoreUnavailableError } from '@toolhost/core/ports';
import { startKernel } from './kernel';
import { createLogger } from './logger';
import { DEFAULT_MANIFEST, type LoadedManifest, loadManifest, ManifestError } from './manifest';
import { pluginCheck, SnapshotDriftError } from './plugin-check';
import { pluginInit } from './plugin-init';
import { PluginUsageError } from './plugin-usage';
import { StoreOpenError } from './stores';
import { TokensUsageError, tokensCommand } from './tokens-command';

/** Wrap `words` (joined by ", ") into lines of at most `width` characters, each starting with `indent`. */
function wrapList(words: readonly string[], indent: string, width = 80): string {
  const lines: string[] = [];
  let line = indent;
  for (const [i, word] of words.entries()) {
    const item = i < words.length - 1 ? `${word},` : word;
    if (line !== indent && line.length + 1 + item.length > width) {
      lines.push(line);
      line = indent;
    }
    line += line === indent ? item : ` ${item}`;
  }
  lines.push(line);
  return lines.join('\n');
}

// Generated from the built-in manifest itself, so the help cannot drift from what it loads.
const DEFAULT_PLUGIN_IDS = DEFAULT_MANIFEST.plugins.map(({ use }) => use.replace(/^@toolhost\/plugin-/, ''));

const HELP = `Usage: toolhost [serve] [options]
       toolhost tokens create --user NAME [--plan PLAN] [--config FILE]
       toolhost tokens list [--config FILE]
       toolhost tokens revoke ID [--config FILE]
       toolhost plugin init DIR [--name NAME]
       toolhost plugin check PACKAGE-OR-PATH [--json] [--snapshot FILE [--update-snapshot]]

Run the Toolhost MCP server, manage its API tokens, or start and check a plugin
(docs/plugins.md).

Options:
  --config FILE   manifest (YAML or JSON). Default: toolhost.config.yaml, .yml or .json
                  in the current folder, else the built-in default (below)
  --host HOST     address to bind (default: server.host, 127.0.0.1)
  --port PORT     port to listen on (default: server.port, 3000)
  --stdio         speak MCP over stdin/stdout instead of HTTP (logs go to stderr)
  --user NAME     tokens create: the user the token identifies
  --plan PLAN     tokens create: the user's quota plan (default free)
  --name NAME     plugin init: the package name (default: the folder's name)
  --json          plugin check: the report as JSON
  --snapshot FILE plugin check: record the tools' schemas in FILE, or compare
                  with it and fail on drift (--update-snapshot records again)
  -h, --help      show this help

Through npm, put the options after --: npm start -- --port 8080

Built-in default manifest: these ${DEFAULT_PLUGIN_IDS.length} plugins, open to every caller
${wrapList(DEFAULT_PLUGIN_IDS, '  ')}
  (search and details of Hub models, datasets, Spaces and papers, and one search
  across them; docs search and fetch; image generation; the tools of Gradio Spaces
  a caller enables, and dynamic_space for any Space by id)

Environment:
  HF_ENDPOINT     Hugging Face Hub base URL (default https://huggingface.co)
  HF_TOKEN        in --stdio mode, the Hugging Face token the tools act with
  HF_HUB_OFFLINE  1 (or true, yes, on): never contact the Hub; search and details
                  tools answer from the bundled offline catalog
  TOOLHOST_ADMIN_TOKEN  enables the admin API (/api/users/:id/settings); off
                  localhost, also guards /metrics and /dashboard
  TOOLHOST_DATA_DIR  where the built-in default keeps its state (default: the
                  per-user data folder, e.g. ~/.local/share/toolhost)
  REDIS_URL       the Redis of redis stores, unless stores.redis.url is set
  DATABASE_URL    the PostgreSQL of postgres stores, unless stores.postgres.url is set
`;

/**
 * Before state moved to the per-user data folder, the built-in default kept it in
 * ./data/toolhost.db of the working folder: say so once, so tokens and settings made
 * then are not silently left behind.
 */
function noteLegacyState(loaded: LoadedManifest): void {
  if (loaded.source !== 'built-in default') return;
  const legacy = resolve('data', 'toolhost.db');
  if (legacy === loaded.manifest.stores.path || !existsSync(legacy)) return;
  process.stderr.write(
    `toolhost: note: ${legacy} is no longer used; without a manifest, state lives in ${loaded.manifest.stores.path} (move the file there to keep its tokens and settings)\n`,
  );
}

/** A command-line mistake: printed with the usage hint, exit code 2. */
class UsageError extends Error {}

/** `plugin check` could not load the plugin: exit code 1, without the manifest wording. */
class PluginCheckError extends Error {}

/** The stdio identity token (HF_TOKEN, say) was rejected: exit code 1. */
class StdioAuthError extends Error {}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be 0–65535, got ${value}`);
  return port;
}

async function serveHttp(loaded: LoadedManifest, host: string | undefined, port: number | undefined) {
  const settings = loaded.manifest.server;
  const logger = createLogger({ level: settings.logLevel });
  // fastify, its plugins and the metrics load only here: stdio never pays for them.
  const { buildApp } = await import('./app');
  const app = await buildApp({ manifest: loaded.manifest, baseDir: loaded.baseDir, logger });
  const address = await app.listen({ host: host ?? settings.host, port: port ?? settings.port });
  const state = app.stores.sqlitePath ? `, state: ${app.stores.sqlitePath}` : '';
  process.stderr.write(`toolhost: serving MCP at ${address}/mcp (manifest: ${loaded.source}${state})\n`);

  let closing = false;
  const drain = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'draining in-flight requests');
    // Long-lived streams would hold the drain open forever: cut them after the grace period.
    const timer = setTimeout(() => app.server.closeAllConnections(), settings.drainTimeoutMs);
    timer.unref();
    try {
      await app.close();
    } finally {
      clearTimeout(timer);
      logger.info('stopped');
      logger.flush();
      process.exitCode = 0;
    }
  };
  process.once('SIGTERM', () => void drain('SIGTERM'));
  process.once('SIGINT', () => void drain('SIGINT'));
}

async function serveStdio(loaded: LoadedManifest) {
  const settings = loaded.manifest.server;
  // stdout carries the protocol: every log line goes to stderr.
  const logger = createLogger({ level: settings.logLevel, destination: 2 });
  const kernel = await startKernel(loaded.manifest, { logger, env: process.env, baseDir: loaded.baseDir });
  // The identity over stdio is the token in the variable a loaded identity provider names
  // (HF_TOKEN for the hub plugin), checked like an HTTP bearer token. A token that cannot be
  // checked now is handled by the kernel as over HTTP: a known identity kept, else anonymous.
  const identity = kernel.stdioToken(process.env);
  const resolution = await kernel.resolveCaller({ token: identity?.token, logger });
  if (!resolution.ok) {
    await kernel.shutdown();
    throw new StdioAuthError(`${identity?.source ?? 'stdio'}: ${resolution.message}`);
  }
  const handle = kernel.serveStdio(resolution.caller);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await handle.close().catch(() => {});
    await kernel.shutdown();
    logger.flush();
    process.exit(0);
  };
  process.stdin.once('end', () => void stop());
  process.stdin.once('close', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      stdio: { type: 'boolean', default: false },
      user: { type: 'string' },
      plan: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      snapshot: { type: 'string' },
      'update-snapshot': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const command = positionals[0] ?? 'serve';
  if (command === 'tokens') {
    const out = (line: string) => process.stdout.write(`${line}\n`);
    return tokensCommand(loadManifest(values.config), positionals.slice(1), values, out);
  }
  if (command === 'plugin') {
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const [action, target, ...rest] = positionals.slice(1);
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
    if (action === 'init') return pluginInit(target, values.name, out);
    if (action === 'check') {
      return pluginCheck(
        target,
        { json: values.json, snapshot: values.snapshot, updateSnapshot: values['update-snapshot'] },
        out,
      ).catch((error: unknown) => {
        if (error instanceof PluginLoadError) throw new PluginCheckError(error.message);
        throw error;
      });
    }
    throw new UsageError(`unknown command: plugin ${action ?? ''} (plugin init or plugin check)`.trim());
  }
  if (command !== 'serve' || positionals.length > 1)
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  const loaded = loadManifest(values.config);
  noteLegacyState(loaded);
  if (values.stdio) return serveStdio(loaded);
  return serveHttp(loaded, values.host, parsePort(values.port));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StdioAuthError) {
    process.stderr.write(`toolhost: ${error.message}\n`);
    process.exit(1);
  }
  if (
    error instanceof UsageError ||
    error instanceof TokensUsageError ||
    error instanceof PluginUsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`toolhost: ${(error as Error).message}\nRun \`toolhost --help\` for usage.\n`);
    process.exit(2);
  }
  if (error instanceof PluginCheckError) {
    process.stderr.write(`toolhost: cannot load the plugin: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof SnapshotDriftError) {
    process.stderr.write(`toolhost: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof ManifestError || error instanceof PluginLoadError) {
    process.stderr.write(`toolhost: invalid manifest: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof StoreOpenError) {
    const hint = error.message.startsWith('cannot use the state store')
      ? '; set stores.path in the manifest, or TOOLHOST_DATA_DIR when running without one'
      : '';
    process.stderr.write(`toolhost: ${error.message}${hint}\n`);
    process.exit(1);
  }
  if (error instanceof StoreUnavailableError) {
    const cause = (error.cause as Error | undefined)?.message;
    process.stderr.write(`toolhost: ${error.message}${cause ? ` (${cause})` : ''}; try again\n`);
    process.exit(1);
  }
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    process.stderr.write(
      `toolhost: ${(error as Error).message} (another server is using that port; pick one with --port)\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`toolhost: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
