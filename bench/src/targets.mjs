// The measures of the performance issue that are not throughput against the baseline:
// stdio cold start, memory (idle, under load, per 2025 session) and 200 installed plugins.
// run.mjs calls these and prints every target against what was measured, in one table.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cpuMs, load, median, rssMb, start } from './harness.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../../server/bin/toolhost.js');
const SERVING = /serving MCP at (\S+)/;
const accept = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const callAdd = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'add', arguments: { a: 1, b: 2 } },
};
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1.0.0' },
  },
};

/** Spawn to the first answer on stdout: `--stdio` on the built-in manifest, offline, against bare node. */
export async function stdioColdStart(runs = 7) {
  const dataDir = mkdtempSync(join(tmpdir(), 'toolhost-bench-stdio-'));
  const once = (args) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, args, {
        stdio: ['pipe', 'pipe', 'ignore'],
        cwd: dataDir,
        env: { ...process.env, HF_HUB_OFFLINE: '1', TOOLHOST_DATA_DIR: dataDir },
      });
      child.stdin.write(`${JSON.stringify(initialize)}\n`);
      child.stdout.once('data', () => {
        const sample = { wallMs: performance.now() - started, cpuMs: cpuMs(child.pid) };
        child.once('exit', () => resolve(sample));
        child.kill();
      });
      child.once('error', reject);
    });
  const toolhost = [];
  const bare = [];
  await once([CLI, 'serve', '--stdio']); // the first run fills the OS file cache
  for (let i = 0; i < runs; i++) {
    toolhost.push(await once([CLI, 'serve', '--stdio']));
    bare.push(await once(['-e', "process.stdin.once('data', () => process.stdout.write('{}\\n'))"]));
  }
  rmSync(dataDir, { recursive: true, force: true });
  return {
    wallMs: median(toolhost.map((s) => s.wallMs)),
    cpuMs: median(toolhost.map((s) => s.cpuMs)),
    bareWallMs: median(bare.map((s) => s.wallMs)),
  };
}

/** RSS idle, after `seconds` of cheap calls at `connections`, and after as long again. */
export async function memoryUnderLoad(url, pid, { seconds, connections }) {
  const idle = rssMb(pid);
  const run = () =>
    autocannon({
      url,
      method: 'POST',
      headers: accept,
      body: JSON.stringify(callAdd),
      connections,
      duration: seconds,
    });
  await run();
  const loaded = rssMb(pid);
  await run();
  const later = rssMb(pid);
  return { idleMb: idle, loadedMb: loaded, laterMb: later, growth: later / loaded - 1 };
}

/**
 * A bench server's memory after a full GC, on demand: the server runs with `heap-probe.mjs`
 * preloaded, which answers SIGUSR2 by appending a line to `file`. `read()` signals and waits
 * for that line: `{ heapUsedMb, rssMb }` after the GC.
 */
function heapProbe() {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-bench-heap-'));
  const file = join(dir, 'probe.jsonl');
  writeFileSync(file, '');
  let probes = 0;
  return {
    args: ['--expose-gc', '--import', here('./heap-probe.mjs')],
    env: { BENCH_HEAP_PROBE: file },
    async read(pid) {
      const probe = ++probes;
      process.kill(pid, 'SIGUSR2');
      for (;;) {
        const line = readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((text) => JSON.parse(text))
          .find((entry) => entry.probe === probe);
        if (line) return { heapUsedMb: line.after.heapUsed / 2 ** 20, rssMb: line.after.rss / 2 ** 20 };
        await sleep(100);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Memory per open 2025 session (10k of them), and over 100k requests in one session: RSS as
 * read, and the live heap (and RSS) after a full GC, which is what a session retains.
 * Each point reads RSS first, then probes: the probe's GC changes RSS.
 */
export async function sessionMemory({ sessions = 10_000, requests = 100_000, connections }) {
  const probe = heapProbe();
  const server = await start(
    [...probe.args, CLI, 'serve', '--config', 'manifest.sessions.yaml', '--port', '0'],
    SERVING,
    { cwd: here('..'), env: probe.env },
  );
  const measure = async () => ({ rssMb: rssMb(server.pid), gc: await probe.read(server.pid) });
  try {
    const open = async () => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: accept,
        body: JSON.stringify(initialize),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`initialize answered ${response.status}`);
      return response.headers.get('mcp-session-id');
    };
    const first = await open();
    const before = await measure();
    let opened = 1;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (opened < sessions) {
          opened++;
          await open();
        }
      }),
    );
    const after = await measure();
    const inSession = {
      headers: { ...accept, 'mcp-session-id': first, 'mcp-protocol-version': '2025-06-18' },
      body: callAdd,
    };
    // The first requests warm the JIT and grow the heap to its working size: measure after them.
    await load(server.url, inSession, { connections, amount: requests / 5 });
    const warm = await measure();
    await load(server.url, inSession, { connections, amount: requests });
    const all = await measure();
    const perSession = (mb) => (mb * 1024) / (sessions - 1);
    return {
      perSessionKb: perSession(after.rssMb - before.rssMb),
      perSessionHeapKb: perSession(after.gc.heapUsedMb - before.gc.heapUsedMb),
      sessionGrowth: all.rssMb / warm.rssMb - 1,
      sessionHeapGrowth: all.gc.heapUsedMb / warm.gc.heapUsedMb - 1,
      sessionRssAfterGcGrowth: all.gc.rssMb / warm.gc.rssMb - 1,
      warm,
      all,
    };
  } finally {
    await server.stop();
    probe.remove();
  }
}

/** Start-up time and cheap-call throughput with 200 installed plugins against 1. */
export async function pluginScale({ count = 200, duration, connections }) {
  // Inside bench/ so the generated plugins resolve @toolhost/core from the workspace.
  const dir = here('../.generated/plugins');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const uses = [];
  for (let i = 0; i < count; i++) {
    writeFileSync(
      join(dir, `p${i}.mjs`),
      `import { definePlugin, defineTool, z } from '@toolhost/core';
export default definePlugin({ id: 'p${i}', version: '1.0.0', kernel: '^0.1.0', tools: [
  defineTool({ name: 'tool_${i}', description: 'Generated tool number ${i}, for the plugin-scale bench.',
    input: z.object({ text: z.string().max(100) }), annotations: { readOnly: true }, handler: ({ text }) => text }),
] });
`,
    );
    uses.push(`  - use: ./p${i}.mjs`);
  }
  const manifest = (plugins) =>
    `auth:\n  rateLimit: false\nstores:\n  default: memory\nplugins:\n  - use: ../../plugins/cheap.mjs\n${plugins.join('\n')}\n`;
  writeFileSync(join(dir, 'one.yaml'), manifest([]));
  writeFileSync(join(dir, 'many.yaml'), manifest(uses));
  const one = await start([CLI, 'serve', '--config', 'one.yaml', '--port', '0'], SERVING, { cwd: dir });
  const many = await start([CLI, 'serve', '--config', 'many.yaml', '--port', '0'], SERVING, { cwd: dir });
  try {
    const request = { headers: accept, body: callAdd };
    const rows = { one: [], many: [] };
    // Two turns each, alternating, so drift favours neither.
    for (const [name, server] of [
      ['one', one],
      ['many', many],
      ['many', many],
      ['one', one],
    ])
      rows[name].push((await load(server.url, request, { connections, duration })).rps);
    const rps = (name) => rows[name].reduce((a, b) => a + b, 0) / rows[name].length;
    return { startOneMs: one.startedMs, startManyMs: many.startedMs, ratio: rps('many') / rps('one') };
  } finally {
    await one.stop();
    await many.stop();
  }
}

/**
 * What a smaller young generation saves: a fresh server per V8 setting (the default, then
 * each of `options`), idle RSS, then cheap calls for `seconds` at `connections` (RSS after
 * them, CPU per request, req/s). Under load V8 grows each of its two semi-spaces to 16 MB
 * (Node 20's default cap) and keeps them; `--max-semi-space-size` (in NODE_OPTIONS) caps them.
 */
export async function youngGeneration({ options = ['--max-semi-space-size=4'], seconds, connections }) {
  const results = [];
  for (const flags of ['', ...options]) {
    const server = await start(
      [...flags.split(' ').filter(Boolean), CLI, 'serve', '--config', 'manifest.yaml', '--port', '0'],
      SERVING,
      { cwd: here('..') },
    );
    try {
      const idleMb = rssMb(server.pid);
      const loaded = await load(
        server.url,
        { headers: accept, body: callAdd },
        {
          connections,
          duration: seconds,
          pid: server.pid,
        },
      );
      results.push({ flags: flags || 'default', idleMb, loadedMb: rssMb(server.pid), ...loaded });
    } finally {
      await server.stop();
    }
  }
  return results;
}
