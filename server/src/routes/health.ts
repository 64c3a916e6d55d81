import type { ToolhostKernel } from '@toolhost/core/kernel';
import { STORE_WORDS, type StoreName } from '@toolhost/core/ports';
import type { FastifyInstance } from 'fastify';
import type { Stores } from '../stores';

/** "the quota store is" / "the settings and token stores are" / "the quota store and the event bus are". */
function unavailable(names: StoreName[]): string {
  const stores = names.filter((name) => STORE_WORDS[name].endsWith(' store'));
  const others = names.filter((name) => !stores.includes(name)).map((name) => `the ${STORE_WORDS[name]}`);
  const words = stores.map((name) => STORE_WORDS[name].replace(/ store$/, ''));
  const storeList =
    words.length === 0
      ? []
      : [
          `the ${words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`} store${words.length === 1 ? '' : 's'}`,
        ];
  const all = [...storeList, ...others];
  const list = all.length === 1 ? all[0] : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
  return `${list} ${names.length === 1 ? 'is' : 'are'} unavailable`;
}

/**
 * `GET /healthz`: liveness and what is loaded, for load balancers and operators; it
 * answers 200 as long as the process serves. `GET /readyz`: readiness, 503 while a
 * store cannot serve (the process keeps running and recovers when the store does).
 * Neither is rate-limited, so a prober is never turned away.
 */
export async function healthRoutes(
  app: FastifyInstance,
  { kernel, stores }: { kernel: ToolhostKernel; stores: Stores },
) {
  app.get('/healthz', async () => {
    const { plugins, tools } = kernel.health();
    return { status: 'ok', plugins, tools: tools.length };
  });

  // Log when readiness changes, not on every probe: a prober polls all through an outage.
  let failing = new Set<StoreName>();
  app.get('/readyz', { config: { rateLimit: false } }, async (request, reply) => {
    const health = await stores.health();
    const names = Object.keys(health) as StoreName[];
    const down = names.filter((name) => !health[name]!.ok);
    for (const name of down) {
      if (!failing.has(name))
        request.log.error({ err: health[name]!.error, store: name }, `not ready: the ${name} store fails`);
    }
    for (const name of failing) {
      if (!down.includes(name)) request.log.info({ store: name }, `the ${name} store serves again`);
    }
    failing = new Set(down);
    const report = Object.fromEntries(
      names.map((name) => [
        name,
        { kind: health[name]!.kind, status: health[name]!.ok ? 'ok' : 'unavailable' },
      ]),
    );
    if (down.length === 0) return { status: 'ready', stores: report };
    return reply.code(503).send({
      status: 'unavailable',
      message: `Not ready: ${unavailable(down)}.`,
      stores: report,
    });
  });
}
