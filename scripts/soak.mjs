/**
 * Soak test: `npm run soak`. Starts the built server (`toolhost serve`) on a loopback
 * port, sends SOAK_REQUESTS stateless requests (default 100,000) mixed across both eras
 * and the hot methods — initialize, ping, tools/list, a cheap tools/call, server/discover —
 * then as many again, and prints the server process's RSS before, between and after.
 * Exits non-zero if the second phase grew RSS by more than SOAK_MAX_GROWTH (default 10 %),
 * if any request failed, or if the whole run exceeds SOAK_TIMEOUT_S (default 900 s).
 *
 *   npm run soak
 *   SOAK_REQUESTS=20000 SOAK_CONCURRENCY=8 node scripts/soak.mjs   # a shorter run on a built tree
 *
 * No Hub tool is called; HF_ENDPOINT points at a closed loopback port so nothing could
 * leave the machine even if one were. Not part of `npm test`: it is CPU-heavy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../server/bin/toolhost.js');
const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 100_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const MAX_GROWTH = Number(process.env.SOAK_MAX_GROWTH ?? 0.1);
const TIMEOUT_S = Number(process.env.SOAK_TIMEOUT_S ?? 900);

const MODERN = '2026-07-28';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'soak', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const legacy = (method, params) => ({
  headers: JSON_HEADERS,
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, ...(params && { params }) }),
});
const modern = (method, params = {}) => ({
  headers: {
    ...JSON_HEADERS,
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(typeof params.name === 'string' && { 'mcp-name': params.name }),
  },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: ENVELOPE } }),
});
const add = { name: 'add', arguments: { a: 1, b: 2 } };
/** The mix, sent round-robin. */
const MIX = [
  legacy('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'soak', version: '1.0.0' },
  }),
  legacy('ping'),
  legacy('tools/list'),
  legacy('tools/call', add),
  modern('tools/list'),
  modern('tools/call', add),
  modern('server/discover'),
];

function closedPort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The server's resident set size in MiB (Linux /proc; `ps` elsewhere). */
async function rssMiB(pid) {
  try {
    const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    if (kb > 0) return kb / 1024;
  } catch {
    // not Linux
  }
  const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
  let out = '';
  ps.stdout.on('data', (chunk) => {
    out += chunk;
  });
  await new Promise((resolve) => ps.once('exit', resolve));
  return Number(out.trim()) / 1024;
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-soak-'));
  const manifest = join(dir, 'toolhost.config.yaml');
  writeFileSync(
    manifest,
    `server:
  logLevel: warn
auth:
  rateLimit: false
stores:
  default: memory
plugins:
  - use: "@toolhost/plugin-hub"
  - use: "@toolhost/plugin-models"
  - use: "${here('../bench/plugins/cheap.mjs')}"
`,
  );
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--config', manifest, '--host', '127.0.0.1', '--port', '0'],
    {
      cwd: dir,
      env: { ...process.env, HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /serving MCP at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`toolhost exited with ${code}:\n${stderr}`)));
  });
  // Keep draining stderr so the server never blocks on a full pipe; keep only the tail.
  child.stderr.on('data', () => {
    if (stderr.length > 100_000) stderr = stderr.slice(-20_000);
  });
  return { child, url: new URL(url), stderr: () => stderr };
}

function send(agent, url, { headers, body }) {
  return new Promise((resolve) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve(res.statusCode === 200 && !text.includes('"error":{"code"') ? null : text),
        );
      },
    );
    req.on('error', (error) => resolve(error.message));
    req.end(body);
  });
}

/** `count` requests from the mix, CONCURRENCY at a time; returns the failures. */
async function phase(url, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const failures = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const failure = await send(agent, url, MIX[i % MIX.length]);
      if (failure !== null) failures.push(`${i % MIX.length}: ${failure.slice(0, 200)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return { failures, seconds: (performance.now() - started) / 1000 };
}

const server = await startServer();
const deadline = setTimeout(() => {
  console.error(`soak: did not finish within ${TIMEOUT_S} s`);
  server.child.kill('SIGKILL');
  process.exit(1);
}, TIMEOUT_S * 1000);
const fmt = (mib) => `${mib.toFixed(1)} MiB`;
let exitCode = 0;
try {
  console.log(
    `soak: ${REQUESTS} + ${REQUESTS} requests, ${CONCURRENCY} concurrent, ${MIX.length} kinds round-robin, at ${server.url}`,
  );
  const before = await rssMiB(server.child.pid);
  console.log(`RSS before:  ${fmt(before)}`);
  const first = await phase(server.url, REQUESTS);
  const between = await rssMiB(server.child.pid);
  console.log(
    `RSS between: ${fmt(between)}  (first ${REQUESTS}: ${(REQUESTS / first.seconds).toFixed(0)} req/s, ${first.failures.length} failed)`,
  );
  const second = await phase(server.url, REQUESTS);
  const after = await rssMiB(server.child.pid);
  const growth = (after - between) / between;
  console.log(
    `RSS after:   ${fmt(after)}  (second ${REQUESTS}: ${(REQUESTS / second.seconds).toFixed(0)} req/s, ${second.failures.length} failed)`,
  );
  console.log(
    `second-phase growth: ${(growth * 100).toFixed(1)} % (limit ${(MAX_GROWTH * 100).toFixed(0)} %)`,
  );
  const failures = [...first.failures, ...second.failures];
  if (failures.length > 0) {
    console.error(`soak: ${failures.length} requests failed, e.g.\n  ${failures.slice(0, 5).join('\n  ')}`);
    exitCode = 1;
  }
  if (growth > MAX_GROWTH) {
    console.error('soak: RSS grew by more than the limit during the second phase');
    exitCode = 1;
  }
} catch (error) {
  console.error(`soak: ${error.message}\n${server.stderr().slice(-2_000)}`);
  exitCode = 1;
} finally {
  clearTimeout(deadline);
  await new Promise((resolve) => {
    server.child.once('exit', resolve);
    server.child.kill('SIGTERM');
  });
}
process.exit(exitCode);
