import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createServiceRef, definePlugin, defineTool, z } from '../src/api/index';
import { PluginHost, PluginLoadError } from '../src/kernel/internal';

const logger = pino({ level: 'silent' });
const fixtures = fileURLToPath(new URL('../../test/fixtures/plugins/', import.meta.url));
const load = (entries: { use: string; config?: unknown }[]) =>
  PluginHost.load(entries, { baseDir: fixtures, logger });
const host = (
  plugins: { plugin: ReturnType<typeof definePlugin>; config?: unknown }[],
  setupTimeoutMs?: number,
) => PluginHost.fromPlugins(plugins, { baseDir: fixtures, logger, setupTimeoutMs });

const counter = createServiceRef<{ next(): number }>('counter');
const noop = (name: string) =>
  defineTool({ name, description: name, input: z.object({}), handler: () => name });

async function loadError(run: () => Promise<unknown> | unknown): Promise<PluginLoadError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(PluginLoadError);
    return error as PluginLoadError;
  }
  throw new Error('expected a PluginLoadError');
}

describe('plugin host: loading', () => {
  it('loads a plugin module by relative path and parses its config with defaults', async () => {
    const loaded = await load([{ use: './testkit.mjs' }]);
    expect(loaded.plugins.map((p) => p.id)).toEqual(['testkit']);
    expect(loaded.plugins[0]!.config).toEqual({ greeting: 'hello' });
  });

  it('loads first-party plugins by npm package name', async () => {
    const loaded = await load([{ use: '@toolhost/plugin-hub' }, { use: '@toolhost/plugin-models' }]);
    expect(loaded.plugins.map((p) => p.id)).toEqual(['hub', 'models']);
  });

  it('names the entry of an unknown package', async () => {
    const error = await loadError(() => load([{ use: './testkit.mjs' }, { use: '@toolhost/plugin-nope' }]));
    expect(error.message).toMatch(
      /^plugins\[1\] \(@toolhost\/plugin-nope\): cannot find package '@toolhost\/plugin-nope'/,
    );
  });

  it('names the entry of a missing file', async () => {
    const error = await loadError(() => load([{ use: './missing.mjs' }]));
    expect(error.message).toMatch(/^plugins\[0\] \(\.\/missing\.mjs\): no file at .*missing\.mjs/);
  });

  it('refuses a module whose export was not made by definePlugin', async () => {
    const error = await loadError(() => load([{ use: './not-a-plugin.mjs' }]));
    expect(error.message).toMatch(
      /^plugins\[0\] \(\.\/not-a-plugin\.mjs\): the module is not a Toolhost plugin/,
    );
  });

  it('names the entry and the field when config fails the plugin schema', async () => {
    const error = await loadError(() =>
      load([{ use: './configured.mjs', config: { apiUrl: 'not a url', retries: 9 } }]),
    );
    expect(error.message).toMatch(
      /^plugins\[0\] \(configured\): invalid config: config\.apiUrl: .*; config\.retries: /,
    );
  });

  it('refuses config for a plugin that takes none', async () => {
    const plugin = definePlugin({ id: 'plain', version: '1.0.0', kernel: '^0.1.0' });
    const error = await loadError(() => host([{ plugin, config: { x: 1 } }]));
    expect(error.message).toBe(
      'plugins[0] (plain): has no config options, but the manifest entry gives config',
    );
  });

  it('refuses a plugin built for another kernel version', async () => {
    const error = await loadError(() => load([{ use: './future-kernel.mjs' }]));
    expect(error.message).toBe('plugins[0] (future): needs kernel ^9.0.0, but this Toolhost kernel is 0.1.0');
  });

  it('refuses a duplicate plugin id, naming both entries', async () => {
    const error = await loadError(() => load([{ use: './testkit.mjs' }, { use: './testkit.mjs' }]));
    expect(error.message).toBe(
      "plugins[1] (testkit): duplicate plugin id 'testkit' (also plugins[0] (testkit))",
    );
  });

  it('refuses two plugins declaring the same tool, naming both', async () => {
    const error = await loadError(() =>
      load([{ use: '@toolhost/plugin-hub' }, { use: '@toolhost/plugin-models' }, { use: './collide.mjs' }]),
    );
    expect(error.message).toBe(
      "tool 'model_search' is declared by both plugins[1] (models) and plugins[2] (collide)",
    );
  });

  it('refuses a tool that uses a service its plugin does not declare', async () => {
    const sneaky = defineTool({
      name: 'sneaky',
      description: 's',
      input: z.object({}),
      services: { counter },
      handler: () => '',
    });
    const plugin = definePlugin({ id: 'sneaky', version: '1.0.0', kernel: '^0.1.0', tools: [sneaky] });
    const error = await loadError(() => host([{ plugin }]));
    expect(error.message).toBe(
      "plugins[0] (sneaky): tool 'sneaky' uses service 'counter', which the plugin neither requires nor provides",
    );
  });
});

describe('plugin host: services, order and lifecycle', () => {
  const events: string[] = [];
  const provider = definePlugin({
    id: 'provider',
    version: '1.0.0',
    kernel: '^0.1.0',
    provides: { counter },
    setup: ({ onShutdown }) => {
      events.push('setup provider');
      onShutdown(() => {
        events.push('stop provider');
      });
      let n = 0;
      return { counter: { next: () => ++n } };
    },
  });
  const consumer = definePlugin({
    id: 'consumer',
    version: '1.0.0',
    kernel: '^0.1.0',
    requires: { counter },
    setup: ({ services, onShutdown }) => {
      events.push(`setup consumer (counter at ${services.counter.next()})`);
      onShutdown(() => {
        events.push('stop consumer');
      });
    },
    tools: [noop('consume')],
  });

  it('sets providers up before the plugins that require them, and stops in reverse', async () => {
    events.length = 0;
    const h = host([{ plugin: consumer }, { plugin: provider }]);
    expect(h.plugins.map((p) => p.id)).toEqual(['provider', 'consumer']);
    await h.start();
    await h.stop();
    expect(events).toEqual([
      'setup provider',
      'setup consumer (counter at 1)',
      'stop consumer',
      'stop provider',
    ]);
  });

  it('names a required service nobody provides', async () => {
    const error = await loadError(() => host([{ plugin: consumer }]));
    expect(error.message).toBe(
      "plugins[0] (consumer): requires service 'counter', which no plugin in the manifest provides",
    );
  });

  it('names a require cycle', async () => {
    const a = createServiceRef('a');
    const b = createServiceRef('b');
    const pa = definePlugin({
      id: 'pa',
      version: '1.0.0',
      kernel: '^0.1.0',
      provides: { a },
      requires: { b },
    });
    const pb = definePlugin({
      id: 'pb',
      version: '1.0.0',
      kernel: '^0.1.0',
      provides: { b },
      requires: { a },
    });
    const error = await loadError(() => host([{ plugin: pa }, { plugin: pb }]));
    expect(error.message).toMatch(/cycle: pa → pb → pa/);
  });

  it('fails start-up when setup overruns its timeout, and stops what was set up', async () => {
    events.length = 0;
    const hang = definePlugin({
      id: 'hang',
      version: '1.0.0',
      kernel: '^0.1.0',
      requires: { counter },
      setup: () => new Promise<void>(() => {}),
    });
    const h = host([{ plugin: provider }, { plugin: hang }], 200);
    const error = await loadError(() => h.start());
    expect(error.message).toBe('plugins[1] (hang): setup did not finish within 200 ms');
    expect(events).toEqual(['setup provider', 'stop provider']);
  });

  it('reports a setup that throws, with the plugin named', async () => {
    const broken = definePlugin({
      id: 'broken',
      version: '1.0.0',
      kernel: '^0.1.0',
      setup: () => {
        throw new Error('cannot open ./data');
      },
    });
    const error = await loadError(() => host([{ plugin: broken }]).start());
    expect(error.message).toBe('plugins[0] (broken): setup failed: cannot open ./data');
  });

  it('refuses a setup that does not return a service it declares', async () => {
    const liar = definePlugin({
      id: 'liar',
      version: '1.0.0',
      kernel: '^0.1.0',
      provides: { counter },
      setup: () => ({}) as never,
    });
    const error = await loadError(() => host([{ plugin: liar }]).start());
    expect(error.message).toBe(
      "plugins[0] (liar): declares that it provides 'counter' but setup did not return it",
    );
  });

  it('keeps shutting down when a hook fails', async () => {
    events.length = 0;
    const failing = definePlugin({
      id: 'failing',
      version: '1.0.0',
      kernel: '^0.1.0',
      setup: ({ onShutdown }) => {
        onShutdown(() => {
          throw new Error('boom');
        });
      },
    });
    const h = host([{ plugin: provider }, { plugin: failing }]);
    await h.start();
    await expect(h.stop()).resolves.toBeUndefined();
    expect(events).toContain('stop provider');
  });
});
