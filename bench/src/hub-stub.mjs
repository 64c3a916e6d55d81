// A minimal Hub for the bench's cached-search scenario: `/api/models` answers the real
// response shape (the test fixtures' models) at once, so the scenario measures
// Toolhost's own work on a search answer (the first call fills its cache).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const models = JSON.parse(
  readFileSync(new URL('../../test/fixtures/hub/models.json', import.meta.url), 'utf8'),
);

export function startHubStub() {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    if (url.pathname !== '/api/models') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}');
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? 20);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(models.slice(0, limit)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}
