/** The built `toolhost` CLI: manifest validation, start-up, and graceful shutdown. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectClient, FIXTURES, runCli, spawnCli, startToolhost, waitFor } from './src/helpers';

const dir = mkdtempSync(join(tmpdir(), 'toolhost-cli-'));
const testkit = join(FIXTURES, 'plugins/testkit.mjs');

function manifest(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('invalid manifests fail fast, naming the entry and the field', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown package',
      'plugins:\n  - use: "@toolhost/plugin-hub"\n  - use: "@toolhost/plugin-does-not-exist"\n',
      /plugins\[1\] \(@toolhost\/plugin-does-not-exist\): cannot find package '@toolhost\/plugin-does-not-exist'/,
    ],
    [
      'config that fails the plugin schema',
      `plugins:\n  - use: "@toolhost/plugin-hub"\n    config: { timeoutMs: "soon" }\n`,
      /plugins\[0\] \(hub\): invalid config: config\.timeoutMs: Invalid input: expected number, received string/,
    ],
    [
      'duplicate plugin id',
      `plugins:\n  - use: "${testkit}"\n  - use: "@toolhost/plugin-hub"\n  - use: "${testkit}"\n`,
      /plugins\[2\] \(testkit\): duplicate plugin id 'testkit' \(also plugins\[0\] \(testkit\)\)/,
    ],
    [
      'two plugins declaring the same tool',
      `plugins:\n  - use: "@toolhost/plugin-hub"\n  - use: "@toolhost/plugin-models"\n  - use: "${join(FIXTURES, 'plugins/collide.mjs')}"\n`,
      /tool 'model_search' is declared by both plugins\[1\] \(models\) and plugins\[2\] \(collide\)/,
    ],
    [
      'a missing required service',
      'plugins:\n  - use: "@toolhost/plugin-models"\n',
      /plugins\[0\] \(models\): requires service 'hub', which no plugin in the manifest provides/,
    ],
    [
      'an entry without use',
      'plugins:\n  - config: {}\n',
      /plugins\[0\]\.use: Invalid input: expected string, received undefined/,
    ],
    [
      'an unknown section',
      'plugins:\n  - use: "@toolhost/plugin-hub"\nplugns: []\n',
      /unknown field\(s\) plugns/,
    ],
    ['broken YAML', 'plugins: [\n', /not valid YAML/],
    [
      'a quota window that is not a duration',
      'plugins:\n  - use: "@toolhost/plugin-hub"\nquotas:\n  plans:\n    free: { units: 3, per: soon }\n',
      /quotas\.plans\.free\.per: "soon" is not a duration such as 30s, 15m, 1h or 1d/,
    ],
  ];

  it.each(cases)('%s', async (_name, text, message) => {
    const file = manifest(`${_name.replaceAll(' ', '-')}.yaml`, text);
    const result = await runCli(['serve', '--config', file, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^toolhost: invalid manifest: /);
    expect(result.stderr).toMatch(message);
  });

  it('reads JSON manifests too', async () => {
    const file = manifest(
      'bad.json',
      JSON.stringify({ plugins: [{ use: '@toolhost/plugin-hub', config: { endpoint: 'not a url' } }] }),
    );
    const result = await runCli(['serve', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/plugins\[0\] \(hub\): invalid config: config\.endpoint: Invalid URL/);
  });
});

describe('command line', () => {
  it('prints help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: toolhost \[serve\] \[options\]/);
  });

  it('help names exactly the plugins the built-in default manifest loads, and HF_HUB_OFFLINE', async () => {
    const { stdout } = await runCli(['--help']);
    const section =
      /^Built-in default manifest: these (\d+) plugins.*\n((?: {2}[\w-]+(?:, [\w-]+)*,?\n)+)/m.exec(stdout);
    expect(section, stdout).not.toBeNull();
    const named = section![2]!.split(/[\s,]+/).filter(Boolean);

    // What the default manifest really loads: the kernel's own plugin list and tool catalog.
    const toolhost = await startToolhost();
    try {
      const { kernel } = toolhost.app;
      const loaded = [...kernel.health().plugins];
      expect(named.toSorted()).toEqual(loaded.toSorted());
      expect(Number(section![1])).toBe(loaded.length);
      const toolPlugins = new Set(kernel.health().tools.map((tool) => tool.plugin));
      for (const id of toolPlugins) expect(named).toContain(id);
      const client = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
      const { tools } = await client.listTools();
      await client.close();
      expect(tools.length).toBe(kernel.health().tools.length);
    } finally {
      await toolhost.close();
    }
    expect(stdout).toMatch(/^ {2}HF_HUB_OFFLINE /m);
    expect(stdout).toContain('npm start -- --port 8080');
  });

  it('refuses a bad port with a usage error', async () => {
    const result = await runCli(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port must be 0–65535, got eighty/);
  });
});

describe('serving', () => {
  it('finds toolhost.config.yaml in the working folder, and drains in-flight requests on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'toolhost-cwd-'));
    writeFileSync(join(cwd, 'toolhost.config.yaml'), `plugins:\n  - use: "${testkit}"\n`);
    const child = spawnCli(['serve', '--port', '0'], { cwd });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => /serving MCP at (\S+)/.test(stderr), 'the server to start');
    const url = /serving MCP at (\S+)/.exec(stderr)![1]!;
    expect(stderr).toContain(`manifest: ${join(cwd, 'toolhost.config.yaml')}`);

    const inFlight = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'slow', arguments: { ms: 300 } },
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    const response = await inFlight;
    expect((await response.json()).result.content[0].text).toBe('waited 300 ms');
    expect(await exited).toBe(0);
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });
});
