import type { Kernel } from '@toolhost/core/kernel';
import type { FastifyInstance } from 'fastify';

/** `GET /healthz`: liveness and what is loaded, for load balancers and operators. */
export async function healthRoutes(app: FastifyInstance, { kernel }: { kernel: Kernel }) {
  app.get('/healthz', async () => ({
    status: 'ok',
    plugins: kernel.host.plugins.map((p) => p.id),
    tools: kernel.catalog.tools.size,
  }));
}
