// The baseline: a plain fastify JSON route that parses a small JSON body and answers JSON.
import Fastify from 'fastify';

const app = Fastify();
app.post('/json', async (request) => ({ jsonrpc: '2.0', id: request.body.id, result: { ok: true } }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`baseline listening at ${address}/json\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
