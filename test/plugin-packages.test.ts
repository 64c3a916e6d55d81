/**
 * The author's path, end to end, outside this repository: `npm pack` @toolhost/core
 * and @toolhost/testing, then in a temporary folder
 *
 * - `toolhost plugin init ./acme --name acme`, install the tarballs, `npm test` and
 *   `npm run build` in acme, `toolhost plugin check ./acme`, and serve it with
 *   `toolhost serve --stdio` from a manifest there that uses `./acme`;
 * - a copy of examples/plugin-weather: install, `npm test` (vitest), `npm run build`,
 *   `npm run test:node` (node:test against the build), then `toolhost serve` over
 *   HTTP from a manifest there, its tool called by an SDK client against a local
 *   stand-in for its upstream API.
 *
 * Dependencies come from the npm registry (typescript, tsup, vitest, the MCP SDK),
 * from npm's cache when they are there.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, connectStdioClient, REPO_ROOT, runCli, spawnCli, waitFor } from './src/helpers';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'toolhost-packages-'));
const STEP_TIMEOUT = 600_000;

/**
 * The environment of an author's shell: without what npm and vitest set for this
 * test run, which would otherwise steer the npm and vitest started in the temp folder.
 */
const authorEnv = {
  ...(Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|VITEST|NODE_OPTIONS$|INIT_CWD$|TEST$|NODE_ENV$|FORCE_COLOR$)/i.test(name),
    ),
  ) as Record<string, string>),
  NO_COLOR: '1', // plain text to match
};

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('npm', args, {
      cwd,
      env: authorEnv,
      maxBuffer: 32 * 1024 * 1024,
      timeout: STEP_TIMEOUT,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

let tarballs: string[] = [];
/** Install the packed @toolhost/core and @toolhost/testing (and the rest from the registry) in `dir`. */
const install = (dir: string) =>
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', ...tarballs], dir);

beforeAll(async () => {
  // `npm test` built every workspace first; these are the packages an author would install.
  await npm(['pack', '-w', 'core', '-w', 'testing', '--pack-destination', root], REPO_ROOT);
  tarballs = readdirSync(root)
    .filter((name) => name.endsWith('.tgz'))
    .map((name) => join(root, name));
  expect(tarballs.map((t) => t.slice(root.length + 1)).toSorted()).toEqual([
    'toolhost-core-0.1.0.tgz',
    'toolhost-testing-0.1.0.tgz',
  ]);
}, STEP_TIMEOUT);

const clients: Client[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    }),
  );
  // Two installed packages (typescript, vitest, esbuild, …): a few hundred MB per run.
  await rm(root, { recursive: true, force: true });
}, STEP_TIMEOUT);

describe('a plugin scaffolded by toolhost plugin init', () => {
  const acme = join(root, 'acme');

  it(
    'installs, tests and builds outside the repository, is checked, and is served from a manifest',
    async () => {
      const init = await runCli(['plugin', 'init', './acme', '--name', 'acme'], { cwd: root });
      expect(init.code, init.stderr).toBe(0);
      await install(acme);
      const tested = await npm(['test'], acme);
      expect(tested).toMatch(/Tests\s+3 passed/);
      await npm(['run', 'build'], acme);

      const check = await runCli(['plugin', 'check', './acme'], { cwd: root });
      expect(check.code, check.stderr).toBe(0);
      expect(check.stdout).toMatch(/^acme 0\.1\.0 \(kernel \^0\.1\.0\)$/m);
      expect(check.stdout).toMatch(/^acme_hello\s+Say hello\s+readOnly,idempotent\s+\d+\s+\d+\s+\d+\s+\d+$/m);
      expect(check.stdout).toMatch(/^total\s+\d+$/m);

      const manifest = join(root, 'toolhost.config.yaml');
      writeFileSync(manifest, 'stores: { default: memory }\nplugins:\n  - use: ./acme\n');
      const { client } = await connectStdioClient({ args: ['--config', manifest], cwd: root });
      clients.push(client);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['acme_hello']);
      const result = await client.callTool({ name: 'acme_hello', arguments: { name: 'Ada' } });
      expect(result.structuredContent).toEqual({ greeting: 'Hello, Ada!' });
    },
    STEP_TIMEOUT,
  );

  it(
    'plugin check --snapshot fails after the tool description changes',
    async () => {
      const snapshot = join(root, 'acme.tools.json');
      const first = await runCli(['plugin', 'check', './acme', '--snapshot', snapshot], { cwd: root });
      expect(first.code, first.stderr).toBe(0);
      const source = join(acme, 'src/tools/hello.ts');
      writeFileSync(
        source,
        readFileSync(source, 'utf8').replace('Greet someone by name.', 'Greet a person by name.'),
      );
      await npm(['run', 'build'], acme);
      const drift = await runCli(['plugin', 'check', './acme', '--snapshot', snapshot], { cwd: root });
      expect(drift.code).toBe(1);
      expect(drift.stderr).toContain('acme_hello: description changed');
    },
    STEP_TIMEOUT,
  );
});

describe('examples/plugin-weather, copied out of the repository', () => {
  const weather = join(root, 'weather');
  let upstream: Server;
  let endpoint = '';
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const days = Number(url.searchParams.get('forecast_days'));
      const time = Array.from({ length: days }, (_, i) => `2026-01-0${i + 1}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          daily: {
            time,
            temperature_2m_max: time.map(() => 5),
            temperature_2m_min: time.map(() => -2),
            precipitation_sum: time.map(() => 1.5),
          },
        }),
      );
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it(
    'installs, tests (vitest and node:test), builds, and answers through a real toolhost serve',
    async () => {
      cpSync(join(REPO_ROOT, 'examples/plugin-weather'), weather, {
        recursive: true,
        filter: (source) => !/[/\\](node_modules|dist)([/\\]|$)/.test(source.slice(REPO_ROOT.length)),
      });
      await install(weather);
      expect(await npm(['test'], weather)).toMatch(/Tests\s+\d+ passed/);
      await npm(['run', 'build'], weather);
      expect(await npm(['run', 'test:node'], weather)).toMatch(/# pass [1-9]/);

      const manifest = join(root, 'weather.yaml');
      writeFileSync(
        manifest,
        [
          'stores: { default: memory }',
          'auth: { rateLimit: false }',
          'plugins:',
          '  - use: ./weather',
          `    config: { endpoint: "${endpoint}", maxDays: 5 }`,
          '',
        ].join('\n'),
      );
      const server = spawnCli(['serve', '--config', manifest, '--port', '0'], { cwd: root });
      children.push(server);
      let stderr = '';
      server.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      await waitFor(() => /serving MCP at (\S+)/.test(stderr) || server.exitCode !== null, 'toolhost serve');
      const mcpUrl = /serving MCP at (\S+)/.exec(stderr)?.[1];
      expect(mcpUrl, stderr).toBeDefined();

      const client = await connectClient(mcpUrl!, { era: 'modern' });
      clients.push(client);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['weather_forecast']);
      const result = await client.callTool({
        name: 'weather_forecast',
        arguments: { latitude: 60.17, longitude: 24.94, days: 2 },
      });
      expect(result.structuredContent).toEqual({
        units: 'celsius',
        days: [
          { date: '2026-01-01', max: 5, min: -2, precipitationMm: 1.5 },
          { date: '2026-01-02', max: 5, min: -2, precipitationMm: 1.5 },
        ],
      });
      expect((result.content as { text: string }[]).at(-1)?.text).toBe(
        '_Weather data by Open-Meteo.com (CC BY 4.0)_',
      );
      const tooLong = await client.callTool({
        name: 'weather_forecast',
        arguments: { latitude: 0, longitude: 0, days: 9 },
      });
      expect(tooLong).toMatchObject({
        isError: true,
        content: [{ text: expect.stringContaining('at most 5 days') }],
      });
    },
    STEP_TIMEOUT,
  );
});
