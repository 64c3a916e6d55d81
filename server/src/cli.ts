import { parseArgs } from 'node:util';
import { ANONYMOUS } from '@toolhost/core';
import { Kernel, PluginLoadError } from '@toolhost/core/kernel';
import { buildApp } from './app';
import { createLogger, pluginLogger } from './logger';
import { type LoadedManifest, loadManifest, ManifestError } from './manifest';

const HELP = `Usage: toolhost [serve] [options]

Run the Toolhost MCP server.

Options:
  --config FILE   manifest (YAML or JSON). Default: toolhost.config.yaml, .yml or .json
                  in the current folder, else the built-in default (Hub + model search)
  --host HOST     address to bind (default: server.host, 127.0.0.1)
  --port PORT     port to listen on (default: server.port, 3000)
  --stdio         speak MCP over stdin/stdout instead of HTTP (logs go to stderr)
  -h, --help      show this help

Environment:
  HF_ENDPOINT     Hugging Face Hub base URL (default https://huggingface.co)
  HF_TOKEN        in --stdio mode, the Hugging Face token the tools act with
`;

/** A command-line mistake: printed with the usage hint, exit code 2. */
class UsageError extends Error {}

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
  const app = await buildApp({ manifest: loaded.manifest, baseDir: loaded.baseDir, logger });
  const address = await app.listen({ host: host ?? settings.host, port: port ?? settings.port });
  process.stderr.write(`toolhost: serving MCP at ${address}/mcp (manifest: ${loaded.source})\n`);

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
  const kernel = await Kernel.start(loaded.manifest.plugins, {
    logger,
    pluginLogger: pluginLogger(logger),
    baseDir: loaded.baseDir,
    toolTimeoutMs: settings.toolTimeoutMs,
    setupTimeoutMs: settings.setupTimeoutMs,
    ...(settings.instructions !== undefined && { instructions: settings.instructions }),
  });
  const token = process.env['HF_TOKEN'];
  const handle = kernel.serveStdio({
    principal: ANONYMOUS,
    credentials: token ? { hfToken: token } : {},
    toolSet: kernel.toolSets.all(),
    logger,
  });
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' || positionals.length > 1)
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  const loaded = loadManifest(values.config);
  if (values.stdio) return serveStdio(loaded);
  return serveHttp(loaded, values.host, parsePort(values.port));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`toolhost: ${(error as Error).message}\nRun \`toolhost --help\` for usage.\n`);
    process.exit(2);
  }
  if (error instanceof ManifestError || error instanceof PluginLoadError) {
    process.stderr.write(`toolhost: invalid manifest: ${error.message}\n`);
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
