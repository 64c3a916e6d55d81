/**
 * Where the built CLI keeps its state: without a manifest in the per-user data folder
 * (so a client that starts `toolhost serve --stdio` from `/` or another read-only
 * folder works), with a manifest where its `stores.path` says; and a path it cannot
 * use stops start-up with one `toolhost: …` line, never a stack trace. Every run gets
 * its own HOME and data folders: nothing is written to the repo or the real home.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdioClient, runCli, spawnCli, waitFor } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

let hub: HubEmulator;
beforeAll(async () => {
  hub = await startHubEmulator();
});
afterAll(() => hub?.close());

const temp = (name: string) => mkdtempSync(join(tmpdir(), `toolhost-${name}-`));

/**
 * A working folder where the old default `./data/toolhost.db` cannot be created: it
 * holds a file named `data` (root ignores a read-only folder, but not this).
 */
function unwritableCwd(): string {
  const cwd = temp('cwd');
  writeFileSync(join(cwd, 'data'), 'a file where ./data would have to be a folder');
  return cwd;
}

/** Only what the CLI needs, so the real HOME and XDG folders never leak in. */
const baseEnv = () => ({ PATH: process.env['PATH'] ?? '', HF_ENDPOINT: hub.url });

async function initializeOverStdio(cwd: string, env: Record<string, string>) {
  const { client, stderr } = await connectStdioClient({ cwd, env: { ...baseEnv(), ...env } });
  try {
    const { tools } = await client.listTools();
    return { tools: tools.map((t) => t.name), stderr };
  } finally {
    await client.close();
  }
}

describe('without a manifest, state goes to the per-user data folder', () => {
  it.runIf(process.platform === 'linux')(
    'serve --stdio from a folder where ./data cannot be made works, state in $XDG_DATA_HOME/toolhost',
    async () => {
      const cwd = unwritableCwd();
      const home = temp('home');
      const xdg = temp('xdg');
      const { tools } = await initializeOverStdio(cwd, { HOME: home, XDG_DATA_HOME: xdg });
      expect(tools).toContain('model_search');
      expect(statSync(join(xdg, 'toolhost', 'toolhost.db')).isFile()).toBe(true);
      expect(existsSync(join(home, '.local'))).toBe(false);
      expect(statSync(join(cwd, 'data')).isFile()).toBe(true);
    },
  );

  it.runIf(process.platform === 'linux')('…in ~/.local/share/toolhost without XDG_DATA_HOME', async () => {
    const home = temp('home');
    await initializeOverStdio(unwritableCwd(), { HOME: home });
    expect(statSync(join(home, '.local', 'share', 'toolhost', 'toolhost.db')).isFile()).toBe(true);
  });

  it('…in TOOLHOST_DATA_DIR when set; the serving line says where, and an old ./data/toolhost.db is pointed out', async () => {
    const cwd = temp('cwd');
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', 'toolhost.db'), '');
    const data = join(temp('data'), 'nested');
    const child = spawnCli(['serve', '--port', '0'], {
      cwd,
      env: { ...baseEnv(), HOME: temp('home'), TOOLHOST_DATA_DIR: data },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await waitFor(() => /serving MCP at/.test(stderr), 'the server to start');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const db = join(data, 'toolhost.db');
    expect(stderr).toContain(`(manifest: built-in default, state: ${db})`);
    expect(stderr).toContain(
      `toolhost: note: ${join(cwd, 'data', 'toolhost.db')} is no longer used; without a manifest, state lives in ${db}`,
    );
    expect(statSync(db).isFile()).toBe(true);
  });
});

describe('a stores path that cannot be used stops start-up with one line', () => {
  /** One `toolhost: …` line, exit code 1, no stack trace. */
  function expectOneLine(result: { code: number | null; stderr: string }, path: string, why: string) {
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `toolhost: cannot use the state store ${path}: ${why}; set stores.path in the manifest, or TOOLHOST_DATA_DIR when running without one\n`,
    );
  }

  const parentIsFile = () => {
    const dir = temp('bad-store');
    writeFileSync(join(dir, 'plain-file'), 'not a folder');
    return join(dir, 'plain-file', 'toolhost.db');
  };

  it.each([
    ['serve', '--port', '0'],
    ['serve', '--stdio'],
    ['tokens', 'list'],
  ])('toolhost %s %s with a manifest whose stores.path is under a file', async (...args) => {
    const path = parentIsFile();
    const manifest = join(temp('manifest'), 'toolhost.yaml');
    writeFileSync(manifest, `plugins:\n  - use: "@toolhost/plugin-hub"\nstores:\n  path: ${path}\n`);
    const result = await runCli([...args, '--config', manifest], { env: baseEnv() });
    expectOneLine(result, path, 'a folder on its path is a file');
  });

  it('a stores.path relative to the manifest that names a folder', async () => {
    const dir = temp('manifest');
    mkdirSync(join(dir, 'state.db'));
    writeFileSync(
      join(dir, 'toolhost.yaml'),
      'plugins:\n  - use: "@toolhost/plugin-hub"\nstores:\n  path: state.db\n',
    );
    const result = await runCli(['serve', '--stdio', '--config', join(dir, 'toolhost.yaml')], {
      cwd: temp('cwd'),
      env: baseEnv(),
    });
    expectOneLine(
      result,
      join(dir, 'state.db'),
      'it cannot be opened (is it a folder, or is its folder not writable?)',
    );
  });

  it('TOOLHOST_DATA_DIR under a file, without a manifest', async () => {
    const data = parentIsFile();
    const result = await runCli(['serve', '--stdio'], {
      cwd: temp('cwd'),
      env: { ...baseEnv(), HOME: temp('home'), TOOLHOST_DATA_DIR: data },
    });
    expectOneLine(result, join(data, 'toolhost.db'), 'a folder on its path is a file');
  });

  // Root ignores permissions, so this case needs an ordinary user.
  it.skipIf(process.getuid?.() === 0)('a folder without write permission', async () => {
    const locked = temp('locked');
    chmodSync(locked, 0o500);
    try {
      const path = join(locked, 'sub', 'toolhost.db');
      const result = await runCli(['serve', '--stdio'], {
        cwd: temp('cwd'),
        env: { ...baseEnv(), HOME: temp('home'), TOOLHOST_DATA_DIR: join(locked, 'sub') },
      });
      expectOneLine(result, path, 'permission denied');
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});
