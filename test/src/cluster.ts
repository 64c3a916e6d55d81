/**
 * Real parts for many-instance tests: a PostgreSQL database of the test's own on the
 * machine's server, a redis-server the test starts (and can stop and start again) on
 * a free port, `toolhost serve` processes (the built CLI) and HAProxy in front.
 * Nothing here touches the machine's data: databases are created and dropped by name,
 * Redis keys carry a prefix of their own, and the shared servers are never restarted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { CLI, REPO_ROOT } from './helpers';

/** The machine's PostgreSQL (trust auth), and its Redis. */
export const POSTGRES_ADMIN_URL =
  process.env['TOOLHOST_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SHARED_REDIS_URL = process.env['TOOLHOST_TEST_REDIS'] ?? 'redis://127.0.0.1:6379/0';

/** A unique lower-case suffix for database names and key prefixes. */
export const uniqueSuffix = () => `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

/** A database of the test's own on the machine's PostgreSQL; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `toolhost_test_${uniqueSuffix()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolve when `check` passes, polling; fail with `what` after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The output of a child process so far, for assertions and failure messages. */
export interface Output {
  text(): string;
}

function capture(child: ChildProcess): Output {
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  return { text: () => text };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A redis-server of the test's own, without persistence, that can be stopped and started on its port. */
export class OwnRedis {
  private child?: ChildProcess;
  output?: Output;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.output = capture(child);
    await eventually(
      () => this.output!.text().includes('Ready to accept connections') || undefined,
      `redis-server on port ${this.port} to start\n${this.output.text()}`,
      15_000,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** One `toolhost serve` process (the built CLI) on its own port. */
export class Instance {
  private child?: ChildProcess;
  output: Output = { text: () => '' };

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly config: string,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Start and wait until it serves (it checks its stores before listening). */
  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--config', this.config, '--port', String(this.port)],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'], HF_HUB_OFFLINE: '1', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.output = capture(child);
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited: ${this.output.text()}`);
        return this.output.text().includes('serving MCP at') || undefined;
      },
      `${this.name} to serve`,
      30_000,
    );
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no drain, no goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
  }

  /** A Prometheus counter or gauge of this instance, summed over the series matching `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`${this.baseUrl}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  }
}

/**
 * The HAProxy configuration the cluster test (and the docs) use: round robin, no
 * stickiness, liveness checks on `/healthz` (a shared store's outage makes every
 * instance unready at once; taking them all out would turn the failure policy's
 * retryable answers into HAProxy 503s), retries only of connections that never
 * reached an instance (a request that did may have been charged), and a response
 * header naming the instance that served.
 */
export function haproxyConfig(
  frontPort: number,
  backends: readonly { name: string; port: number }[],
): string {
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  option redispatch
  retries 2
  retry-on conn-failure

frontend mcp
  bind 127.0.0.1:${frontPort}
  default_backend toolhost

backend toolhost
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1
  http-response set-header X-Served-By %s
${backends.map(({ name, port }) => `  server ${name} 127.0.0.1:${port} check`).join('\n')}
`;
}

/** HAProxy in the foreground (`-db`), with the configuration above. */
export class Haproxy {
  private child?: ChildProcess;
  output?: Output;

  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(backends: readonly { name: string; port: number }[]): Promise<void> {
    const file = join(this.dir, 'haproxy.cfg');
    writeFileSync(file, haproxyConfig(this.port, backends));
    const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = capture(child);
    // Ready once every instance passed its first health check and answers through the proxy.
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited: ${this.output!.text()}`);
        return (await fetch(`${this.baseUrl}/healthz`)).ok || undefined;
      },
      'haproxy to serve',
      20_000,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGTERM');
    await exited(child);
  }
}
