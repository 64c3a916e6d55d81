// What the bench's scripts share: starting a server process and loading it with autocannon.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * Start `node args…` and resolve when its stderr matches `pattern` (group 1 is the URL).
 * `startedMs` is the wall time from spawn to that line.
 */
export function start(args, pattern, { cwd, env } = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  let serving = false;
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      if (serving) return; // still drained, no longer kept: the request log lines are many
      stderr += chunk;
      const match = pattern.exec(stderr);
      if (match) {
        serving = true;
        resolve({
          url: match[1],
          pid: child.pid,
          startedMs: performance.now() - started,
          stop: () =>
            new Promise((done) => {
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
}

/**
 * Warm up for 2 s, then load `url` for `duration` s (or `amount` requests); refuses a run with
 * errors or non-2xx answers. With the server's `pid`, also the server's CPU per request (µs):
 * other load slows a server down but does not add to the work it does per request.
 */
export async function load(url, { headers, body }, { connections, duration, amount, pid } = {}) {
  const payload = JSON.stringify(body);
  const options = { url, method: 'POST', headers, body: payload, connections };
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = pid && cpuMs(pid);
  const result = await autocannon({ ...options, ...(amount ? { amount } : { duration }) });
  const cpuAfter = pid && cpuMs(pid);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const cpuUs =
    pid && result.requests.total > 0 ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total : undefined;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

/** Resident set size of a process, in MB (Linux). */
export function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (Linux). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
