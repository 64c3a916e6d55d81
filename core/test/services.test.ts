/**
 * Services with lifetimes and ctx.config: process services are resolved once,
 * request-scoped ones are built per call from the request's values (and only for
 * calls that use them), and every handler reads its plugin's parsed config.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ANONYMOUS,
  createRequestServiceRef,
  createServiceRef,
  defineMiddleware,
  definePlugin,
  definePrompt,
  defineResource,
  defineTool,
  defineToolSource,
  type Principal,
  z,
} from '../src/api/index';
import { type CallInfo, CancellationSource, Kernel } from '../src/kernel/internal';

const logger = pino({ level: 'silent' });

/** A per-request view of a shared counter: who asks, under which request. */
interface Session {
  readonly serial: number;
  readonly who: string;
  readonly requestId: string;
  readonly signal: AbortSignal;
}

const counter = createServiceRef<{ next(): number }>('counter');
const session = createRequestServiceRef<Session>('session');
let built = 0;

const provider = definePlugin({
  id: 'provider',
  version: '1.0.0',
  kernel: '^0.1.0',
  config: z.object({ label: z.string().default('provider'), limit: z.number().default(3) }),
  provides: { counter, session },
  setup: () => {
    let n = 0;
    const shared = { next: () => ++n };
    return {
      counter: shared,
      // One session per request that uses it, made from the request's values and a process service.
      session: ({ principal, requestId, signal, logger: requestLogger }) => {
        built++;
        requestLogger.debug({}, 'session built');
        return { serial: shared.next(), who: principal.id, requestId, signal };
      },
    };
  },
  tools: [
    defineTool({
      name: 'whoami',
      description: 'Uses the request-scoped session, twice.',
      input: z.object({}),
      services: { session },
      handler: (_input, ctx) => {
        const first = ctx.services.session;
        const again = ctx.services.session;
        return `${first.who} ${first.requestId} #${first.serial} same=${first === again} aborted=${first.signal.aborted}`;
      },
    }),
    defineTool({
      name: 'count',
      description: 'Uses a process service only.',
      input: z.object({}),
      services: { counter },
      handler: (_input, ctx) => `count ${ctx.services.counter.next()}`,
    }),
    defineTool({
      name: 'config_whole',
      description: 'Reads the whole plugin config.',
      input: z.object({}),
      handler: (_input, ctx) => JSON.stringify(ctx.config),
    }),
    defineTool({
      name: 'config_view',
      description: 'Reads its typed view of the plugin config.',
      input: z.object({}),
      config: z.object({ limit: z.number() }),
      handler: (_input, ctx) => `limit ${ctx.config.limit + 1} ${JSON.stringify(ctx.config)}`,
    }),
  ],
  resources: [
    defineResource({
      name: 'session',
      uri: 'test://session',
      services: { session },
      config: z.object({ label: z.string() }),
      read: (_request, ctx) =>
        `${ctx.config.label}: ${ctx.services.session.who} ${ctx.services.session.requestId}`,
    }),
  ],
  prompts: [
    definePrompt({
      name: 'labelled',
      get: (_args, ctx) => `label ${String(ctx.config['label'])}`,
    }),
  ],
  middleware: [
    // The middleware and the handler of one call share the call's request-scoped session.
    defineMiddleware({
      name: 'stamp',
      tools: ({ name }) => name === 'whoami',
      services: { session },
      async handle({ ctx }, next) {
        const mine = ctx.services.session;
        const result = await next();
        const text = (result.content[0] as { text: string }).text;
        return { content: [{ type: 'text', text: `${text} middleware=#${mine.serial}` }] };
      },
    }),
  ],
});

/** A plugin that requires both: setup gets the process service only. */
let setupSaw: string[] = [];
const consumer = definePlugin({
  id: 'consumer',
  version: '1.0.0',
  kernel: '^0.1.0',
  requires: { counter, session },
  setup: ({ services }) => {
    setupSaw = Object.keys(services);
  },
  tools: [
    defineTool({
      name: 'consumer_session',
      description: 'Another plugin’s request-scoped service.',
      input: z.object({}),
      services: { session, counter },
      handler: (_input, ctx) => `${ctx.services.session.who} #${ctx.services.session.serial}`,
    }),
  ],
  toolSource: defineToolSource({
    services: { counter },
    tools: ({ config, services }) => {
      expect(config).toEqual({});
      expect(typeof services.counter.next).toBe('function');
      return [];
    },
  }),
});

let kernel: Kernel;
const user: Principal = { id: 'user:ada', name: 'ada', kind: 'user', plan: 'free', scopes: [] };
const info = (requestId: string, principal: Principal = ANONYMOUS): CallInfo => ({
  principal,
  credentials: {},
  requestId,
  cancellation: new CancellationSource(),
  logger,
});
const call = async (name: string, requestId: string, principal?: Principal) => {
  const result = await kernel.ops.callTool(kernel.toolSets.all(), name, {}, info(requestId, principal));
  return (result.content[0] as { text: string }).text;
};

beforeAll(async () => {
  kernel = await Kernel.fromPlugins(
    [{ plugin: consumer }, { plugin: provider, config: { label: 'from the manifest' } }],
    { logger },
  );
});
afterAll(() => kernel.shutdown());

describe('request-scoped services', () => {
  it('are built once per call from the request values, shared by middleware and handler', async () => {
    const before = built;
    const first = await call('whoami', 'req-a', user);
    expect(first).toMatch(/^user:ada req-a #(\d+) same=true aborted=false middleware=#\1$/);
    const second = await call('whoami', 'req-b');
    expect(second).toMatch(/^anonymous req-b #\d+ same=true aborted=false middleware=#\d+$/);
    expect(second).not.toBe(first);
    expect(built).toBe(before + 2);
  });

  it('serve the tools of plugins that require them', async () => {
    expect(await call('consumer_session', 'req-c', user)).toMatch(/^user:ada #\d+$/);
  });

  it('are not made for calls that use process services only: no request scope at all', async () => {
    const scopes = vi.spyOn(kernel.host.container, 'requestScope');
    try {
      expect(await call('count', 'req-d')).toMatch(/^count \d+$/);
      expect(await call('config_whole', 'req-e')).toContain('from the manifest');
      expect(scopes).not.toHaveBeenCalled();
      await call('whoami', 'req-f');
      expect(scopes).toHaveBeenCalledTimes(1);
    } finally {
      scopes.mockRestore();
    }
  });

  it('serve resources, in a scope of their own request', async () => {
    const result = await kernel.ops.readResource(
      kernel.toolSets.all(),
      'test://session',
      info('req-r', user),
    );
    expect(result.contents).toEqual([{ uri: 'test://session', text: 'from the manifest: user:ada req-r' }]);
  });

  it('are left out of setup: no request exists then', () => {
    expect(setupSaw).toEqual(['counter']);
  });
});

describe('ctx.config', () => {
  it('is the plugin config as its schema parsed it, defaults applied', async () => {
    expect(JSON.parse(await call('config_whole', 'req-1'))).toEqual({ label: 'from the manifest', limit: 3 });
  });

  it('is the typed view a definition declared, parsed once at load', async () => {
    expect(await call('config_view', 'req-2')).toBe('limit 4 {"limit":3}');
  });

  it('reaches prompts', async () => {
    const result = await kernel.ops.getPrompt(kernel.toolSets.all(), 'labelled', {}, info('req-3'));
    expect(result.messages[0]!.content).toEqual({ type: 'text', text: 'label from the manifest' });
  });
});

describe('loading services and config', () => {
  const base = { version: '1.0.0', kernel: '^0.1.0' } as const;
  const load = (...plugins: ReturnType<typeof definePlugin>[]) =>
    Kernel.fromPlugins(
      plugins.map((plugin) => ({ plugin })),
      { logger },
    );

  it('refuses a request-scoped service whose provider returns no factory', async () => {
    const broken = definePlugin({
      id: 'broken',
      ...base,
      provides: { session },
      setup: () => ({ session: { serial: 1 } as never }),
    });
    await expect(load(broken)).rejects.toThrow(
      /provides request-scoped service 'session', so setup must return a factory/,
    );
  });

  it('refuses a tool source that uses a request-scoped service', async () => {
    const source = definePlugin({
      id: 'source',
      ...base,
      requires: { session },
      toolSource: defineToolSource({ services: { session }, tools: () => [] }),
    });
    await expect(load(provider, source)).rejects.toThrow(
      /toolSource uses request-scoped service 'session', but tool sources run before any call/,
    );
  });

  it('refuses a resource or prompt using a service its plugin neither requires nor provides', async () => {
    const stray = definePlugin({
      id: 'stray',
      ...base,
      prompts: [definePrompt({ name: 'p', services: { counter }, get: () => 'x' })],
    });
    await expect(load(stray)).rejects.toThrow(
      /prompt 'p' uses service 'counter', which the plugin neither requires nor provides/,
    );
  });

  it('refuses a tool whose config view the plugin config does not satisfy', async () => {
    const mismatched = definePlugin({
      id: 'mismatched',
      ...base,
      config: z.object({ limit: z.number().default(1) }),
      tools: [
        defineTool({
          name: 'wants_label',
          description: 'x',
          input: z.object({}),
          config: z.object({ label: z.string() }),
          handler: (_input, ctx) => ctx.config.label,
        }),
      ],
    });
    await expect(load(mismatched)).rejects.toThrow(
      /plugins\[0\] \(mismatched\): tool 'wants_label' declares a config its plugin's config does not satisfy: config\.label/,
    );
  });
});
