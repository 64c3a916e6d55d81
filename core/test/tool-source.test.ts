/** The per-caller tool seam: plugins' tool sources add tools to a caller's ToolSet at request time. */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamicResource,
  type DynamicTool,
  definePlugin,
  defineResource,
  defineTool,
  defineToolSource,
  z,
} from '../src/api/index';
import { CancellationSource, Kernel } from '../src/kernel/internal';

const logger = pino({ level: 'silent' });
const SCHEMA = { properties: { text: { type: 'string' } }, type: 'object', $defs: { unused: {} } };

/** One tool per chosen "Space", built once per name so equal selections get the same objects. */
const built = new Map<string, DynamicTool>();
const dynamic = (name: string): DynamicTool => {
  let tool = built.get(name);
  if (!tool) {
    tool = {
      name,
      description: `proxied ${name}`,
      inputSchema: SCHEMA,
      handler: (args) => `${name} got ${JSON.stringify(args)}`,
    };
    built.set(name, tool);
  }
  return tool;
};

const source = definePlugin({
  id: 'remote',
  version: '1.0.0',
  kernel: '^0.1.0',
  toolSource: defineToolSource({
    tools: ({ query }) =>
      (query['remote'] ?? '')
        .split(',')
        .filter(Boolean)
        .map((id: string) => dynamic(id.replace('/', '_'))),
  }),
});
const local = definePlugin({
  id: 'local',
  version: '1.0.0',
  kernel: '^0.1.0',
  tools: [
    defineTool({ name: 'owner_taken', description: 'static', input: z.object({}), handler: () => 'static' }),
  ],
});

let kernel: Kernel;
beforeAll(async () => {
  kernel = await Kernel.fromPlugins([{ plugin: local }, { plugin: source }], {
    logger,
    access: { anonymous: ['local'], authenticated: 'all', plans: {}, defaults: 'all', presets: {} },
    auth: { disabledProviders: ['huggingface'] },
  });
});
afterAll(() => kernel.shutdown());

async function toolSetFor(spaces: string[]) {
  const resolution = await kernel.resolveCaller({ logger, query: { remote: spaces.join(',') } });
  if (!resolution.ok) throw new Error('refused');
  return resolution.caller;
}

describe('tool sources', () => {
  it('add per-caller tools with their JSON Schema as given, and only within the policy bound', async () => {
    // Anonymous callers may use `local` only: the source is not asked.
    const anonymous = await toolSetFor(['owner/a']);
    expect([...anonymous.toolSet.tools.keys()]).toEqual(['owner_taken']);
    expect(anonymous.toolSet).toBe((await toolSetFor([])).toolSet);
  });

  it('merge once per distinct set, and leave out names that collide with static tools', async () => {
    const kernelOpen = await Kernel.fromPlugins([{ plugin: local }, { plugin: source }], { logger });
    try {
      const resolve = async (spaces: string[]) => {
        const r = await kernelOpen.resolveCaller({ logger, query: { remote: spaces.join(',') } });
        if (!r.ok) throw new Error('refused');
        return r.caller;
      };
      const one = await resolve(['owner/a', 'owner/taken']);
      expect([...one.toolSet.tools.keys()]).toEqual(['owner_taken', 'owner_a']);
      expect(one.toolSet.tools.get('owner_taken')!.def.description).toBe('static');
      expect(JSON.stringify(one.toolSet.listResult().tools[1]!.inputSchema)).toBe(JSON.stringify(SCHEMA));
      expect((await resolve(['owner/a'])).toolSet).toBe(one.toolSet);
      expect((await resolve(['owner/b'])).toolSet).not.toBe(one.toolSet);
      const result = await kernelOpen.ops.callTool(
        one.toolSet,
        'owner_a',
        { text: 'hi' },
        {
          principal: one.principal,
          credentials: one.credentials,
          requestId: 'r1',
          cancellation: new CancellationSource(),
          logger,
        },
      );
      expect(result).toEqual({ content: [{ type: 'text', text: 'owner_a got {"text":"hi"}' }] });
      const invalid = await kernelOpen.ops.callTool(one.toolSet, 'owner_a', 'not an object', {
        principal: one.principal,
        credentials: one.credentials,
        requestId: 'r2',
        cancellation: new CancellationSource(),
        logger,
      });
      expect(invalid.isError).toBe(true);
    } finally {
      await kernelOpen.shutdown();
    }
  });

  it('list the _meta and resources a dynamic tool carries, to exactly the callers who have the tool', async () => {
    const page = (uri: string, html: string): DynamicResource => ({
      uri,
      name: uri,
      mimeType: 'text/html;profile=mcp-app',
      _meta: { ui: { prefersBorder: true } },
      read: ({ uri: asked }, ctx) => ({
        contents: [
          { uri: asked, mimeType: 'text/html;profile=mcp-app', text: `${html} for ${ctx.principal.kind}` },
        ],
      }),
    });
    const shared = page('ui://app/shared.html', 'shared');
    const apps: Record<string, DynamicTool> = {
      a: {
        name: 'app_a',
        description: 'a',
        inputSchema: SCHEMA,
        _meta: { ui: { resourceUri: 'ui://app/shared.html' } },
        resources: [shared, page('ui://app/a.html', 'a'), page('static://taken', 'hijack')],
        handler: () => 'a',
      },
      // Another tool of the same App: its page is listed once.
      b: {
        name: 'app_b',
        description: 'b',
        inputSchema: SCHEMA,
        resources: [page('ui://app/shared.html', 'again')],
        handler: () => 'b',
      },
    };
    const appSource = definePlugin({
      id: 'apps',
      version: '1.0.0',
      kernel: '^0.1.0',
      toolSource: defineToolSource({
        resources: true,
        tools: ({ query }) =>
          (query['apps'] ?? '')
            .split(',')
            .filter(Boolean)
            .map((id: string) => apps[id]!),
      }),
    });
    const withStatic = definePlugin({
      id: 'static',
      version: '1.0.0',
      kernel: '^0.1.0',
      resources: [defineResource({ uri: 'static://taken', name: 'taken', read: () => 'static' })],
    });
    const appKernel = await Kernel.fromPlugins([{ plugin: withStatic }, { plugin: appSource }], { logger });
    try {
      // The capability is always advertised: any tool result may link an image for resources/read.
      for (const [plugin, advertised] of [
        [appSource, true],
        [source, true],
      ] as const) {
        const alone = await Kernel.fromPlugins([{ plugin }], { logger });
        expect('resources' in alone.identity.capabilities, plugin.id).toBe(advertised);
        await alone.shutdown();
      }
      const resolve = async (ids: string) => {
        const r = await appKernel.resolveCaller({ logger, query: { apps: ids } });
        if (!r.ok) throw new Error('refused');
        return r.caller;
      };
      const both = await resolve('a,b');
      expect(both.toolSet.listResult().tools.find((t) => t.name === 'app_a')!._meta).toEqual({
        ui: { resourceUri: 'ui://app/shared.html' },
      });
      const listed = appKernel.ops.listResources(both.toolSet).resources as {
        uri: string;
        _meta?: unknown;
      }[];
      // The static resource keeps its URI; the shared page is listed once.
      expect(listed.map((r) => r.uri)).toEqual(['static://taken', 'ui://app/shared.html', 'ui://app/a.html']);
      expect(listed[1]!._meta).toEqual({ ui: { prefersBorder: true } });
      const info = {
        principal: both.principal,
        credentials: both.credentials,
        requestId: 'r3',
        cancellation: new CancellationSource(),
        logger,
      };
      expect(await appKernel.ops.readResource(both.toolSet, 'ui://app/shared.html', info)).toEqual({
        contents: [
          {
            uri: 'ui://app/shared.html',
            mimeType: 'text/html;profile=mcp-app',
            text: 'shared for anonymous',
          },
        ],
      });
      expect(
        (await appKernel.ops.readResource(both.toolSet, 'static://taken', info)).contents[0],
      ).toMatchObject({
        text: 'static',
      });
      // Without the tools, no pages.
      const none = await resolve('');
      expect(
        (appKernel.ops.listResources(none.toolSet).resources as { uri: string }[]).map((r) => r.uri),
      ).toEqual(['static://taken']);
      await expect(appKernel.ops.readResource(none.toolSet, 'ui://app/a.html', info)).rejects.toThrow(
        /not found/i,
      );
    } finally {
      await appKernel.shutdown();
    }
  });
});
