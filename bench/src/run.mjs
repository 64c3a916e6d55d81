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
 *   BENCH_TARGETS=0 npm run bench      # skip the target measures (cold start, memory, 200 plugins)
 *   BENCH_RSS_SECONDS=60               # each of the two load phases of the memory measure
 *   BENCH_TRACING=1 npm run bench      # also run with OpenTelemetry tracing on (spans to a local sink)
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as loadWith, rssMb, start } from './harness.mjs';
import { startHubStub } from './hub-stub.mjs';
import { memoryUnderLoad, pluginScale, sessionMemory, stdioColdStart, youngGeneration } from './targets.mjs';

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
// The call users make most: a model search the Hub client has cached (the stub Hub answers the first).
const search = { name: 'model_search', arguments: { query: 'whisper', limit: 10 } };
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
  ['legacy model_search (cached)', legacy('tools/call', search)],
  ['2026 model_search (cached)', modern('tools/call', search, 'model_search')],
];
const SCENARIOS = ALL_SCENARIOS.filter(([name]) => !only || name.includes(only));

// CPU per request (µs) is measured on the server's process: steadier than req/s on a shared machine.
const load = (url, request, pid) => loadWith(url, request, { connections, duration, pid });

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
  // BENCH_BUDGET=1: a tool budget the selection fits, and one it exceeds (discovery).
  ...(process.env.BENCH_BUDGET === '1'
    ? [
        ['manifest.budget.yaml', 'direct, budget fits'],
        ['manifest.discovery.yaml', 'direct, discovery'],
      ]
    : []),
  ...(process.env.BENCH_METRICS === '0' ? [] : [['manifest.no-metrics.yaml', 'direct, metrics off']]),
  ...(process.env.BENCH_SDK === '0' ? [] : [['manifest.sdk-only.yaml', 'SDK only']]),
];
// Every server is started up front and idles while another is loaded; scenario by scenario,
// the paths take turns, in reversed order every other scenario, so drift during the run
// (these machines warm up and slow down) does not favour whichever path runs first.
const hub = await startHubStub();
const servers = [];
for (const [manifest, path, checkout, env] of paths) {
  const cli = checkout ? `${checkout}/server/bin/toolhost.js` : CLI;
  const cwd = checkout ? `${checkout}/bench` : here('..');
  const started = await start([cli, 'serve', '--config', manifest, '--port', '0'], /serving MCP at (\S+)/, {
    cwd,
    env: { HF_ENDPOINT: hub.url, ...env },
  });
  servers.push({ path, ...started });
}
// The main path's server, started and not yet loaded: its idle footprint.
const startRssMb = rssMb(servers[0].pid);
for (const [index, [name, request]] of SCENARIOS.entries()) {
  const turn = index % 2 === 0 ? servers : [...servers].reverse();
  for (const { path, url, pid } of turn) {
    if (path === 'SDK only' && name === 'legacy initialize') continue;
    rows.push({ scenario: name, path, ...(await load(url, request, pid)) });
  }
}
// Memory of the main path's server, idle and under load, before it stops (it has served the scenarios).
const targetsOn = process.env.BENCH_TARGETS !== '0';
const rssSeconds = Number(process.env.BENCH_RSS_SECONDS ?? 60);
const memory = targetsOn
  ? await memoryUnderLoad(servers[0].url, servers[0].pid, { seconds: rssSeconds, connections })
  : undefined;
for (const server of servers) await server.stop();
hub.close();
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
const extra = targetsOn
  ? {
      stdio: await stdioColdStart(),
      sessions: await sessionMemory({ connections }),
      plugins: await pluginScale({ duration, connections }),
      // BENCH_NODE_OPTIONS="--max-semi-space-size=4|--max-semi-space-size=8": the V8 settings compared with the default.
      young: await youngGeneration({
        seconds: rssSeconds,
        connections,
        ...(process.env.BENCH_NODE_OPTIONS && { options: process.env.BENCH_NODE_OPTIONS.split('|') }),
      }),
    }
  : undefined;

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
if (targetsOn) {
  lines.push('', ...targetTable(rows, base, memory, extra));
  const [plain, ...tuned] = extra.young;
  lines.push(
    '',
    `Fresh servers, ${rssSeconds} s of cheap calls at c=${connections}, per V8 setting (NODE_OPTIONS):`,
    '',
    '| setting | RSS idle | RSS after | req/s | CPU µs/request | CPU / default |',
    '|---|---:|---:|---:|---:|---:|',
    ...[plain, ...tuned].map(
      (r) =>
        `| ${r.flags} | ${Math.round(r.idleMb)} MB | ${Math.round(r.loadedMb)} MB | ${fmt(r.rps)} | ${Math.round(r.cpuUs)} | ${(r.cpuUs / plain.cpuUs).toFixed(2)} |`,
    ),
  );
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
      memory,
      extra,
    },
    null,
    2,
  ),
);

/** Each target of the performance issue against what this run measured. */
function targetTable(rows, base, memory, extra) {
  const direct = (scenario) => rows.find((r) => r.path === 'direct' && r.scenario === scenario);
  const ratio = (...scenarios) => Math.min(...scenarios.map((s) => direct(s).rps / base));
  const p99 = (...scenarios) => Math.max(...scenarios.map((s) => direct(s).p99));
  const calls = ['legacy tools/call', '2026 tools/call'];
  const searches = ['legacy model_search (cached)', '2026 model_search (cached)'];
  const row = (measure, target, measured, met) =>
    `| ${measure} | ${target} | ${measured} | ${met ? 'yes' : 'no'} |`;
  const r2 = (n) => n.toFixed(2);
  const percent = (n) => `${(n * 100).toFixed(1)}%`;
  const out = ['| measure | target | measured | met |', '|---|---|---|---|'];
  out.push(row('cheap tools/call, both eras (ratio)', '>= 0.5', r2(ratio(...calls)), ratio(...calls) >= 0.5));
  const lists = ['legacy tools/list', '2026 tools/list'];
  out.push(row('tools/list, both eras (ratio)', '>= 0.5', r2(ratio(...lists)), ratio(...lists) >= 0.5));
  out.push(row('cached model_search (ratio)', '>= 0.3', r2(ratio(...searches)), ratio(...searches) >= 0.3));
  out.push(row('cached model_search p99', '< 20 ms', `${p99(...searches)} ms`, p99(...searches) < 20));
  out.push(
    row('initialize (ratio)', '>= 0.5', r2(ratio('legacy initialize')), ratio('legacy initialize') >= 0.5),
  );
  out.push(row(`cheap call p99 at c=${connections}`, '< 10 ms', `${p99(...calls)} ms`, p99(...calls) < 10));
  out.push(
    row(
      'RSS idle at start',
      '< 80 MB',
      `${Math.round(startRssMb)} MB (after the scenarios: ${Math.round(memory.idleMb)} MB)`,
      startRssMb < 80,
    ),
  );
  out.push(
    row(
      `RSS after ${rssSeconds} s at c=${connections}`,
      '< 150 MB',
      `${Math.round(memory.loadedMb)} MB`,
      memory.loadedMb < 150,
    ),
  );
  out.push(
    row(
      `RSS growth over the next ${rssSeconds} s`,
      '< 5%',
      `${(memory.growth * 100).toFixed(1)}%`,
      memory.growth < 0.05,
    ),
  );
  out.push(
    row(
      'memory per 2025 session (10k open)',
      '< 20 KB',
      `${extra.sessions.perSessionKb.toFixed(1)} KB (live heap after GC: ${extra.sessions.perSessionHeapKb.toFixed(1)} KB)`,
      extra.sessions.perSessionKb < 20,
    ),
  );
  out.push(
    row(
      'live heap after GC over 100k requests in one session (after 20k)',
      'flat (< 5%)',
      `${percent(extra.sessions.sessionHeapGrowth)} (RSS as read ${percent(extra.sessions.sessionGrowth)}, after GC ${percent(extra.sessions.sessionRssAfterGcGrowth)})`,
      // What the session retains; RSS as read also counts the garbage V8 has not yet collected.
      extra.sessions.sessionHeapGrowth < 0.05,
    ),
  );
  out.push(
    row(
      '`--stdio` to its first answer (wall)',
      '< 500 ms',
      `${Math.round(extra.stdio.wallMs)} ms (CPU ${Math.round(extra.stdio.cpuMs)} ms; bare node ${Math.round(extra.stdio.bareWallMs)} ms)`,
      extra.stdio.wallMs < 500,
    ),
  );
  out.push(
    row(
      '200 plugins: tools/call vs 1 plugin',
      'within 5%',
      r2(extra.plugins.ratio),
      extra.plugins.ratio >= 0.95,
    ),
  );
  out.push(
    row(
      '200 plugins: start-up',
      '< 2 s',
      `${Math.round(extra.plugins.startManyMs)} ms (1 plugin: ${Math.round(extra.plugins.startOneMs)} ms)`,
      extra.plugins.startManyMs < 2000,
    ),
  );
  return out;
}
