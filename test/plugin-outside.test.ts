/**
 * Plugins that live outside this repository, loaded by the built CLI from a manifest
 * in a temporary folder: a one-file `.mjs`, a package in node_modules beside the
 * manifest, a plugin bringing its own (compatible or not) `@toolhost/core`, a missing
 * dependency; and `toolhost plugin check` / `plugin init` on such plugins.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { loadTokenCounter } from '@toolhost/core/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { connectStdioClient, REPO_ROOT, runCli } from './src/helpers';

const root = mkdtempSync(join(tmpdir(), 'toolhost-outside-'));
const HOST_CORE_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'core/package.json'), 'utf8')) as { version: string }
).version;

function write(path: string, text: string): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A one-file plugin: its tool throws the host's ToolError for 'nobody', so the error class is the host's. */
const oneFile = (id: string, tool: string, description = 'Greet someone by name.') => `
import { definePlugin, defineTool, ToolError, z } from '@toolhost/core';

const greet = defineTool({
  name: '${tool}',
  description: ${JSON.stringify(description)},
  input: z.object({ name: z.string().min(1) }),
  annotations: { readOnly: true },
  handler: ({ name }) => {
    if (name === 'nobody') throw new ToolError('There is nobody to greet.');
    return 'Hello, ' + name + '!';
  },
});

export default definePlugin({ id: '${id}', version: '2.0.0', kernel: '^0.1.0', tools: [greet] });
`;

/** A manifest in `folder` (memory stores), returning its path. */
const manifest = (folder: string, uses: string[]) =>
  write(
    `${folder}/toolhost.config.yaml`,
    `stores: { default: memory }\nplugins:\n${uses.map((use) => `  - use: "${use}"\n`).join('')}`,
  );

/** A fake copy of @toolhost/core in `folder`'s node_modules that fails if anything loads it. */
function ownCore(folder: string, version: string) {
  write(
    `${folder}/node_modules/@toolhost/core/package.json`,
    JSON.stringify({ name: '@toolhost/core', version, type: 'module', exports: { '.': './index.js' } }),
  );
  write(
    `${folder}/node_modules/@toolhost/core/index.js`,
    `throw new Error('the plugin was given its own copy of @toolhost/core');\n`,
  );
}

const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await rm(root, { recursive: true, force: true });
});

async function serveAndGreet(config: string, tool: string) {
  const { client, stderr } = await connectStdioClient({ args: ['--config', config], cwd: dirname(config) });
  clients.push(client);
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual([tool]);
  const ok = await client.callTool({ name: tool, arguments: { name: 'Ada' } });
  expect(ok.content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
  const refused = await client.callTool({ name: tool, arguments: { name: 'nobody' } });
  // The plugin's ToolError is the host's class: its message reaches the model.
  expect(refused).toMatchObject({ isError: true, content: [{ text: 'There is nobody to greet.' }] });
  expect(stderr()).not.toMatch(/error/i);
}

describe('a plugin outside the repository', () => {
  it('a one-file .mjs beside the manifest loads and its tool answers', async () => {
    write('one-file/greet.mjs', oneFile('greet', 'greet'));
    await serveAndGreet(manifest('one-file', ['./greet.mjs']), 'greet');
  });

  it('a package installed in node_modules beside the manifest loads by its name', async () => {
    write(
      'beside/node_modules/acme-greeter/package.json',
      JSON.stringify({
        name: 'acme-greeter',
        version: '2.0.0',
        type: 'module',
        exports: { '.': { import: './lib/plugin.mjs' } },
      }),
    );
    write('beside/node_modules/acme-greeter/lib/plugin.mjs', oneFile('acme', 'acme_greet'));
    await serveAndGreet(manifest('beside', ['acme-greeter']), 'acme_greet');
  });

  it('a package folder given by path loads through its exports', async () => {
    write(
      'folder/greeter/package.json',
      JSON.stringify({ name: 'greeter', type: 'module', exports: { '.': './dist/index.js' } }),
    );
    write('folder/greeter/dist/index.js', oneFile('folder', 'folder_greet'));
    await serveAndGreet(manifest('folder', ['./greeter']), 'folder_greet');
  });

  it('a plugin with its own compatible copy of @toolhost/core gets the host copy', async () => {
    ownCore('compatible', HOST_CORE_VERSION);
    write('compatible/plugin.mjs', oneFile('compatible', 'compatible_greet'));
    await serveAndGreet(manifest('compatible', ['./plugin.mjs']), 'compatible_greet');
  });

  it('a plugin with its own incompatible @toolhost/core is refused, naming both versions', async () => {
    ownCore('incompatible', '9.1.0');
    write('incompatible/plugin.mjs', oneFile('incompatible', 'incompatible_greet'));
    const result = await runCli(['serve', '--stdio', '--config', manifest('incompatible', ['./plugin.mjs'])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `plugins[0] (./plugin.mjs): it brings its own @toolhost/core 9.1.0 (${join(root, 'incompatible/node_modules/@toolhost/core')}), incompatible with this Toolhost's @toolhost/core ${HOST_CORE_VERSION}`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a missing dependency is named as such, not as a missing plugin file', async () => {
    const file = write(
      'missing-dep/plugin.mjs',
      `import 'left-pad-that-is-not-installed';\n${oneFile('missing', 'missing_greet')}`,
    );
    const result = await runCli(['serve', '--stdio', '--config', manifest('missing-dep', ['./plugin.mjs'])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `plugins[0] (./plugin.mjs): ${file} imports something that cannot be found: Cannot find package 'left-pad-that-is-not-installed'`,
    );
    expect(result.stderr).not.toContain('no file at');
  });

  it('a missing file, a folder without package.json and an unbuilt package each say so', async () => {
    mkdirSync(join(root, 'errors/empty-folder'), { recursive: true });
    write('errors/unbuilt/package.json', JSON.stringify({ name: 'unbuilt', main: 'dist/index.js' }));
    const cases: [string, string][] = [
      ['./nope.mjs', `no file at ${join(root, 'errors/nope.mjs')}`],
      ['./empty-folder', `${join(root, 'errors/empty-folder')} is a folder without a package.json`],
      [
        './unbuilt',
        `the package at ${join(root, 'errors/unbuilt')} names ${join(root, 'errors/unbuilt/dist/index.js')} as its entry, which does not exist (build it first: npm run build)`,
      ],
      ['not-installed-anywhere', `cannot find package 'not-installed-anywhere' where Toolhost is installed`],
    ];
    for (const [use, message] of cases) {
      const result = await runCli(['serve', '--stdio', '--config', manifest('errors', [use])]);
      expect(result.code, use).toBe(1);
      expect(result.stderr, use).toContain(`plugins[0] (${use}): ${message}`);
    }
  });
});

describe('toolhost plugin check', () => {
  const plugin = write('check/greet.mjs', oneFile('greet', 'greet'));
  const bare = write(
    'check/bare.mjs',
    `import { definePlugin, defineTool, z } from '@toolhost/core';
export default definePlugin({ id: 'bare', version: '0.0.1', kernel: '^0.1.0', tools: [
  defineTool({ name: 'wordy', description: ${JSON.stringify('Very long. '.repeat(120))}, input: z.object({}), handler: () => 'x' }),
] });
`,
  );
  const cwd = join(root, 'check');

  it('prints id, version, kernel range and a token table per tool, with the total', async () => {
    const result = await runCli(['plugin', 'check', './greet.mjs'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('greet 2.0.0 (kernel ^0.1.0)');
    expect(lines[2]).toMatch(/^tool\s+title\s+annotations\s+name\s+description\s+schemas\s+total$/);
    expect(lines[3]).toMatch(/^greet\s+-\s+readOnly\s+2\s+6\s+\d+\s+\d+$/);
    const total = Number(/(\d+)$/.exec(lines[3]!)![1]);
    expect(lines[4]).toMatch(new RegExp(`^total\\s+${total}$`));
    expect(result.stdout).not.toContain('warning');
  });

  it('--json gives the same report, the tokens counted by a real tokenizer', async () => {
    const result = await runCli(['plugin', 'check', plugin, '--json'], { cwd: REPO_ROOT });
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ id: 'greet', version: '2.0.0', kernel: '^0.1.0', warnings: [] });
    const [tool] = report.tools;
    // o200k_base splits "greet" in two and "Greet someone by name." in six (length / 4 would say 1 and 5).
    expect(tool).toMatchObject({ name: 'greet', annotations: { readOnlyHint: true } });
    expect(tool.tokens).toMatchObject({ name: 2, description: 6 });
    const counter = await loadTokenCounter();
    expect(tool.tokens.name).toBe(counter.count('greet'));
    expect(tool.tokens.total).toBeGreaterThan(tool.tokens.schemas + tool.tokens.description);
    expect(report.totalTokens).toBe(tool.tokens.total);
  });

  it('warns about missing annotations and a long description', async () => {
    const result = await runCli(['plugin', 'check', bare], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning: wordy: no annotations');
    expect(result.stdout).toMatch(/warning: wordy: the description is \d+ tokens \(over 200\)/);
  });

  it('--snapshot records the schemas, passes when unchanged and fails after a description changes', async () => {
    const snapshot = join(cwd, 'tools.snap.json');
    const first = await runCli(['plugin', 'check', './greet.mjs', '--snapshot', snapshot], { cwd });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`wrote the tool snapshot ${snapshot}`);
    expect(JSON.parse(readFileSync(snapshot, 'utf8'))).toEqual([
      expect.objectContaining({ name: 'greet', description: 'Greet someone by name.' }),
    ]);
    const same = await runCli(['plugin', 'check', './greet.mjs', '--snapshot', snapshot], { cwd });
    expect(same.code).toBe(0);
    expect(same.stderr).toContain(`the tools match ${snapshot}`);

    write('check/greet.mjs', oneFile('greet', 'greet', 'Greet someone by their name.'));
    const drift = await runCli(['plugin', 'check', './greet.mjs', '--snapshot', snapshot], { cwd });
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain(
      `the tools differ from the snapshot ${snapshot}:\n  greet: description changed`,
    );

    const updated = await runCli(
      ['plugin', 'check', './greet.mjs', '--snapshot', snapshot, '--update-snapshot'],
      { cwd },
    );
    expect(updated.code).toBe(0);
    expect(JSON.parse(readFileSync(snapshot, 'utf8'))[0].description).toBe('Greet someone by their name.');
  });

  it('names the cause when the plugin cannot be loaded', async () => {
    const result = await runCli(['plugin', 'check', './absent.mjs'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `toolhost: cannot load the plugin: plugins[0] (./absent.mjs): no file at ${join(cwd, 'absent.mjs')}\n`,
    );
  });
});

describe('toolhost plugin init', () => {
  it('refuses a folder that is not empty, and a name npm would refuse', async () => {
    write('init/taken/file.txt', 'x');
    const taken = await runCli(['plugin', 'init', './taken'], { cwd: join(root, 'init') });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain(`${join(root, 'init/taken')} is not empty`);
    const badName = await runCli(['plugin', 'init', './fresh', '--name', 'Not A Name'], {
      cwd: join(root, 'init'),
    });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain(`'Not A Name' is not a valid npm package name`);
  });

  it('writes a package whose plugin id, tool and peer range follow the name and the kernel', async () => {
    const result = await runCli(
      ['plugin', 'init', './weather-tools', '--name', '@acme/toolhost-plugin-storm'],
      {
        cwd: join(root, 'init'),
      },
    );
    expect(result.code).toBe(0);
    const dir = join(root, 'init/weather-tools');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@acme/toolhost-plugin-storm',
      peerDependencies: { '@toolhost/core': `^${HOST_CORE_VERSION}` },
      devDependencies: { '@toolhost/testing': `^${HOST_CORE_VERSION}`, typescript: '6.0.3' },
      scripts: { build: 'tsup', test: 'vitest run' },
    });
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain("id: 'storm'");
    expect(readFileSync(join(dir, 'src/tools/hello.ts'), 'utf8')).toContain("name: 'storm_hello'");
  });
});
