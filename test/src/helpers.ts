/** Shared helpers for cross-package tests: a running Toolhost, real SDK clients, the CLI. */
import { type ChildProcess, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { type BuildAppOptions, buildApp, createLogger, DEFAULT_MANIFEST } from '@toolhost/server';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** The built CLI, as `npx toolhost` runs it. */
export const CLI = fileURLToPath(new URL('../../server/bin/toolhost.js', import.meta.url));

export type Era = 'legacy' | 'modern';

export interface RunningToolhost {
  app: FastifyInstance;
  /** `http://127.0.0.1:PORT/mcp` */
  mcpUrl: string;
  baseUrl: string;
  close(): Promise<void>;
}

/** The server's own logger (redaction included), keeping every line in memory for assertions. */
export function memoryLogger(level = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger({ level, destination: stream }), lines };
}

/** Build the app from a manifest and listen on an ephemeral port. */
export async function startToolhost(options: BuildAppOptions = {}): Promise<RunningToolhost> {
  // Tests keep state in memory unless they ask for a store, and are not rate-limited unless they ask.
  const manifest = { plugins: DEFAULT_MANIFEST.plugins, ...(options.manifest as object) } as Record<
    string,
    unknown
  >;
  manifest['stores'] ??= { default: 'memory' };
  manifest['auth'] = { rateLimit: false, ...(manifest['auth'] as object) };
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    ...options,
    manifest: manifest as BuildAppOptions['manifest'],
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl, mcpUrl: `${baseUrl}/mcp`, close: () => app.close() };
}

/** A real SDK v2 client over Streamable HTTP, in the 2025 era (`initialize`) or the 2026-07-28 era. */
export async function connectClient(
  mcpUrl: string,
  options: { era: Era; token?: string; name?: string } = { era: 'legacy' },
): Promise<Client> {
  const client = new Client(
    { name: options.name ?? `toolhost-test-${options.era}`, version: '1.0.0' },
    options.era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers } }));
  return client;
}

/**
 * A real SDK v2 client over stdio to the built `toolhost serve --stdio`. The child gets
 * only PATH and `env` (never the real HOME or tokens); `client` is a client made by the
 * caller (to set request handlers first), else one for `era`. stderr is kept for assertions.
 */
export async function connectStdioClient(
  options: { era?: Era; args?: string[]; cwd?: string; env?: Record<string, string>; client?: Client } = {},
): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'serve', '--stdio', ...(options.args ?? [])],
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const era = options.era ?? 'legacy';
  const client =
    options.client ??
    new Client(
      { name: `stdio-${era}`, version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close().catch(() => {}); // the child must not outlive a failed start
    throw new Error(`toolhost serve --stdio did not start: ${String(error)}\n${stderr}`);
  }
  return { client, stderr: () => stderr };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the built `toolhost` CLI to completion. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `toolhost ${args.join(' ')} did not exit within ${options.timeoutMs ?? 15_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 15_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function spawnCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Wait until `predicate` holds, polling; fails with `message` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A raw JSON-RPC POST to an MCP endpoint, for checking what HTTP answers (status, headers, body). */
export function postMcp(
  url: string,
  body: unknown = { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export interface ModernRequestOptions {
  /** `clientInfo.name` in the envelope. */
  readonly client?: string;
  /** Declare the tasks extension (default true). */
  readonly declare?: boolean;
  readonly token?: string;
  readonly signal?: AbortSignal;
}

/**
 * One raw 2026-07-28 request: the per-request `_meta` envelope and the routing headers
 * (`Mcp-Method`, and `Mcp-Name` from the params' `name`, `taskId` or `uri`; a listen
 * stream names nothing). The tasks extension is declared unless `declare` is false.
 */
export function postModern(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: ModernRequestOptions = {},
): Promise<Response> {
  const name = (params['name'] ?? params['taskId'] ?? params['uri']) as string | undefined;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(name !== undefined && method !== 'subscriptions/listen' && { 'mcp-name': name }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: `${method}-1`,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: options.client ?? 'toolhost-test', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities':
            options.declare === false ? {} : { extensions: { [TASKS_EXTENSION]: {} } },
        },
      },
    }),
    ...(options.signal && { signal: options.signal }),
  });
}

export interface RpcAnswer {
  /** The HTTP status. */
  readonly status: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string; data?: unknown };
}

/** The JSON-RPC answer of a response: its JSON body, or the answer among its SSE stream's messages. */
export async function rpcAnswer(response: Response): Promise<RpcAnswer> {
  const text = await response.text();
  if (text.trimStart().startsWith('{')) return { status: response.status, ...JSON.parse(text) };
  const messages = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => JSON.parse(line.slice('data:'.length)) as Record<string, unknown>);
  const answer = messages.findLast((message) => 'result' in message || 'error' in message);
  if (!answer) throw new Error(`no JSON-RPC answer in: ${text.slice(0, 200)}`);
  return { status: response.status, ...answer };
}
