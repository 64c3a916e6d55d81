/**
 * Throughput through HAProxy with one instance and with three, in the same run. Three
 * `toolhost serve` processes share the machine's PostgreSQL (a database of this run's
 * own, dropped after) and Redis (keys under a prefix of this run's own, deleted after),
 * with the stores of a multi-instance deployment (docs/operations.md); HAProxy has two
 * frontends: one sending to the first instance only, one doing round robin over all
 * three. Each scenario loads both frontends in turn (reversed every other scenario).
 *
 *   npm run bench:cluster                   # 8 s per scenario, 50 connections
 *   BENCH_DURATION=20 BENCH_CONNECTIONS=100 npm run bench:cluster
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CLI = here('../../server/bin/toolhost.js');
const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379/0';

const MODERN = '2026-07-28';
const accept = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const call = { name: 'add', arguments: { a: 1, b: 2 } };
const SCENARIOS = [
  [
    'legacy tools/call (stateless)',
    { headers: accept, body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: call } },
  ],
  [
    '2026 tools/call',
    {
      headers: { ...accept, 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'add' },
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          ...call,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      },
    },
  ],
  [
    '2026 tools/list',
    {
      headers: { ...accept, 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' },
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      },
    },
  ],
];

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function started(child, pattern, what) {
  let output = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk) => {
      output += chunk;
      if (pattern.test(output)) resolve(child);
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${output}`)));
  });
}

async function sql(text) {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const database = `toolhost_bench_${suffix}`;
const keyPrefix = `toolhost-bench-${suffix}:`;
const dir = mkdtempSync(join(tmpdir(), 'toolhost-bench-cluster-'));
const databaseUrl = new URL(POSTGRES);
databaseUrl.pathname = `/${database}`;

const manifest = join(dir, 'toolhost.config.json');
writeFileSync(
  manifest,
  JSON.stringify({
    server: { logLevel: 'info' },
    auth: { rateLimit: false },
    plugins: [{ use: here('../plugins/cheap.mjs') }],
    stores: {
      redis: { url: REDIS, keyPrefix },
      postgres: { url: databaseUrl.toString() },
      settings: 'postgres',
      tokens: 'postgres',
      quotas: 'redis',
      bus: 'redis',
      events: 'redis',
    },
    // Every call is charged in Redis, as in a deployment with quotas.
    quotas: { plans: { anonymous: { units: 1_000_000_000, per: '1h' } } },
  }),
);

await sql(`CREATE DATABASE ${database}`);
const children = [];
try {
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const instancePorts = ports.slice(0, 3);
  for (const port of instancePorts) {
    const child = spawn(process.execPath, [CLI, 'serve', '--config', manifest, '--port', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH, HF_HUB_OFFLINE: '1' },
    });
    children.push(child);
  }
  await Promise.all(children.map((child) => started(child, /serving MCP at/, 'toolhost serve')));
  const [one, three] = ports.slice(3);
  const server = (port, i) => `  server toolhost${i + 1} 127.0.0.1:${port} check`;
  const config = `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
backend single
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
${server(instancePorts[0], 0)}
backend all
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
${instancePorts.map(server).join('\n')}
frontend one
  bind 127.0.0.1:${one}
  default_backend single
frontend three
  bind 127.0.0.1:${three}
  default_backend all
`;
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(haproxy);
  for (const port of [one, three]) {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function load(url, { headers, body }) {
    const payload = JSON.stringify(body);
    await autocannon({ url, method: 'POST', headers, body: payload, connections, duration: 2 });
    const result = await autocannon({ url, method: 'POST', headers, body: payload, connections, duration });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  }

  const fronts = [
    ['1 instance', `http://127.0.0.1:${one}/mcp`],
    ['3 instances', `http://127.0.0.1:${three}/mcp`],
  ];
  const rows = [];
  for (const [index, [scenario, request]] of SCENARIOS.entries()) {
    for (const [behind, url] of index % 2 === 0 ? fronts : [...fronts].reverse()) {
      rows.push({ scenario, behind, ...(await load(url, request)) });
    }
  }
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `Node ${process.version}, ${(await import('node:os')).availableParallelism()} cores, ${connections} connections, ${duration} s per scenario, through HAProxy.`,
    '',
    '| scenario | behind HAProxy | req/s | p50 ms | p99 ms | 3 / 1 |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const [scenario] of SCENARIOS) {
    const single = rows.find((r) => r.scenario === scenario && r.behind === '1 instance');
    for (const r of rows.filter((row) => row.scenario === scenario)) {
      const ratio = r.behind === '3 instances' ? (r.rps / single.rps).toFixed(2) : '';
      lines.push(`| ${r.scenario} | ${r.behind} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${ratio} |`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(
    here('../cluster-results.json'),
    JSON.stringify(
      { when: new Date().toISOString(), node: process.version, connections, duration, rows },
      null,
      2,
    ),
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
