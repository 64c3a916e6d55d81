// The built plugin under node:test (no vitest): @toolhost/testing works with any runner.
// Run after `npm run build`: npm run test:node
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { startTestKernel } from '@toolhost/testing';
import plugin from '../dist/index.js';

let api;
let endpoint;
before(async () => {
  api = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        daily: {
          time: ['2026-03-01'],
          temperature_2m_max: [12],
          temperature_2m_min: [3],
          precipitation_sum: [0],
        },
      }),
    );
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${api.address().port}`;
});
after(() => new Promise((resolve) => api.close(resolve)));

test('the built plugin lists and answers weather_forecast', async () => {
  const kernel = await startTestKernel({
    plugins: [plugin],
    config: { weather: { endpoint } },
    era: 'modern',
  });
  try {
    const tools = await kernel.listTools();
    assert.deepEqual(
      tools.map((tool) => tool.name),
      ['weather_forecast'],
    );
    const result = await kernel.callTool('weather_forecast', { latitude: 1, longitude: 2, days: 1 });
    assert.deepEqual(result.structuredContent, {
      units: 'celsius',
      days: [{ date: '2026-03-01', max: 12, min: 3, precipitationMm: 0 }],
    });
  } finally {
    await kernel.close();
  }
});
