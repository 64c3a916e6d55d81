/**
 * Toolhost benchmark. Starts a plain fastify JSON route (the baseline) and Toolhost
 * as child processes, loads each with autocannon from this process, and prints
 * req/s, p50, p99 and the ratio to the baseline measured in the same run. The
 * baseline runs first and last; ratios use the mean of the two, because these
 * machines are noisy.
 *
 *   npm run bench                      # 8 s per scenario, 50 connections
 *   BENCH_DURATION=20 BENCH_CONNECTIONS=100 npm run bench
 *   BENCH_ONLY=call BENCH_SDK=0 npm run bench   # only tools/call, direct path only
 *   BENCH_METRICS=0 npm run bench      # skip the metrics-off runs
 *   BENCH_AGAINST=../old-checkout npm run bench   # also run another (built) checkout, side by side
 *   BENCH_TRACING=1 npm run bench      # also run with OpenTelemetry tracing on (spans to a local sink)
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CLI = here('../../server/bin/toolhost.js');

const MODERN = '2026-07-28';
const envelope = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const accept = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const legacy = (method, params) => ({
  headers: accept,
  body: { jsonrpc: '2.0', id: 1, method, ...(params && { params }) },
});
const modern = (method, params = {}, name) => ({
  headers: {
    ...accept,
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(name && { 'mcp-name': name }),
  },
  body: { jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: envelope } },
});
const call = { name: 'add', arguments: { a: 1, b: 2 } };
// BENCH_ONLY=call runs just the scenarios whose name contains "call"; BENCH_SDK=0 skips the SDK-only runs.
const only = process.env.BENCH_ONLY;
const init = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'bench', version: '1.0.0' },
};

const ALL_SCENARIOS = [
  ['legacy initialize', legacy('initialize', init)],
  ['legacy tools/list', legacy('tools/list')],
  ['legacy tools/call', legacy('tools/call', call)],
  ['2026 tools/list', modern('tools/list')],
  ['2026 tools/call', modern('tools/call', call, 'add')],
];
const SCENARIOS = ALL_SCENARIOS.filter(([name]) => !only || name.includes(only));

function start(args, pattern, cwd = here('..'), env = {}) {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = pattern.exec(stderr);
      if (match)
        resolve({
          url: match[1],
          pid: child.pid,
          stop: () =>
            new Promise((done) => {
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
}

/**
 * The CPU time (user + system, milliseconds) a process has used, from /proc (Linux; clock
 * ticks of 10 ms); undefined elsewhere. CPU per request is steadier than req/s on a shared
 * machine: other load slows the server down but does not add to the work it does per request.
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function load(url, { headers, body }, pid) {
  const payload = JSON.stringify(body);
  // Warm up (JIT, caches), then measure.
  await autocannon({ url, method: 'POST', headers, body: payload, connections, duration: 2 });
  const cpuBefore = pid && cpuMs(pid);
  const result = await autocannon({ url, method: 'POST', headers, body: payload, connections, duration });
  const cpuAfter = pid && cpuMs(pid);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const cpuUs =
    cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0
      ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total
      : undefined;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

const rows = [];
const baselineRuns = [];
const baseline = await start([here('./baseline.mjs')], /listening at (\S+)/);
baselineRuns.push(
  await load(baseline.url, {
    headers: { 'content-type': 'application/json' },
    body: { jsonrpc: '2.0', id: 1, method: 'ping' },
  }),
);

// Another checkout (say, the previous main, built) runs the same scenarios with its own CLI and
// bench manifest, right after this one's, so the two are compared within one sitting.
const against = process.env.BENCH_AGAINST && resolve(process.env.BENCH_AGAINST);
/**
 * BENCH_TRACING=1: an OTLP/HTTP sink in this process takes the traced server's span batches
 * (read and dropped, as a collector would take them) and counts them.
 */
async function startTraceSink() {
  const sink = { url: '', batches: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk) => {
      sink.bytes += chunk.length;
    });
    req.on('end', () => {
      sink.batches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  sink.url = `http://127.0.0.1:${server.address().port}`;
  sink.close = () => new Promise((done) => server.close(done));
  return sink;
}
const traceSink = process.env.BENCH_TRACING === '1' ? await startTraceSink() : undefined;
const paths = [
  ['manifest.yaml', 'direct'],
  ...(traceSink
    ? [
        ['manifest.yaml', 'direct, tracing on', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: traceSink.url }],
        [
          'manifest.tracing-sampled.yaml',
          'direct, tracing 10%',
          undefined,
          { OTEL_EXPORTER_OTLP_ENDPOINT: traceSink.url },
        ],
      ]
    : []),
  ...(against ? [['manifest.yaml', 'direct, against', against]] : []),
  ...(process.env.BENCH_METRICS === '0' ? [] : [['manifest.no-metrics.yaml', 'direct, metrics off']]),
  ...(process.env.BENCH_SDK === '0' ? [] : [['manifest.sdk-only.yaml', 'SDK only']]),
];
// Every server is started up front and idles while another is loaded; scenario by scenario,
// the paths take turns, in reversed order every other scenario, so drift during the run
// (these machines warm up and slow down) does not favour whichever path runs first.
const servers = [];
for (const [manifest, path, checkout, env] of paths) {
  const cli = checkout ? `${checkout}/server/bin/toolhost.js` : CLI;
  const cwd = checkout ? `${checkout}/bench` : here('..');
  const started = await start(
    [cli, 'serve', '--config', manifest, '--port', '0'],
    /serving MCP at (\S+)/,
    cwd,
    env,
  );
  servers.push({ path, ...started });
}
for (const [index, [name, request]] of SCENARIOS.entries()) {
  const turn = index % 2 === 0 ? servers : [...servers].reverse();
  for (const { path, url, pid } of turn) {
    if (path === 'SDK only' && name === 'legacy initialize') continue;
    rows.push({ scenario: name, path, ...(await load(url, request, pid)) });
  }
}
for (const server of servers) await server.stop();
await traceSink?.close();
// The table lists each path's scenarios together.
rows.sort((a, b) => paths.findIndex(([, p]) => p === a.path) - paths.findIndex(([, p]) => p === b.path));

baselineRuns.push(
  await load(baseline.url, {
    headers: { 'content-type': 'application/json' },
    body: { jsonrpc: '2.0', id: 1, method: 'ping' },
  }),
);
await baseline.stop();

const base = (baselineRuns[0].rps + baselineRuns[1].rps) / 2;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const lines = [
  `Node ${process.version}, ${connections} connections, ${duration} s per scenario.`,
  `Baseline (plain fastify JSON route): ${fmt(baselineRuns[0].rps)} req/s before, ${fmt(baselineRuns[1].rps)} after; mean ${fmt(base)}.`,
  '',
  '| scenario | path | req/s | p50 ms | p99 ms | ratio to baseline | server CPU µs/request |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.path} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${(r.rps / base).toFixed(2)} | ${r.cpuUs === undefined ? '' : Math.round(r.cpuUs)} |`,
  ),
];
// What metrics cost: each scenario with metrics on (the default) against the same run with them off.
const metricsCost = rows
  .filter((r) => r.path === 'direct, metrics off')
  .map((off) => {
    const on = rows.find((r) => r.path === 'direct' && r.scenario === off.scenario);
    return { scenario: off.scenario, ratio: on.rps / off.rps };
  });
// This checkout against the other one (BENCH_AGAINST), scenario by scenario.
const againstRatio = rows
  .filter((r) => r.path === 'direct, against')
  .map((old) => {
    const now = rows.find((r) => r.path === 'direct' && r.scenario === old.scenario);
    return { scenario: old.scenario, ratio: now.rps / old.rps };
  });
if (againstRatio.length > 0) {
  lines.push('', `| scenario | this checkout / ${against} (req/s) |`, '|---|---:|');
  for (const { scenario, ratio } of againstRatio) lines.push(`| ${scenario} | ${ratio.toFixed(2)} |`);
}
// What tracing costs: each scenario traced (every request a root span, exported) against the same run untraced.
const tracingCost = rows
  .filter((r) => r.path.startsWith('direct, tracing'))
  .map((on) => {
    const off = rows.find((r) => r.path === 'direct' && r.scenario === on.scenario);
    return {
      scenario: `${on.scenario} (${on.path.replace('direct, ', '')})`,
      ratio: on.rps / off.rps,
      ...(on.cpuUs !== undefined && off.cpuUs !== undefined && { cpuRatio: on.cpuUs / off.cpuUs }),
    };
  });
if (tracingCost.length > 0) {
  lines.push(
    '',
    '| scenario | tracing on / off (req/s) | tracing on / off (server CPU per request) |',
    '|---|---:|---:|',
    ...tracingCost.map(
      ({ scenario, ratio, cpuRatio }) =>
        `| ${scenario} | ${ratio.toFixed(2)} | ${cpuRatio === undefined ? '' : cpuRatio.toFixed(2)} |`,
    ),
    '',
    `Spans exported to the sink: ${fmt(traceSink.batches)} batches, ${fmt(traceSink.bytes / 1024)} KiB.`,
  );
}
if (metricsCost.length > 0) {
  lines.push('', '| scenario | metrics on / off (req/s) |', '|---|---:|');
  for (const { scenario, ratio } of metricsCost) lines.push(`| ${scenario} | ${ratio.toFixed(2)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(
  here('../results.json'),
  JSON.stringify(
    {
      when: new Date().toISOString(),
      node: process.version,
      connections,
      duration,
      baseline: baselineRuns,
      rows,
      metricsCost,
      againstRatio,
      tracingCost,
    },
    null,
    2,
  ),
);
