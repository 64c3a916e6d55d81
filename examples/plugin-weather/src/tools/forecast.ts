import { defineTool, ToolError, z } from '@toolhost/core';
import { forecastService } from '../forecast-client';

export const forecast = defineTool({
  name: 'weather_forecast',
  title: 'Daily weather forecast',
  description:
    'Daily highs, lows and precipitation for a place given by latitude and longitude, starting today (UTC).',
  input: z.object({
    latitude: z.number().min(-90).max(90).describe('Latitude in degrees, e.g. 48.85 for Paris'),
    longitude: z.number().min(-180).max(180).describe('Longitude in degrees, e.g. 2.35 for Paris'),
    days: z.number().int().min(1).max(16).default(3).describe('How many days, today first'),
  }),
  output: z.object({
    units: z.enum(['celsius', 'fahrenheit']),
    days: z.array(
      z.object({ date: z.string(), max: z.number(), min: z.number(), precipitationMm: z.number() }),
    ),
  }),
  render: ({ units, days }) => {
    const unit = units === 'celsius' ? '°C' : '°F';
    const rows = days.map(
      (d) => `| ${d.date} | ${d.max} ${unit} | ${d.min} ${unit} | ${d.precipitationMm} mm |`,
    );
    return ['| date | high | low | precipitation |', '| --- | --- | --- | --- |', ...rows].join('\n');
  },
  annotations: { readOnly: true, idempotent: true, openWorld: true },
  config: z.object({ maxDays: z.number() }),
  services: { forecast: forecastService },
  handler: async ({ latitude, longitude, days }, ctx) => {
    if (days > ctx.config.maxDays) {
      throw new ToolError(
        `This server gives forecasts of at most ${ctx.config.maxDays} days; ask for fewer.`,
      );
    }
    const client = ctx.services.forecast;
    return { units: client.units, days: await client.daily(latitude, longitude, days, ctx.signal) };
  },
});
