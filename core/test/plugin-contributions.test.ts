/**
 * What plugins contribute besides tools: fields of user settings (their tool source
 * gets the caller's values, and the request's query), and a top-level manifest
 * section as their config.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamicTool, definePlugin, defineToolSource, z } from '../src/api/index';
import {
  InMemoryTokenStore,
  Kernel,
  newToken,
  PluginLoadError,
  SettingsError,
  UnclaimedSectionError,
} from '../src/kernel/internal';

const logger = pino({ level: 'silent' });

/** Tools named after the caller's saved `colours` and this request's `?colour=`. */
const tools = new Map<string, DynamicTool>();
const toolFor = (name: string): DynamicTool => {
  let tool = tools.get(name);
  if (!tool) {
    tool = { name, description: name, inputSchema: { type: 'object' }, handler: () => name };
    tools.set(name, tool);
  }
  return tool;
};
const palette = definePlugin({
  id: 'palette',
  version: '1.0.0',
  kernel: '^0.1.0',
  config: z
    .object({
      prefix: z
        .string()
        .regex(/^[a-z]+$/)
        .default('colour'),
    })
    .strict(),
  manifestSection: 'palette',
  userSettings: z.object({
    colours: z
      .array(z.enum(['red', 'green', 'blue']))
      .max(3)
      .default([]),
  }),
  toolSource: defineToolSource({
    tools: ({ settings, query }) =>
      [...(settings['colours'] as string[]), ...(query['colour'] ? [query['colour']] : [])].map((c) =>
        toolFor(`colour_${c}`),
      ),
  }),
});

describe('user settings fields from plugins', () => {
  const tokens = new InMemoryTokenStore();
  const { token, hash, record } = newToken('ivy', 'free');
  let kernel: Kernel;
  beforeAll(async () => {
    await tokens.insert(hash, record);
    kernel = await Kernel.fromPlugins([{ plugin: palette }], { logger, stores: { tokens } });
  });
  afterAll(() => kernel.shutdown());

  it('are validated on save, kept, and handed to the plugin’s tool source with the query', async () => {
    await expect(kernel.settings.put('user:ivy', { colours: ['mauve'] })).rejects.toThrow(SettingsError);
    await expect(kernel.settings.put('user:ivy', { colours: ['mauve'] })).rejects.toThrow(/^colours\.0: /);
    await expect(kernel.settings.put('user:ivy', { shapes: [] })).rejects.toThrow(/shapes/);
    const saved = await kernel.settings.put('user:ivy', { colours: ['red', 'blue'] });
    expect(saved).toEqual({ plugins: [], disabledTools: [], colours: ['red', 'blue'] });
    const resolution = await kernel.resolveCaller({ token, logger, query: { colour: 'green' } });
    if (!resolution.ok) throw new Error(resolution.message);
    expect([...resolution.caller.toolSet.tools.keys()]).toEqual([
      'colour_red',
      'colour_blue',
      'colour_green',
    ]);
    // Anonymous callers have no saved settings: the plugin's defaults.
    const anonymous = await kernel.resolveCaller({ logger });
    if (!anonymous.ok) throw new Error(anonymous.message);
    expect([...anonymous.caller.toolSet.tools.keys()]).toEqual([]);
  });

  it('may not be declared by two plugins', async () => {
    const twin = definePlugin({
      id: 'twin',
      version: '1.0.0',
      kernel: '^0.1.0',
      userSettings: z.object({ colours: z.array(z.string()) }),
    });
    await expect(Kernel.fromPlugins([{ plugin: palette }, { plugin: twin }], { logger })).rejects.toThrow(
      "plugin 'twin': declares the user settings field 'colours', which plugin 'palette' already has",
    );
    const core = definePlugin({
      id: 'core-field',
      version: '1.0.0',
      kernel: '^0.1.0',
      userSettings: z.object({ plugins: z.array(z.string()) }),
    });
    await expect(Kernel.fromPlugins([{ plugin: core }], { logger })).rejects.toThrow(
      "declares the user settings field 'plugins', which the kernel already has",
    );
  });
});

describe('manifest sections claimed by plugins', () => {
  it('configure the plugin that claims them; errors name the section', async () => {
    const kernel = await Kernel.fromPlugins([{ plugin: palette }], {
      logger,
      sections: { palette: { prefix: 'hue' } },
    });
    expect(kernel.host.plugins[0]!.config).toEqual({ prefix: 'hue' });
    await kernel.shutdown();
    await expect(
      Kernel.fromPlugins([{ plugin: palette }], { logger, sections: { palette: { prefix: 'Hue!' } } }),
    ).rejects.toThrow(/^plugins\[0\] \(palette\): invalid 'palette:' section: palette\.prefix: /);
  });

  it('refuse a section no plugin claims, and a plugin configured twice', async () => {
    const unclaimed = Kernel.fromPlugins([{ plugin: palette }], { logger, sections: { palete: {} } });
    await expect(unclaimed).rejects.toThrow(UnclaimedSectionError);
    await expect(
      Kernel.fromPlugins([{ plugin: palette }], { logger, sections: { palete: {} } }),
    ).rejects.toThrow("unknown field(s) palete: no loaded plugin claims a 'palete:' manifest section");
    await expect(
      Kernel.fromPlugins([{ plugin: palette, config: { prefix: 'a' } }], {
        logger,
        sections: { palette: { prefix: 'b' } },
      }),
    ).rejects.toThrow(PluginLoadError);
  });
});
