/**
 * The weather plugin in the real kernel (`@toolhost/testing`), against a local
 * stand-in for the Open-Meteo API: real HTTP, the API's answer shape.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestKernel, type TestKernel } from '@toolhost/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../src/index';

/** What the stand-in was asked, and what it answers next. */
const requests: URL[] = [];
let status = 200;

let api: Server;
let endpoint = '';
beforeAll(async () => {
  api = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":true,"reason":"busy"}');
      return;
    }
    const days = Number(url.searchParams.get('forecast_days'));
    const time = Array.from({ length: days }, (_, i) => `2026-07-${String(10 + i).padStart(2, '0')}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        latitude: Number(url.searchParams.get('latitude')),
        longitude: Number(url.searchParams.get('longitude')),
        daily_units: { temperature_2m_max: '°C', precipitation_sum: 'mm' },
        daily: {
          time,
          temperature_2m_max: time.map((_, i) => 20 + i),
          temperature_2m_min: time.map((_, i) => 10 + i),
          precipitation_sum: time.map((_, i) => i / 2),
        },
      }),
    );
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

let kernel: TestKernel | undefined;
afterEach(async () => {
  await kernel?.close();
  kernel = undefined;
  status = 200;
  requests.length = 0;
});

const start = (config: Record<string, unknown> = {}) =>
  startTestKernel({ plugins: [plugin], config: { weather: { endpoint, ...config } } });

describe('weather_forecast', () => {
  it('is listed as a read-only, open-world tool', async () => {
    kernel = await start();
    const [tool] = await kernel.listTools();
    expect(tool).toMatchObject({
      name: 'weather_forecast',
      title: 'Daily weather forecast',
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    });
    expect(Object.keys(tool!.inputSchema.properties ?? {})).toEqual(['latitude', 'longitude', 'days']);
  });

  it('asks the API for the place and days, in the configured units, and answers a table', async () => {
    kernel = await start({ units: 'fahrenheit' });
    const result = await kernel.callTool('weather_forecast', { latitude: 48.85, longitude: 2.35, days: 2 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      units: 'fahrenheit',
      days: [
        { date: '2026-07-10', max: 20, min: 10, precipitationMm: 0 },
        { date: '2026-07-11', max: 21, min: 11, precipitationMm: 0.5 },
      ],
    });
    const [asked] = requests;
    expect(asked?.pathname).toBe('/v1/forecast');
    expect(Object.fromEntries(asked!.searchParams)).toMatchObject({
      latitude: '48.85',
      longitude: '2.35',
      forecast_days: '2',
      temperature_unit: 'fahrenheit',
    });
    const texts = result.content.map((block) => (block as { text: string }).text);
    expect(texts[0]).toContain('| 2026-07-11 | 21 °F | 11 °F | 0.5 mm |');
  });

  it('ends every forecast with the attribution (the middleware)', async () => {
    kernel = await start({ attribution: 'Data: test stand-in' });
    const result = await kernel.callTool('weather_forecast', { latitude: 0, longitude: 0 });
    expect(result.content.at(-1)).toEqual({ type: 'text', text: '_Data: test stand-in_' });
  });

  it('refuses more days than the config allows, without asking the API', async () => {
    kernel = await start({ maxDays: 3 });
    const result = await kernel.callTool('weather_forecast', { latitude: 0, longitude: 0, days: 5 });
    expect(result).toMatchObject({
      isError: true,
      content: [{ text: 'This server gives forecasts of at most 3 days; ask for fewer.' }],
    });
    expect(requests).toEqual([]);
  });

  it('says when the API fails, and adds no attribution to an error', async () => {
    kernel = await start();
    status = 503;
    const result = await kernel.callTool('weather_forecast', { latitude: 0, longitude: 0 });
    expect(result).toMatchObject({ isError: true });
    expect(result.content).toEqual([
      { type: 'text', text: 'The weather service answered 503; try again later.' },
    ]);
  });

  it('refuses coordinates off the globe before calling anything', async () => {
    kernel = await start();
    const result = await kernel.callTool('weather_forecast', { latitude: 123, longitude: 0 });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/latitude/);
    expect(requests).toEqual([]);
  });

  it('refuses a config that is not a URL when the plugin loads', async () => {
    await expect(start({ endpoint: 'not a url' })).rejects.toThrow(/invalid config: config\.endpoint/);
  });
});
